#include "core/accounts.hpp"
#include "pacte/util.hpp"

#include <sodium.h>

#include <algorithm>

#include "core/logger.hpp"
#include "core/schema.hpp"

namespace pacte {

namespace {
unsigned long long ops_limit(PasswordCost c) {
  return c == PasswordCost::test ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}
size_t mem_limit(PasswordCost c) {
  return c == PasswordCost::test ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}
Json person_json(Statement& q, int base) {
  return Json{{"id", q.int64(base)}, {"name", q.text(base + 1)}, {"email", q.text(base + 2)},
              {"title", q.text(base + 3)}, {"locale", q.text(base + 4)}};
}
}  // namespace

std::string hash_password(const std::string& password, PasswordCost cost) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), ops_limit(cost), mem_limit(cost)) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verify_password(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(const std::string& hash, PasswordCost cost) {
  return crypto_pwhash_str_needs_rehash(hash.c_str(), ops_limit(cost), mem_limit(cost)) != 0;
}

std::string random_token() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return out;
}

Accounts::Accounts(Engine& engine, WorkerPool& pool, const ServerConfig& config, PasswordCost cost)
    : engine_(engine), pool_(pool), config_(config), cost_(cost), dummy_hash_(hash_password(random_token(), cost)) {}

void Accounts::audit(Context& ctx, std::int64_t actor, std::string_view action, std::string_view target,
                     std::string_view address, const Json& details) {
  auto& q = ctx.sql("INSERT INTO audit_log(at, actor_id, action, target, address, details) VALUES (?,?,?,?,?,?)");
  q.bind(1, ctx.now_text());
  if (actor) q.bind(2, actor); else q.bind_null(2);
  q.bind(3, action).bind(4, target).bind(5, address).bind(6, details.dump()).run();
}

bool Accounts::throttled(const std::string& key, int limit, std::int64_t now_ms, int& retry_after) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return false;
  auto& d = it->second;
  std::int64_t window = static_cast<std::int64_t>(config_.limits.login_window_seconds) * 1000;
  while (!d.empty() && d.front() <= now_ms - window) d.pop_front();
  if (static_cast<int>(d.size()) < limit) return false;
  retry_after = static_cast<int>(std::max<std::int64_t>(1, (d.front() + window - now_ms + 999) / 1000));
  return true;
}

void Accounts::record_failure(const std::string& key, std::int64_t now_ms) {
  auto& d = failures_[key];
  d.push_back(now_ms);
  if (d.size() > 1000) d.pop_front();
}

void Accounts::login(const std::string& email_in, const std::string& password, const std::string& address,
                     const std::string& user_agent, CompletionHandler done) {
  std::string email = email_in;
  std::transform(email.begin(), email.end(), email.begin(), [](unsigned char c) { return std::tolower(c); });
  auto fail_completion = [](CompletionHandler& h, Result r) {
    Completion c;
    c.result = std::move(r);
    c.on_done = std::move(h);
    return c;
  };
  engine_.post([this, email, password, address, user_agent, done = std::move(done),
                fail_completion](EngineContext& ctx) mutable {
    std::int64_t now = to_millis(ctx.now());
    int retry = 0;
    if (throttled("email:" + email, config_.limits.login_failures_per_account, now, retry) ||
        throttled("addr:" + address, config_.limits.login_failures_per_address, now, retry)) {
      Error e{ErrorCode::rate_limited, "too many failed sign-ins; try again later",
              "trop d'échecs de connexion ; réessayez plus tard", "", retry};
      audit(ctx, 0, "login.throttled", email, address);
      ctx.task_completions.push_back(fail_completion(done, Result::fail(e)));
      return;
    }
    auto& q = ctx.sql("SELECT id, password_hash FROM people WHERE email = ? AND disabled = 0");
    q.bind(1, email);
    std::int64_t person = 0;
    std::string hash = dummy_hash_;
    if (q.step() && !q.is_null(1)) {
      person = q.int64(0);
      hash = q.text(1);
    }
    q.reset();
    bool queued = pool_.post([this, email, password, address, user_agent, person, hash,
                              done, fail_completion]() mutable {
      bool ok = verify_password(hash, password) && person != 0;
      std::string rehash;
      if (ok && password_needs_rehash(hash, cost_)) rehash = hash_password(password, cost_);
      engine_.post([this, email, address, user_agent, person, ok, rehash, done = std::move(done),
                    fail_completion](EngineContext& ctx) mutable {
        std::int64_t now = to_millis(ctx.now());
        if (!ok) {
          record_failure("email:" + email, now);
          record_failure("addr:" + address, now);
          audit(ctx, 0, "login.failed", email, address);
          ctx.task_completions.push_back(fail_completion(
              done, Result::fail(ErrorCode::unauthenticated, "wrong email or password",
                                 "adresse ou mot de passe incorrect")));
          return;
        }
        failures_.erase("email:" + email);
        if (!rehash.empty()) {
          auto& u = ctx.sql("UPDATE people SET password_hash = ? WHERE id = ?");
          u.bind(1, rehash).bind(2, person).run();
        }
        ctx.task_completions.push_back(open_session(ctx, person, address, user_agent, std::move(done)));
      });
    });
    if (!queued)
      ctx.task_completions.push_back(fail_completion(
          done, Result::fail(Error{ErrorCode::rate_limited, "the server is busy signing people in; retry",
                                   "le serveur est occupé ; réessayez", "", 1})));
  });
}

Completion Accounts::open_session(EngineContext& ctx, std::int64_t person, const std::string& address,
                                  const std::string& user_agent, CompletionHandler done) {
  std::int64_t now = to_millis(ctx.now());
  std::string token = random_token();
  std::int64_t expires = now + static_cast<std::int64_t>(config_.session_absolute_days) * 86400000;
  auto& ins = ctx.sql(
      "INSERT INTO sessions(person_id, token_hash, created_at, last_seen, expires_at, address, user_agent) "
      "VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, person).bind(2, token_hash(token)).bind(3, now).bind(4, now).bind(5, expires)
      .bind(6, address).bind(7, user_agent.substr(0, 300)).run();
  std::int64_t session = ctx.last_insert_id();
  audit(ctx, person, "login", "session:" + std::to_string(session), address);
  auto& p = ctx.sql("SELECT id, name, email, title, locale, is_admin FROM people WHERE id = ?");
  p.bind(1, person);
  p.step();
  Json pj = person_json(p, 0);
  Completion c;
  c.caller.person = person;
  c.caller.session = session;
  c.caller.admin = p.int64(5) != 0;
  c.caller.locale = p.text(4);
  c.caller.name = p.text(1);
  p.reset();
  c.locale = c.caller.locale;
  c.result = Result::ok(Json{{"person", pj}});
  c.extra = Json{{"token", token}, {"max_age", config_.session_absolute_days * 86400}};
  c.on_done = std::move(done);
  return c;
}

std::string create_one_time_link(Context& ctx, std::int64_t person, std::int64_t created_by,
                                 const std::string& purpose, const std::string& public_url) {
  std::string token = random_token();
  std::int64_t now = to_millis(ctx.now());
  // Invitations last a week; a reset link a day.
  std::int64_t ttl = purpose == "invitation" ? 7LL * 86400000 : 86400000;
  auto& q = ctx.sql(
      "INSERT INTO invitations(person_id, token_hash, purpose, created_by, created_at, expires_at) VALUES (?,?,?,?,?,?)");
  q.bind(1, person).bind(2, token_hash(token)).bind(3, purpose);
  if (created_by) q.bind(4, created_by); else q.bind_null(4);
  q.bind(5, now).bind(6, now + ttl).run();
  Accounts::audit(ctx, created_by, purpose == "invitation" ? "invitation.create" : "password_reset.create",
                  "person:" + std::to_string(person), "");
  return public_url + "/?" + (purpose == "invitation" ? "invitation=" : "reset=") + token;
}

std::string Accounts::create_link(Context& ctx, std::int64_t person, std::int64_t created_by, const std::string& purpose) {
  return create_one_time_link(ctx, person, created_by, purpose, config_.public_url);
}

void Accounts::accept_link(const std::string& token, const std::string& password, const std::string& address,
                           const std::string& user_agent, CompletionHandler done) {
  auto fail = [](CompletionHandler& h, Result r) {
    Completion c;
    c.result = std::move(r);
    c.on_done = std::move(h);
    return c;
  };
  const Result unknown = Result::fail(ErrorCode::not_found, "this link is unknown, already used or expired; ask for a new one",
                                      "ce lien est inconnu, déjà utilisé ou expiré ; demandez-en un nouveau");
  // 1. Cheap checks first, on the engine: throttling, password length, the token itself.
  engine_.post([this, token, password, address, user_agent, done, fail, unknown](EngineContext& ctx) mutable {
    std::int64_t now = to_millis(ctx.now());
    int retry = 0;
    if (throttled("addr:" + address, config_.limits.login_failures_per_address, now, retry)) {
      ctx.task_completions.push_back(fail(done, Result::fail(Error{ErrorCode::rate_limited, "too many attempts; try again later",
                                                                   "trop de tentatives ; réessayez plus tard", "", retry})));
      return;
    }
    if (utf8_length(password) < 10) {
      ctx.task_completions.push_back(fail(done, Result::fail(ErrorCode::bad_request,
          "the password must have at least 10 characters", "le mot de passe doit compter au moins 10 caractères",
          "args.password")));
      return;
    }
    auto& q = ctx.sql(
        "SELECT 1 FROM invitations i JOIN people p ON p.id = i.person_id "
        "WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ? AND p.disabled = 0");
    q.bind(1, token_hash(token)).bind(2, now);
    bool valid = q.step();
    q.reset();
    if (!valid) {
      record_failure("addr:" + address, now);
      ctx.task_completions.push_back(fail(done, unknown));
      return;
    }
    // 2. Argon2id on the pool; 3. consume the link (checked again) and sign in.
    bool queued = pool_.post([this, token, password, address, user_agent, done, fail, unknown]() mutable {
      std::string hash = hash_password(password, cost_);
      engine_.post([this, token, hash, address, user_agent, done = std::move(done), fail, unknown](EngineContext& ctx) mutable {
        std::int64_t now = to_millis(ctx.now());
        auto& q = ctx.sql(
            "SELECT i.id, i.person_id, i.purpose FROM invitations i JOIN people p ON p.id = i.person_id "
            "WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ? AND p.disabled = 0");
        q.bind(1, token_hash(token)).bind(2, now);
        if (!q.step()) {
          q.reset();
          ctx.task_completions.push_back(fail(done, unknown));
          return;
        }
        std::int64_t id = q.int64(0), person = q.int64(1);
        std::string purpose = q.text(2);
        q.reset();
        auto& used = ctx.sql("UPDATE invitations SET used_at = ? WHERE id = ?");
        used.bind(1, now).bind(2, id).run();
        auto& pw = ctx.sql("UPDATE people SET password_hash = ? WHERE id = ?");
        pw.bind(1, hash).bind(2, person).run();
        if (purpose == "reset") {
          // A reset ends every other session of the person.
          auto& s = ctx.sql("DELETE FROM sessions WHERE person_id = ?");
          s.bind(1, person).run();
          ctx.notice(Notice{Notice::Kind::close_person, person, 0, 0, 0, Role::none});
        }
        audit(ctx, person, purpose == "reset" ? "password_reset.use" : "invitation.accept", "person:" + std::to_string(person), address);
        ctx.task_completions.push_back(open_session(ctx, person, address, user_agent, std::move(done)));
      });
    });
    if (!queued)
      ctx.task_completions.push_back(fail(done, Result::fail(Error{ErrorCode::rate_limited, "the server is busy; retry",
                                                                   "le serveur est occupé ; réessayez", "", 1})));
  });
}

void Accounts::apply_retention(EngineContext& ctx, const Retention& retention) {
  std::int64_t now = to_millis(ctx.now());
  std::int64_t addresses_before = now - static_cast<std::int64_t>(retention.addresses_days) * 86400000;
  auto& s = ctx.sql("UPDATE sessions SET address = NULL, user_agent = NULL WHERE created_at < ? AND address IS NOT NULL");
  s.bind(1, addresses_before).run();
  auto& a = ctx.sql("UPDATE audit_log SET address = NULL WHERE at < ? AND address IS NOT NULL");
  a.bind(1, format_time(from_millis(addresses_before))).run();
  ctx.exec("UPDATE retention_gate SET open = 1");
  auto& d = ctx.sql("DELETE FROM audit_log WHERE at < ?");
  d.bind(1, format_time(from_millis(now - static_cast<std::int64_t>(retention.audit_days) * 86400000))).run();
  ctx.exec("UPDATE retention_gate SET open = 0");
}

void Accounts::sweep(EngineContext& ctx, const std::vector<std::int64_t>& live_sessions) {
  std::int64_t now = to_millis(ctx.now());
  if (now - last_retention_ms_ >= 3600000) {
    apply_retention(ctx, config_.retention);
    last_retention_ms_ = now;
  }
  // A session with an open socket is in use: its idle clock restarts.
  for (auto session : live_sessions) {
    auto& touch = ctx.sql("UPDATE sessions SET last_seen = ? WHERE id = ? AND last_seen < ?");
    touch.bind(1, now).bind(2, session).bind(3, now - 60000).run();
  }
  // Idempotency records older than the configured window are forgotten.
  auto& old = ctx.sql("DELETE FROM requests WHERE created_at < ?");
  old.bind(1, now - static_cast<std::int64_t>(config_.limits.idempotency_hours) * 3600000).run();
  std::int64_t idle = static_cast<std::int64_t>(config_.session_idle_hours) * 3600000;
  std::vector<std::pair<std::int64_t, std::int64_t>> ended;  // session, person
  auto& q = ctx.sql(
      "SELECT s.id, s.person_id FROM sessions s JOIN people p ON p.id = s.person_id "
      "WHERE s.expires_at <= ?1 OR s.last_seen + ?2 <= ?1 OR p.disabled = 1");
  q.bind(1, now).bind(2, idle);
  while (q.step()) ended.emplace_back(q.int64(0), q.int64(1));
  q.reset();
  for (auto& [session, person] : ended) {
    auto& d = ctx.sql("DELETE FROM sessions WHERE id = ?");
    d.bind(1, session).run();
    ctx.notice(Notice{Notice::Kind::close_session, person, 0, 0, session, Role::none});
  }
  // API tokens of disabled people: their sockets close too.
  auto& t = ctx.sql("SELECT DISTINCT p.id FROM people p JOIN api_tokens t ON t.person_id = p.id WHERE p.disabled = 1 AND t.revoked_at IS NULL");
  std::vector<std::int64_t> people;
  while (t.step()) people.push_back(t.int64(0));
  t.reset();
  for (auto person : people) {
    auto& r = ctx.sql("UPDATE api_tokens SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL");
    r.bind(1, now).bind(2, person).run();
    ctx.notice(Notice{Notice::Kind::close_person, person, 0, 0, 0, Role::none});
  }
}

bool Accounts::authenticate(EngineContext& ctx, const std::string& token, Caller& caller) {
  std::string h = token_hash(token);
  std::int64_t now = to_millis(ctx.now());
  std::int64_t idle = static_cast<std::int64_t>(config_.session_idle_hours) * 3600000;
  auto& q = ctx.sql(
      "SELECT s.id, p.id, p.is_admin, p.locale, p.name, s.last_seen FROM sessions s JOIN people p ON p.id = s.person_id "
      "WHERE s.token_hash = ? AND p.disabled = 0 AND s.expires_at > ?");
  q.bind(1, h).bind(2, now);
  if (q.step()) {
    std::int64_t last_seen = q.int64(5);
    if (last_seen + idle > now) {
      caller.session = q.int64(0);
      caller.person = q.int64(1);
      caller.admin = q.int64(2) != 0;
      caller.locale = q.text(3);
      caller.name = q.text(4);
      q.reset();
      if (now - last_seen > 60000) {
        auto& u = ctx.sql("UPDATE sessions SET last_seen = ? WHERE id = ?");
        u.bind(1, now).bind(2, caller.session).run();
      }
      return true;
    }
  }
  q.reset();
  auto& t = ctx.sql(
      "SELECT t.id, p.id, p.is_admin, p.locale, p.name, t.scope FROM api_tokens t JOIN people p ON p.id = t.person_id "
      "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND p.disabled = 0");
  t.bind(1, h);
  if (t.step()) {
    caller.token = t.int64(0);
    caller.person = t.int64(1);
    caller.admin = t.int64(2) != 0;
    caller.locale = t.text(3);
    caller.name = t.text(4);
    caller.read_only = t.text(5) == "read";
    t.reset();
    return true;
  }
  t.reset();
  return false;
}

void Accounts::register_operations(Dispatcher& d) {
  engine_.set_authenticator([this](EngineContext& ctx, const std::string& token, Caller& caller) {
    return authenticate(ctx, token, caller);
  });

  d.add({.name = "session.me",
         .schema = {{"type", "object"}, {"additionalProperties", false}},
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           auto& p = ctx.sql("SELECT id, name, email, title, locale, is_admin FROM people WHERE id = ?");
           p.bind(1, call.caller.person);
           if (!p.step()) return Result::fail(ErrorCode::unauthenticated, "no such person", "personne inconnue");
           Json person = person_json(p, 0);
           bool admin = p.int64(5) != 0;
           p.reset();
           Json orgs = Json::array();
           auto& o = ctx.sql(
               "SELECT o.id, o.key, o.name, o.short, a.capacity, a.signatory FROM affiliations a JOIN organisations o "
               "ON o.id = a.organisation_id WHERE a.person_id = ? ORDER BY o.id");
           o.bind(1, call.caller.person);
           while (o.step())
             orgs.push_back({{"id", o.int64(0)}, {"key", o.text(1)}, {"name", o.text(2)}, {"short", o.text(3)},
                             {"capacity", o.text(4)}, {"signatory", o.int64(5) != 0}});
           o.reset();
           return Result::ok({{"person", person}, {"organisations", orgs}, {"is_admin", admin}});
         }});

  d.add({.name = "session.set_locale",
         .schema = {{"type", "object"}, {"additionalProperties", false}, {"required", {"locale"}},
                    {"properties", {{"locale", {{"type", "string"}, {"enum", {"fr", "en"}}}}}}},
         .rule = Rule::authenticated,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& u = ctx.sql("UPDATE people SET locale = ? WHERE id = ?");
           u.bind(1, call.args["locale"].get<std::string>()).bind(2, call.caller.person).run();
           return Result::ok();
         }});

  d.add({.name = "session.logout",
         .schema = {{"type", "object"}, {"additionalProperties", false}},
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           if (call.caller.session) {
             auto& q = ctx.sql("DELETE FROM sessions WHERE id = ?");
             q.bind(1, call.caller.session).run();
             audit(ctx, call.caller.person, "logout", "session:" + std::to_string(call.caller.session),
                   call.caller.address);
             ec.notice(Notice{Notice::Kind::close_session, call.caller.person, 0, 0, call.caller.session});
           }
           return Result::ok();
         }});

  d.add({.name = "orgs.list",
         .schema = {{"type", "object"}, {"additionalProperties", false}},
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call&) {
           Json out = Json::array();
           auto& q = ctx.sql("SELECT id, key, name, short, kind FROM organisations ORDER BY id");
           while (q.step())
             out.push_back({{"id", q.int64(0)}, {"key", q.text(1)}, {"name", q.text(2)}, {"short", q.text(3)},
                            {"kind", q.text(4)}});
           q.reset();
           return Result::ok({{"organisations", out}});
         }});

  d.add({.name = "tokens.create",
         .schema = {{"type", "object"}, {"additionalProperties", false}, {"required", {"name", "scope"}},
                    {"properties", {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 100}}},
                                    {"scope", {{"type", "string"}, {"enum", {"read", "write"}}}}}}},
         .rule = Rule::authenticated,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           if (call.caller.token)
             return Result::fail(ErrorCode::forbidden, "an API token cannot create tokens",
                                 "un jeton d'API ne peut pas créer de jeton");
           std::string token = "pat_" + random_token();
           auto& q = ctx.sql("INSERT INTO api_tokens(person_id, name, token_hash, scope, created_at) VALUES (?,?,?,?,?)");
           q.bind(1, call.caller.person).bind(2, call.args["name"].get<std::string>()).bind(3, token_hash(token))
               .bind(4, call.args["scope"].get<std::string>()).bind(5, to_millis(ctx.now())).run();
           std::int64_t id = ctx.last_insert_id();
           audit(ctx, call.caller.person, "token.create", "token:" + std::to_string(id), call.caller.address,
                 {{"scope", call.args["scope"]}});
           // The token is shown once; a retried request gets the same reply, hence the same token.
           return Result::ok({{"id", id}, {"token", token}});
         }});

  d.add({.name = "tokens.list",
         .schema = {{"type", "object"}, {"additionalProperties", false}},
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           Json out = Json::array();
           auto& q = ctx.sql("SELECT id, name, scope, created_at FROM api_tokens WHERE person_id = ? AND revoked_at IS NULL ORDER BY id");
           q.bind(1, call.caller.person);
           while (q.step())
             out.push_back({{"id", q.int64(0)}, {"name", q.text(1)}, {"scope", q.text(2)},
                            {"created_at", format_time(from_millis(q.int64(3)))}});
           q.reset();
           return Result::ok({{"tokens", out}});
         }});

  d.add({.name = "tokens.revoke",
         .schema = {{"type", "object"}, {"additionalProperties", false}, {"required", {"id"}},
                    {"properties", {{"id", {{"type", "integer"}, {"minimum", 1}}}}}},
         .rule = Rule::authenticated,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& q = ctx.sql("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND person_id = ? AND revoked_at IS NULL");
           q.bind(1, to_millis(ctx.now())).bind(2, call.args["id"].get<std::int64_t>()).bind(3, call.caller.person).run();
           if (ctx.changes() == 0) return Result::fail(ErrorCode::not_found, "no such token", "jeton introuvable");
           audit(ctx, call.caller.person, "token.revoke", "token:" + std::to_string(call.args["id"].get<std::int64_t>()),
                 call.caller.address);
           static_cast<EngineContext&>(ctx).notice(
               Notice{Notice::Kind::close_token, call.caller.person, 0, 0, call.args["id"].get<std::int64_t>(), Role::none});
           return Result::ok();
         }});
}

}  // namespace pacte
