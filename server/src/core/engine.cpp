#include "core/engine.hpp"

#include "core/schema.hpp"

#include <sodium.h>

#include "core/chat.hpp"
#include "core/logger.hpp"
#include "core/worker_pool.hpp"

namespace pacte {

namespace {

std::string hash_request(const std::string& op, const Json& args) {
  std::string text = op + "\n" + args.dump();
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text.data()),
                     text.size(), nullptr, 0);
  char hex[crypto_generichash_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Result unavailable(const std::string& why) {
  return Result::fail(ErrorCode::unavailable, "the server could not do this now (" + why + "); retry",
                      "le serveur n'a pas pu le faire maintenant (" + why + ") ; réessayez");
}

}  // namespace

// --- EngineContext ----------------------------------------------------------------------

std::int64_t EngineContext::append_event(std::int64_t workspace, std::string_view type,
                                         const Json& data, std::string_view subject, bool anonymous) {
  std::int64_t author = anonymous ? 0 : author_;
  auto& bump = db_.prepare("UPDATE workspaces SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq");
  bump.bind(1, workspace);
  if (!bump.step()) throw SqlError(0, "append_event: no workspace " + std::to_string(workspace));
  std::int64_t seq = bump.int64(0);
  bump.reset();
  std::string at = now_text();
  std::string payload = data.dump();
  auto& ins = db_.prepare(
      "INSERT INTO events(workspace_id, seq, type, author_id, at, subject, data) VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, workspace).bind(2, seq).bind(3, type);
  if (author) ins.bind(4, author); else ins.bind_null(4);
  ins.bind(5, at);
  if (subject.empty()) ins.bind_null(6); else ins.bind(6, subject);
  ins.bind(7, payload).run();
  Json frame = {{"event", type}, {"workspace", workspace}, {"seq", seq},
                {"author", author ? Json(author) : Json(nullptr)}, {"time", at}, {"data", data}};
  outputs_.push_back(EventOut{workspace, 0, seq, std::make_shared<const std::string>(frame.dump())});
  return seq;
}

std::int64_t EngineContext::personal_event(std::int64_t person, std::string_view type, const Json& data) {
  auto& bump = db_.prepare("UPDATE people SET personal_seq = personal_seq + 1 WHERE id = ? RETURNING personal_seq");
  bump.bind(1, person);
  if (!bump.step()) throw SqlError(0, "personal_event: no person");
  std::int64_t seq = bump.int64(0);
  bump.reset();
  std::string at = now_text();
  auto& ins = db_.prepare("INSERT INTO personal_events(person_id, seq, type, at, data) VALUES (?,?,?,?,?)");
  ins.bind(1, person).bind(2, seq).bind(3, type).bind(4, at).bind(5, data.dump()).run();
  Json frame = {{"event", type}, {"stream", "personal"}, {"seq", seq}, {"time", at}, {"data", data}};
  outputs_.push_back(EventOut{0, person, seq, std::make_shared<const std::string>(frame.dump())});
  return seq;
}

std::int64_t EngineContext::notify(std::int64_t person, const Notification& n) {
  if (notifier) return notifier(*this, person, n);
  Json data = {{"kind", n.kind}, {"workspace", n.workspace}, {"title_fr", n.title_fr}, {"title_en", n.title_en},
               {"body_fr", n.body_fr}, {"body_en", n.body_en}, {"link", n.link}};
  return personal_event(person, "notification", data);
}

std::int64_t EngineContext::post_activity(std::int64_t workspace, const Activity& activity) {
  const Json& card = activity.card;
  std::string plugin = card.is_object() && card.contains("plugin") && card["plugin"].is_string()
                           ? card["plugin"].get<std::string>() : current_plugin;
  return Chat::post_activity(*this, workspace, author_, plugin, activity);
}

void EngineContext::update_card(std::string_view key, const Json& card) {
  Chat::update_card(*this, std::string(key), card);
}

void EngineContext::broadcast(std::int64_t workspace, std::string_view type, const Json& data) {
  Json frame = {{"event", type}, {"workspace", workspace}, {"transient", true},
                {"author", author_ ? Json(author_) : Json(nullptr)}, {"time", now_text()}, {"data", data}};
  outputs_.push_back(EventOut{workspace, 0, 0, std::make_shared<const std::string>(frame.dump())});
}

Result EngineContext::call(std::string_view name, const Json& args) {
  const Operation* op = dispatcher_.find(name);
  if (!op)
    return Result::fail(ErrorCode::not_found, "unknown operation '" + std::string(name) + "'",
                        "opération inconnue « " + std::string(name) + " »", "op");
  if (auto err = validate_schema(op->schema, args)) return Result::fail(*err);
  if (call_depth_ >= 4)
    return Result::fail(ErrorCode::unavailable, "operations call each other too deeply", "appels imbriqués trop profonds");
  static const std::string no_id;
  static const Caller system{.person = 0, .session = 0, .token = 0, .admin = true, .read_only = false,
                             .locale = "fr", .name = "system", .address = {}, .user_agent = {}};
  const Caller& who = caller ? *caller : system;
  std::int64_t workspace = 0;
  Role role = Role::owner;
  if (caller) {
    if (auto err = authorize(*this, who, *op, args, no_id, workspace, role)) return Result::fail(*err);
  } else {
    workspace = resolve_workspace(args);
    if (workspace < 0) return Result::fail(ErrorCode::not_found, "no such object", "introuvable");
  }
  Call inner{who, args, workspace, role, no_id};
  ++call_depth_;
  struct Restore {
    int& depth;
    ~Restore() { --depth; }
  } restore{call_depth_};
  return op->handler(*this, inner);
}

bool EngineContext::is_admin(std::int64_t person) {
  auto& q = db_.prepare("SELECT is_admin FROM people WHERE id = ? AND disabled = 0");
  q.bind(1, person);
  bool admin = q.step() && q.int64(0) != 0;
  q.reset();
  return admin;
}

Role EngineContext::role_of(std::int64_t person, std::int64_t workspace) {
  if (person == 0) return Role::none;
  auto& exists = db_.prepare("SELECT 1 FROM workspaces WHERE id = ?");
  exists.bind(1, workspace);
  bool found = exists.step();
  exists.reset();
  if (!found) return Role::none;
  if (is_admin(person)) return Role::owner;
  // Highest of the direct membership and the memberships of the person's organisations.
  auto& q = db_.prepare(
      "SELECT MAX(CASE m.role WHEN 'owner' THEN 3 WHEN 'member' THEN 2 WHEN 'observer' THEN 1 END) "
      "FROM workspace_members m WHERE m.workspace_id = ?1 AND (m.person_id = ?2 OR m.organisation_id IN "
      "(SELECT organisation_id FROM affiliations WHERE person_id = ?2))");
  q.bind(1, workspace).bind(2, person);
  Role r = Role::none;
  if (q.step() && !q.is_null(0)) r = static_cast<Role>(q.int64(0));
  q.reset();
  return r;
}

std::vector<Member> EngineContext::members(std::int64_t workspace) {
  std::vector<Member> out;
  auto& q = db_.prepare(
      "SELECT p.id, MAX(CASE m.role WHEN 'owner' THEN 3 WHEN 'member' THEN 2 WHEN 'observer' THEN 1 END) "
      "FROM workspace_members m JOIN people p ON p.disabled = 0 AND (p.id = m.person_id OR p.id IN "
      "(SELECT person_id FROM affiliations a WHERE a.organisation_id = m.organisation_id)) "
      "WHERE m.workspace_id = ? GROUP BY p.id ORDER BY p.id");
  q.bind(1, workspace);
  while (q.step()) out.push_back(Member{q.int64(0), static_cast<Role>(q.int64(1))});
  q.reset();
  return out;
}

std::vector<Affiliation> EngineContext::affiliations(std::int64_t person) {
  std::vector<Affiliation> out;
  auto& q = db_.prepare(
      "SELECT o.id, o.key, o.name, a.capacity, a.signatory FROM affiliations a JOIN organisations o ON o.id = a.organisation_id "
      "WHERE a.person_id = ? ORDER BY o.id");
  q.bind(1, person);
  while (q.step()) out.push_back(Affiliation{q.int64(0), q.text(1), q.text(2), q.text(3), q.int64(4) != 0});
  q.reset();
  return out;
}

void EngineContext::log(std::string_view level, std::string_view event, const Json& fields) {
  LogLevel l = LogLevel::info;
  Logger::parse_level(level, l);
  Logger::instance().write(l, event, fields);
}

std::int64_t EngineContext::schedule(std::string_view name, TimePoint due, const Json& payload) {
  if (!dispatcher_.scheduled(name)) throw std::invalid_argument("no scheduled job named '" + std::string(name) + "'");
  auto& q = db_.prepare("INSERT INTO scheduled_jobs(name, due_ms, payload) VALUES (?,?,?)");
  q.bind(1, name).bind(2, to_millis(due)).bind(3, payload.dump()).run();
  return db_.last_insert_id();
}

bool EngineContext::cancel_schedule(std::int64_t id) {
  auto& q = db_.prepare("DELETE FROM scheduled_jobs WHERE id = ?");
  q.bind(1, id).run();
  return db_.changes() > 0;
}

void EngineContext::defer(std::function<Json()> work, std::function<void(Context&, const Json&)> then) {
  deferred_.push_back(Deferred{std::move(work), std::move(then)});
}

void Engine::run_due_jobs(EngineContext& ctx) {
  std::vector<std::tuple<std::int64_t, std::string, std::string>> due;
  auto& q = ctx.sql("SELECT id, name, payload FROM scheduled_jobs WHERE due_ms <= ? ORDER BY due_ms, id LIMIT 100");
  q.bind(1, to_millis(ctx.now()));
  while (q.step()) due.emplace_back(q.int64(0), q.text(1), q.text(2));
  q.reset();
  for (auto& [id, name, payload] : due) {
    auto& del = ctx.sql("DELETE FROM scheduled_jobs WHERE id = ?");
    del.bind(1, id).run();
    auto* run = ctx.dispatcher().scheduled(name);
    if (!run) {
      log_warn("schedule.unknown_job", {{"name", name}});
      continue;
    }
    std::size_t mark = ctx.outputs().size();
    ctx.exec("SAVEPOINT job");
    try {
      (*run)(ctx, Json::parse(payload));
      ctx.exec("RELEASE job");
    } catch (const std::exception& e) {
      ctx.outputs().resize(mark);
      ctx.exec("ROLLBACK TO job; RELEASE job");
      auto& drop = ctx.sql("DELETE FROM scheduled_jobs WHERE id = ?");  // the job is dropped, not retried
      drop.bind(1, id).run();
      log_error("schedule.job_failed", {{"name", name}, {"error", e.what()}});
    }
  }
}

std::int64_t EngineContext::resolve_workspace(const Json& args) {
  if (!args.is_object()) return 0;
  for (auto& [name, resolver] : dispatcher_.scopes()) {
    auto it = args.find(name);
    if (it == args.end() || !it->is_number_integer()) continue;
    auto ws = resolver(*this, it->get<std::int64_t>());
    return ws ? *ws : -1;
  }
  return 0;
}

// --- Engine -----------------------------------------------------------------------------

Engine::Engine(Database& db, Dispatcher& dispatcher, const Clock& clock, Metrics& metrics)
    : db_(db), dispatcher_(dispatcher), clock_(clock), metrics_(metrics) {}

Engine::~Engine() { stop(); }

void Engine::start() {
  thread_ = std::thread([this] { loop(); });
}

void Engine::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  stopped_ = true;
}

void Engine::submit(Inbound request) {
  {
    std::lock_guard lock(mutex_);
    if (!stopped_) {
      queue_.push_back(Item{std::move(request)});
      metrics_.engine_queue.fetch_add(1, std::memory_order_relaxed);
      cv_.notify_one();
      return;
    }
  }
  // Stopped: answer at once so that no request waits forever.
  Batch batch;
  Completion c;
  c.result = unavailable("shutting down");
  c.client_id = request.client_id;
  c.on_done = std::move(request.on_done);
  batch.completions.push_back(std::move(c));
  if (sink_) sink_(std::move(batch));
}

void Engine::post(Task task) {
  std::lock_guard lock(mutex_);
  queue_.push_back(Item{std::move(task)});
  metrics_.engine_queue.fetch_add(1, std::memory_order_relaxed);
  cv_.notify_one();
}

std::size_t Engine::queue_depth() {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void Engine::loop() {
  for (;;) {
    std::vector<Item> items;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) {
        stopped_ = true;
        return;
      }
      while (!queue_.empty() && items.size() < max_batch_) {
        items.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    metrics_.engine_queue.fetch_sub(static_cast<std::int64_t>(items.size()), std::memory_order_relaxed);
    process(items);
  }
}

void Engine::run_once() {
  std::vector<Item> items;
  {
    std::lock_guard lock(mutex_);
    while (!queue_.empty()) {
      items.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  metrics_.engine_queue.fetch_sub(static_cast<std::int64_t>(items.size()), std::memory_order_relaxed);
  if (!items.empty()) process(items);
}

void Engine::process(std::vector<Item>& items) {
  EngineContext ctx(db_, clock_, dispatcher_);
  ctx.notifier = notifier_;
  Batch batch;
  bool began = false;
  try {
    db_.exec("BEGIN IMMEDIATE");
    began = true;
  } catch (const SqlError& e) {
    log_error("store.begin_failed", {{"error", e.what()}});
  }
  for (auto& item : items) {
    if (auto* req = std::get_if<Inbound>(&item.work)) {
      if (!began) {
        Completion c;
        c.result = unavailable("storage");
        c.client_id = req->client_id;
        c.locale = req->caller.locale;
        c.on_done = std::move(req->on_done);
        batch.completions.push_back(std::move(c));
        continue;
      }
      batch.completions.push_back(handle(ctx, *req));
    } else {
      // Tasks run even if the transaction could not begin, so that whoever waits on them
      // (a sign-in, an upgrade) gets an answer; their SQL then fails and is reported.
      auto& task = std::get<Task>(item.work);
      std::size_t mark = ctx.outputs().size();
      try {
        if (began) db_.exec("SAVEPOINT task");
        task(ctx);
        if (began) db_.exec("RELEASE task");
      } catch (const std::exception& e) {
        ctx.outputs().resize(mark);
        for (auto& c : ctx.task_completions)
          if (c.result.is_ok()) c.result = unavailable("internal error");
        if (began) {
          try {
            db_.exec("ROLLBACK TO task; RELEASE task");
          } catch (...) {
          }
        }
        log_error("engine.task_failed", {{"error", e.what()}});
      } catch (...) {
        ctx.outputs().resize(mark);
        for (auto& c : ctx.task_completions)
          if (c.result.is_ok()) c.result = unavailable("internal error");
        if (began) {
          try {
            db_.exec("ROLLBACK TO task; RELEASE task");
          } catch (...) {
          }
        }
        log_error("engine.task_failed", {{"error", "unknown exception"}});
      }
    }
  }
  if (!began) {
    // Nothing is known to be stored: answer, but broadcast nothing.
    for (auto& c : ctx.task_completions) c.result = unavailable("storage");
    ctx.outputs().clear();
    ctx.deferred().clear();
  }
  if (began) {
    auto t0 = std::chrono::steady_clock::now();
    try {
      db_.exec("COMMIT");
      metrics_.commits.fetch_add(1, std::memory_order_relaxed);
    } catch (const SqlError& e) {
      metrics_.commit_failures.fetch_add(1, std::memory_order_relaxed);
      log_error("store.commit_failed", {{"error", e.what()}});
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
      // Nothing was stored: nothing is acknowledged, nothing is broadcast.
      ctx.outputs().clear();
      ctx.deferred().clear();
      for (auto& c : ctx.task_completions) c.result = unavailable("storage");
      for (auto& c : batch.completions) {
        c.result = unavailable("storage");
        c.before_reply.clear();
        c.subscriptions.clear();
      }
    }
    metrics_.commit_latency.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  for (auto& o : ctx.outputs())
    if (std::holds_alternative<EventOut>(o)) metrics_.events_total.fetch_add(1, std::memory_order_relaxed);
  for (auto& c : ctx.task_completions) batch.completions.push_back(std::move(c));
  // Deferred work starts only now that what asked for it is committed.
  for (auto& d : ctx.deferred()) {
    if (!pool_) continue;
    auto shared = std::make_shared<EngineContext::Deferred>(std::move(d));
    // Never refused for a full queue: the request that asked for it is committed.
    pool_->post_committed([this, shared] {
      Json result;
      try {
        result = shared->work();
      } catch (const std::exception& e) {
        log_error("defer.work_failed", {{"error", e.what()}});
        return;
      }
      post([shared, result](EngineContext& later) { shared->then(later, result); });
    });
  }
  batch.outputs = std::move(ctx.outputs());
  if (sink_) sink_(std::move(batch));
}

Completion Engine::handle(EngineContext& ctx, Inbound& req) {
  Completion c;
  c.client_id = req.client_id;
  c.on_done = std::move(req.on_done);
  ctx.completion = &c;
  std::size_t mark = ctx.outputs().size();
  std::size_t deferred_mark = ctx.deferred().size();
  metrics_.requests_total.fetch_add(1, std::memory_order_relaxed);
  // Undoes everything this request did: its rows, events, notices and deferred work.
  auto abandon = [&](bool exec_rollback) {
    ctx.outputs().resize(mark);
    ctx.deferred().resize(deferred_mark);
    c.before_reply.clear();
    c.subscriptions.clear();
    if (!exec_rollback) return;
    try {
      db_.exec("ROLLBACK TO req; RELEASE req");
    } catch (...) {
    }
  };
  auto failed = [&](const char* what, bool storage) {
    abandon(true);
    const Operation* op = dispatcher_.find(req.op);
    log_error("engine.handler_failed", {{"op", req.op}, {"plugin", op ? op->plugin : ""}, {"error", what}});
    c.result = unavailable(storage ? "storage" : "internal error");
  };
  try {
    db_.exec("SAVEPOINT req");
    if (!req.credential.empty() && req.caller.person == 0 && authenticate_)
      authenticate_(ctx, req.credential, req.caller);
    c.locale = req.caller.locale;
    const Operation* op = dispatcher_.find(req.op);
    if (!op) {
      c.result = Result::fail(ErrorCode::not_found, "unknown operation '" + req.op + "'",
                              "opération inconnue « " + req.op + " »", "op");
    } else {
      c.result = authorize_and_run(ctx, req, *op);
    }
    if (c.result.is_ok()) {
      db_.exec("RELEASE req");
    } else {
      abandon(false);
      db_.exec("ROLLBACK TO req; RELEASE req");
    }
  } catch (const std::exception& e) {
    failed(e.what(), dynamic_cast<const SqlError*>(&e) != nullptr);
  } catch (...) {
    failed("unknown exception", false);
  }
  ctx.completion = nullptr;
  ctx.set_author(0);
  c.caller = req.caller;
  if (!c.result.is_ok()) metrics_.request_errors.fetch_add(1, std::memory_order_relaxed);
  metrics_.request_latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - req.received).count());
  return c;
}

std::optional<Error> authorize(EngineContext& ctx, const Caller& caller, const Operation& op, const Json& args,
                               const std::string& client_id, std::int64_t& call_workspace, Role& call_role) {
  auto fail = [](ErrorCode code, std::string en, std::string fr, std::string field = {}) {
    return std::optional<Error>(Error{code, std::move(en), std::move(fr), std::move(field), 0});
  };
  if (op.rule != Rule::anonymous && caller.person == 0)
    return fail(ErrorCode::unauthenticated, "sign in first", "connectez-vous d'abord");
  if (op.change && caller.read_only)
    return fail(ErrorCode::forbidden, "this token is read-only", "ce jeton ne permet que la lecture");
  if (op.rule == Rule::admin && !caller.admin)
    return fail(ErrorCode::forbidden, "only an instance administrator may do this", "réservé aux administrateurs");

  std::int64_t workspace = ctx.resolve_workspace(args);
  Role role = Role::none;
  bool ws_rule = op.rule == Rule::observer || op.rule == Rule::member || op.rule == Rule::owner;
  if (ws_rule && workspace == 0)
    return fail(ErrorCode::bad_request, "this operation needs a workspace", "cette opération demande un espace", "args");
  if (workspace == -1 || (workspace > 0 && (role = ctx.role_of(caller.person, workspace)) == Role::none)) {
    // A non-member gets the same answer as for an object that does not exist.
    if (ws_rule || workspace != 0) return fail(ErrorCode::not_found, "no such object", "introuvable");
  }
  if (ws_rule) {
    Role needed = op.rule == Rule::owner ? Role::owner : op.rule == Rule::member ? Role::member : Role::observer;
    if (role < needed)
      return fail(ErrorCode::forbidden,
                  "your role in this workspace does not allow this (needs " + std::string(to_string(needed)) + ")",
                  "votre rôle dans cet espace ne le permet pas");
  }
  if (workspace > 0 && !op.plugin.empty()) {
    auto& q = ctx.sql("SELECT enabled FROM workspace_plugins WHERE workspace_id = ? AND plugin = ?");
    q.bind(1, workspace).bind(2, op.plugin);
    bool enabled = q.step() && q.int64(0) != 0;
    q.reset();
    if (!enabled)
      return fail(ErrorCode::not_found, "this plugin is not enabled here", "ce module n'est pas activé dans cet espace");
  }
  if (workspace > 0 && op.change && op.name != "workspaces.archive") {
    auto& q = ctx.sql("SELECT archived FROM workspaces WHERE id = ?");
    q.bind(1, workspace);
    bool archived = q.step() && q.int64(0) != 0;
    q.reset();
    if (archived) return fail(ErrorCode::conflict, "this workspace is archived", "cet espace est archivé");
  }
  call_workspace = workspace;
  call_role = role;
  Call call{caller, args, workspace, role, client_id};
  if (op.predicate)
    if (auto err = op.predicate(ctx, call)) return err;
  return std::nullopt;
}

Result Engine::authorize_and_run(EngineContext& ctx, Inbound& req, const Operation& op) {
  const Caller& caller = req.caller;
  std::int64_t workspace = 0;
  Role role = Role::none;
  if (auto err = authorize(ctx, caller, op, req.args, req.client_id, workspace, role)) return Result::fail(*err);
  Call call{caller, req.args, workspace, role, req.client_id};

  // Idempotency: the same (person, id) returns the first reply; a different body conflicts.
  bool idempotent = op.change && !req.client_id.empty() && caller.person != 0;
  std::string hash;
  if (idempotent) {
    hash = hash_request(op.name, req.args);
    auto& q = ctx.sql("SELECT request_hash, reply FROM requests WHERE person_id = ? AND client_id = ?");
    q.bind(1, caller.person).bind(2, req.client_id);
    if (q.step()) {
      std::string stored_hash = q.text(0);
      std::string reply = q.text(1);
      q.reset();
      if (stored_hash != hash)
        return Result::fail(ErrorCode::conflict,
                            "this request id was already used for a different request",
                            "cet identifiant de requête a déjà servi pour une autre requête", "id");
      return Result::ok(Json::parse(reply));
    }
    q.reset();
  }
  ctx.set_author(caller.person);
  ctx.caller = &caller;
  ctx.current_plugin = op.plugin;
  Result r = op.handler(ctx, call);
  ctx.caller = nullptr;
  ctx.current_plugin.clear();
  if (r.is_ok() && idempotent) {
    auto& ins = ctx.sql("INSERT INTO requests(person_id, client_id, request_hash, reply, created_at) VALUES (?,?,?,?,?)");
    ins.bind(1, caller.person).bind(2, req.client_id).bind(3, hash).bind(4, r.value().dump())
        .bind(5, to_millis(ctx.now())).run();
  }
  return r;
}

}  // namespace pacte
