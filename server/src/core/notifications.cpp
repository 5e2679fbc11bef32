#include "core/notifications.hpp"

#include <algorithm>
#include <chrono>

#include "core/accounts.hpp"
#include "core/logger.hpp"
#include "core/mail_message.hpp"
#include "core/schema.hpp"
#include "core/smtp_client.hpp"

namespace pacte {

namespace {

constexpr std::int64_t kHourMs = 3600LL * 1000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

const Json& digest_mode_schema() {
  static const Json s = {{"type", "string"}, {"enum", {"immediately", "hourly", "daily", "never"}}};
  return s;
}

struct Person {
  std::string email, name, locale;
  bool ok = false;
};

Person load_person(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT email, name, locale FROM people WHERE id = ? AND disabled = 0");
  q.bind(1, id);
  Person p;
  if (q.step()) p = {q.text(0), q.text(1), q.text(2), true};
  q.reset();
  return p;
}

struct Prefs {
  Json email = Json::object();      // kind -> bool (absent: true)
  std::string digest = "hourly";    // default digest of discussion
  Json workspaces = Json::object(); // "<id>" -> mode
  std::string token;                // unsubscribe token
};

Prefs load_prefs(Context& ctx, std::int64_t person) {
  auto& q = ctx.sql("SELECT email, digest, workspaces, unsubscribe_token FROM notification_prefs WHERE person_id = ?");
  q.bind(1, person);
  Prefs p;
  if (q.step()) {
    p.email = Json::parse(q.text(0));
    p.digest = q.text(1);
    p.workspaces = Json::parse(q.text(2));
    p.token = q.text(3);
  }
  q.reset();
  return p;
}

void save_prefs(Context& ctx, std::int64_t person, const Prefs& p) {
  auto& q = ctx.sql(
      "INSERT INTO notification_prefs(person_id, email, digest, workspaces, unsubscribe_token) VALUES (?,?,?,?,?) "
      "ON CONFLICT(person_id) DO UPDATE SET email = excluded.email, digest = excluded.digest, "
      "workspaces = excluded.workspaces, unsubscribe_token = excluded.unsubscribe_token");
  q.bind(1, person).bind(2, p.email.dump()).bind(3, p.digest).bind(4, p.workspaces.dump()).bind(5, p.token).run();
}

std::string mode_for(const Prefs& p, std::int64_t workspace) {
  std::string key = std::to_string(workspace);
  if (workspace && p.workspaces.contains(key)) return p.workspaces[key].get<std::string>();
  return p.digest;
}

bool email_wanted(const Prefs& p, const std::string& kind) { return p.email.value(kind, true); }

/// Strips a leading '#', so that "#/w/1" and "/w/1" both work.
std::string client_path(std::string link) {
  if (!link.empty() && link[0] == '#') link.erase(0, 1);
  if (!link.empty() && link[0] != '/') link.insert(0, "/");
  return link;
}

std::int64_t unread_count(Context& ctx, std::int64_t person) {
  auto& q = ctx.sql("SELECT COUNT(*) FROM notifications WHERE person_id = ? AND read_at IS NULL");
  q.bind(1, person);
  q.step();
  std::int64_t n = q.int64(0);
  q.reset();
  return n;
}

/// A notification as the protocol shows it, in the reader's language.
Json row_json(Statement& q, bool english) {
  // Columns: id, kind, workspace_id, title_fr, title_en, body_fr, body_en, link, created_at, read_at
  auto pick = [&](int fr, int en) {
    std::string e = q.text(en);
    return english && !e.empty() ? e : q.text(fr);
  };
  return {{"id", q.int64(0)},
          {"kind", q.text(1)},
          {"workspace", q.is_null(2) ? Json(nullptr) : Json(q.int64(2))},
          {"title", pick(3, 4)},
          {"body", pick(5, 6)},
          {"link", q.text(7)},
          {"created_at", q.text(8)},
          {"read_at", q.is_null(9) ? Json(nullptr) : Json(q.text(9))}};
}

const char* kSelect =
    "SELECT id, kind, workspace_id, title_fr, title_en, body_fr, body_en, link, created_at, read_at FROM notifications ";

/// Next time a digest of something created at `created` goes out.
std::int64_t digest_due(const std::string& mode, std::int64_t created, int digest_hour) {
  if (mode == "immediately") return created;
  if (mode == "hourly") return (created / kHourMs + 1) * kHourMs;
  std::int64_t day = created / kDayMs * kDayMs + digest_hour * kHourMs;
  return day > created ? day : day + kDayMs;
}

std::string host_of(const std::string& url) {
  auto start = url.find("://");
  std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  if (auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  if (auto colon = rest.rfind(':'); colon != std::string::npos) rest.resize(colon);
  return rest.empty() ? "pacte.localhost" : rest;
}

std::string kind_label(const std::string& kind, bool en) {
  static const std::map<std::string, std::pair<std::string, std::string>> labels = {
      {"mention", {"les mentions", "mentions"}},
      {"reply", {"les réponses dans vos fils", "replies in your threads"}},
      {"invitation", {"les invitations", "invitations"}},
      {"meeting", {"les réunions", "meetings"}},
      {"document", {"les documents", "documents"}},
      {"signature", {"les signatures", "signatures"}},
      {"reminder", {"les rappels", "reminders"}},
      {"cadence", {"le calendrier du pacte", "the pact's meeting cadence"}},
      {"deadline", {"les échéances du pacte", "the pact's deadlines"}},
      {"digest", {"les résumés de discussion", "discussion digests"}}};
  auto it = labels.find(kind);
  if (it == labels.end()) return kind;
  return en ? it->second.second : it->second.first;
}

/// The end of every email: why it was sent, how to stop it.
void append_footer(std::string& text, std::string& html, bool en, const std::string& kind,
                   const std::string& unsubscribe, const std::string& settings) {
  std::string why = en ? "You receive this email because of your Pacte notification settings (" + kind_label(kind, en) + ")."
                       : "Vous recevez ce message selon vos préférences de notification Pacte (" + kind_label(kind, en) + ").";
  std::string stop = en ? "Stop these emails: " : "Ne plus recevoir ces messages : ";
  std::string prefs = en ? "All settings: " : "Tous les réglages : ";
  text += "\n-- \n" + why + "\n" + stop + unsubscribe + "\n" + prefs + settings + "\n";
  html += "<hr><p style=\"color:#555;font-size:12px\">" + html_escape(why) + "<br><a href=\"" + html_escape(unsubscribe) +
          "\">" + html_escape(stop) + "</a> · <a href=\"" + html_escape(settings) + "\">" + html_escape(prefs) + "</a></p>";
}

std::string html_paragraphs(const std::string& text) {
  std::string out = "<p>";
  for (char c : text) {
    if (c == '\n') out += "<br>";
    else out += html_escape(std::string(1, c));
  }
  return out + "</p>";
}

}  // namespace

const std::vector<std::string>& Notifications::kinds() {
  static const std::vector<std::string> k = {"mention", "reply",     "invitation", "meeting", "document",
                                             "signature", "reminder", "cadence",    "deadline"};
  return k;
}

Notifications::Notifications(Engine& engine, const ServerConfig& config)
    : engine_(engine), config_(config), mail_pool_(std::make_unique<WorkerPool>(1, 64)) {}

Notifications::~Notifications() { stop(); }

void Notifications::stop() {
  if (mail_pool_) mail_pool_->stop();
}

std::vector<Migration> Notifications::migrations() {
  return {{1, R"SQL(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL,
  workspace_id INTEGER REFERENCES workspaces(id),
  title_fr TEXT NOT NULL,
  title_en TEXT NOT NULL,
  body_fr TEXT NOT NULL,
  body_en TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  read_at TEXT,
  -- none: no email; digest: waits for the person's digest; emailed: in the outbox
  email_state TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX notifications_person ON notifications(person_id, id);
CREATE INDEX notifications_digest ON notifications(person_id) WHERE email_state = 'digest';
CREATE TABLE notification_prefs (
  person_id INTEGER PRIMARY KEY REFERENCES people(id),
  email TEXT NOT NULL DEFAULT '{}',
  digest TEXT NOT NULL DEFAULT 'hourly',
  workspaces TEXT NOT NULL DEFAULT '{}',
  unsubscribe_token TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX notification_prefs_token ON notification_prefs(unsubscribe_token) WHERE unsubscribe_token != '';
CREATE TABLE email_outbox (
  id INTEGER PRIMARY KEY,
  person_id INTEGER REFERENCES people(id),
  to_address TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  message_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'pending',  -- pending, sending, sent, dead
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX email_outbox_due ON email_outbox(status, next_attempt_ms);
)SQL"},
          // Finds the unread "reply" notice of a thread at each post (Chat's notify_message).
          {2, "CREATE INDEX notifications_unread_link ON notifications(link) WHERE read_at IS NULL;"}};
}

std::string Notifications::unsubscribe_url(EngineContext& ctx, std::int64_t person, const std::string& kind) {
  Prefs p = load_prefs(ctx, person);
  if (p.token.empty()) {
    p.token = random_token();
    save_prefs(ctx, person, p);
  }
  return config_.public_url + "/p/notifications/unsubscribe?t=" + p.token + "&k=" + kind;
}

void Notifications::queue_email(EngineContext& ctx, std::int64_t person, const std::string& subject,
                                const std::string& text, const std::string& html,
                                const std::vector<EmailAttachment>& attachments, const std::string& unsubscribe_kind) {
  Person who = load_person(ctx, person);
  if (!who.ok) return;
  MailMessage m;
  m.from = config_.email.from;
  m.to_name = who.name;
  m.to_address = who.email;
  m.subject = subject;
  m.text = text;
  m.html = html;
  m.attachments = attachments;
  m.message_id = random_token() + "@" + host_of(config_.public_url);
  if (!unsubscribe_kind.empty()) m.list_unsubscribe = unsubscribe_url(ctx, person, unsubscribe_kind) + "&confirm=1";
  m.date = ctx.now();
  auto& q = ctx.sql(
      "INSERT INTO email_outbox(person_id, to_address, subject, message, message_id, next_attempt_ms, created_at) "
      "VALUES (?,?,?,?,?,?,?)");
  q.bind(1, person).bind(2, who.email).bind(3, subject).bind(4, m.render()).bind(5, m.message_id)
      .bind(6, to_millis(ctx.now())).bind(7, ctx.now_text()).run();
}

std::int64_t Notifications::notify(EngineContext& ctx, std::int64_t person, const Notification& n) {
  Person who = load_person(ctx, person);
  if (!who.ok) return 0;
  bool en = who.locale == "en";
  Prefs prefs = load_prefs(ctx, person);
  std::string link = client_path(n.link);
  std::string state = "none";
  bool now = false;
  if (config_.email.enabled() && email_wanted(prefs, n.kind)) {
    std::string mode = mode_for(prefs, n.workspace);
    if (n.immediate || mode == "immediately") now = true, state = "emailed";
    else if (mode != "never") state = "digest";
  }
  auto& q = ctx.sql(
      "INSERT INTO notifications(person_id, kind, workspace_id, title_fr, title_en, body_fr, body_en, link, created_at, "
      "created_ms, email_state) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
  q.bind(1, person).bind(2, n.kind);
  if (n.workspace) q.bind(3, n.workspace); else q.bind_null(3);
  q.bind(4, n.title_fr).bind(5, n.title_en.empty() ? n.title_fr : n.title_en).bind(6, n.body_fr)
      .bind(7, n.body_en.empty() ? n.body_fr : n.body_en).bind(8, link).bind(9, ctx.now_text())
      .bind(10, to_millis(ctx.now())).bind(11, state).run();
  std::int64_t id = ctx.last_insert_id();

  if (now) {
    std::string title = en && !n.title_en.empty() ? n.title_en : n.title_fr;
    std::string body = en && !n.body_en.empty() ? n.body_en : n.body_fr;
    std::string hello = (en ? "Hello " : "Bonjour ") + who.name + ",";
    std::string open = en ? "Open in Pacte: " : "Ouvrir dans Pacte : ";
    std::string url = config_.public_url + (link.empty() ? "/" : link);
    std::string text = hello + "\n\n" + body + "\n\n" + open + url + "\n";
    std::string html = "<!doctype html><html lang=\"" + std::string(en ? "en" : "fr") + "\"><body><p>" +
                       html_escape(hello) + "</p>" + html_paragraphs(body) + "<p><a href=\"" + html_escape(url) + "\">" +
                       html_escape(en ? "Open in Pacte" : "Ouvrir dans Pacte") + "</a></p>";
    append_footer(text, html, en, n.kind, unsubscribe_url(ctx, person, n.kind), config_.public_url + "/");
    html += "</body></html>";
    queue_email(ctx, person, title, text, html, n.attachments, n.kind);
  }

  auto& r = ctx.sql(std::string(kSelect) + "WHERE id = ?");
  r.bind(1, id);
  r.step();
  Json row = row_json(r, en);
  r.reset();
  ctx.personal_event(person, "notification.created", {{"notification", row}, {"unread", unread_count(ctx, person)}});
  return id;
}

void Notifications::run_digests(EngineContext& ctx) {
  std::vector<std::int64_t> people;
  {
    auto& q = ctx.sql("SELECT DISTINCT person_id FROM notifications WHERE email_state = 'digest'");
    while (q.step()) people.push_back(q.int64(0));
    q.reset();
  }
  std::int64_t now = to_millis(ctx.now());
  for (std::int64_t person : people) {
    Person who = load_person(ctx, person);
    Prefs prefs = load_prefs(ctx, person);
    bool en = who.locale == "en";
    struct Item {
      std::int64_t id;
      std::string workspace, title, body, link;
    };
    std::vector<Item> due;
    std::vector<std::int64_t> drop;
    auto& q = ctx.sql(
        "SELECT n.id, n.workspace_id, n.created_ms, n.read_at, n.title_fr, n.title_en, n.body_fr, n.body_en, n.link, "
        "n.kind, COALESCE(w.name, '') FROM notifications n LEFT JOIN workspaces w ON w.id = n.workspace_id "
        "WHERE n.person_id = ? AND n.email_state = 'digest' ORDER BY n.workspace_id, n.id");
    q.bind(1, person);
    while (q.step()) {
      std::int64_t ws = q.is_null(1) ? 0 : q.int64(1);
      std::string mode = mode_for(prefs, ws);
      // Already read in the app, switched off since, or an account that is gone: no email.
      if (!who.ok || !q.is_null(3) || mode == "never" || !email_wanted(prefs, q.text(9))) {
        drop.push_back(q.int64(0));
        continue;
      }
      if (digest_due(mode, q.int64(2), config_.email.digest_hour) > now) continue;
      due.push_back({q.int64(0), q.text(10), en ? q.text(5) : q.text(4), en ? q.text(7) : q.text(6), q.text(8)});
    }
    q.reset();
    for (auto id : drop) {
      auto& u = ctx.sql("UPDATE notifications SET email_state = 'none' WHERE id = ?");
      u.bind(1, id).run();
    }
    if (due.empty()) continue;
    std::string subject = en ? "Pacte: " + std::to_string(due.size()) + " unread notification" + (due.size() > 1 ? "s" : "")
                             : "Pacte : " + std::to_string(due.size()) + " notification" + (due.size() > 1 ? "s" : "") +
                                   " non lue" + (due.size() > 1 ? "s" : "");
    std::string hello = (en ? "Hello " : "Bonjour ") + who.name + ",";
    std::string intro = en ? "Here is what happened in your workspaces since your last digest:"
                           : "Voici ce qui s’est passé dans vos espaces depuis votre dernier résumé :";
    std::string text = hello + "\n\n" + intro + "\n";
    std::string html = "<!doctype html><html lang=\"" + std::string(en ? "en" : "fr") + "\"><body><p>" +
                       html_escape(hello) + "</p><p>" + html_escape(intro) + "</p>";
    std::string current = "\x01";
    for (auto& it : due) {
      if (it.workspace != current) {
        if (current != "\x01") html += "</ul>";
        current = it.workspace;
        std::string heading = it.workspace.empty() ? (en ? "Elsewhere" : "Ailleurs") : it.workspace;
        text += "\n## " + heading + "\n";
        html += "<h2 style=\"font-size:16px\">" + html_escape(heading) + "</h2><ul>";
      }
      std::string url = config_.public_url + (it.link.empty() ? "/" : it.link);
      text += "- " + it.title + (it.body.empty() ? "" : "\n  " + it.body) + "\n  " + url + "\n";
      html += "<li><a href=\"" + html_escape(url) + "\">" + html_escape(it.title) + "</a>" +
              (it.body.empty() ? "" : "<br>" + html_escape(it.body)) + "</li>";
    }
    html += "</ul>";
    append_footer(text, html, en, "digest", unsubscribe_url(ctx, person, "digest"), config_.public_url + "/");
    html += "</body></html>";
    queue_email(ctx, person, subject, text, html, {}, "digest");
    for (auto& it : due) {
      auto& u = ctx.sql("UPDATE notifications SET email_state = 'emailed' WHERE id = ?");
      u.bind(1, it.id).run();
    }
  }
}

void Notifications::run_mailer(EngineContext& ctx) {
  if (!config_.email.enabled() || sending_) return;
  std::int64_t now = to_millis(ctx.now());
  struct Out {
    std::int64_t id;
    std::string to, message;
  };
  auto batch = std::make_shared<std::vector<Out>>();
  auto& q = ctx.sql(
      "SELECT id, to_address, message FROM email_outbox WHERE status IN ('pending', 'sending') AND next_attempt_ms <= ? "
      "ORDER BY id LIMIT 20");
  q.bind(1, now);
  while (q.step()) batch->push_back({q.int64(0), q.text(1), q.text(2)});
  q.reset();
  if (batch->empty()) return;
  for (auto& o : *batch) {
    auto& u = ctx.sql("UPDATE email_outbox SET status = 'sending' WHERE id = ?");
    u.bind(1, o.id).run();
  }
  sending_ = true;
  // Sent only once the claim is committed, on the mail thread (SMTP may be slow); the
  // outcome comes back to the engine as a task.
  ctx.defer([] { return Json(); },
            [this, batch](Context&, const Json&) {
              bool queued = mail_pool_->post([this, batch] {
                SmtpClient smtp(config_.email);
                auto results = std::make_shared<std::vector<std::pair<std::int64_t, std::optional<std::string>>>>();
                for (auto& o : *batch) results->emplace_back(o.id, smtp.send(o.to, o.message));
                engine_.post([this, results](EngineContext& ctx) {
                  std::int64_t now = to_millis(ctx.now());
                  for (auto& [id, error] : *results) {
                    if (!error) {
                      auto& u = ctx.sql("UPDATE email_outbox SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
                                        "last_error = NULL WHERE id = ?");
                      u.bind(1, ctx.now_text()).bind(2, id).run();
                      continue;
                    }
                    auto& a = ctx.sql("SELECT attempts FROM email_outbox WHERE id = ?");
                    a.bind(1, id);
                    int attempts = a.step() ? static_cast<int>(a.int64(0)) + 1 : 1;
                    a.reset();
                    bool dead = attempts >= config_.email.max_attempts;
                    // Backoff: 30 s, 1 min, 2 min … capped at an hour.
                    std::int64_t wait = std::min<std::int64_t>(30'000LL << std::min(attempts - 1, 10), kHourMs);
                    auto& u = ctx.sql("UPDATE email_outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_ms = ? "
                                      "WHERE id = ?");
                    u.bind(1, dead ? "dead" : "pending").bind(2, attempts).bind(3, *error).bind(4, now + wait).bind(5, id).run();
                    log_warn(dead ? "email.dead" : "email.retry", {{"outbox", id}, {"attempts", attempts}, {"error", *error}});
                  }
                  sending_ = false;
                });
              });
              if (!queued) sending_ = false;
            });
}

void Notifications::register_operations(Dispatcher& d) {
  d.add({.name = "notifications.list",
         .schema = object_schema({{"unread_only", {{"type", "boolean"}}}, {"before", id_schema()},
                                  {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}}},
                                 {}),
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t person = call.caller.person;
           std::string sql = std::string(kSelect) + "WHERE person_id = ?1 AND (?2 = 0 OR read_at IS NULL) AND id < ?3 "
                                                    "ORDER BY id DESC LIMIT ?4";
           auto& q = ctx.sql(sql);
           q.bind(1, person).bind(2, call.args.value("unread_only", false) ? 1 : 0)
               .bind(3, call.args.value("before", INT64_MAX)).bind(4, call.args.value("limit", 50));
           Json list = Json::array();
           bool en = call.caller.locale == "en";
           while (q.step()) list.push_back(row_json(q, en));
           q.reset();
           return Result::ok({{"notifications", list}, {"unread", unread_count(ctx, person)}});
         }});
  d.add({.name = "notifications.mark_read",
         .schema = object_schema({{"ids", {{"type", "array"}, {"items", id_schema()}, {"maxItems", 500}}},
                                  {"all", {{"type", "boolean"}}}},
                                 {}),
         .rule = Rule::authenticated,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t person = call.caller.person;
           bool all = call.args.value("all", false);
           if (!all && !call.args.contains("ids"))
             return Result::fail(ErrorCode::bad_request, "give ids or all: true", "indiquez ids ou all: true", "args");
           if (all) {
             auto& u = ctx.sql("UPDATE notifications SET read_at = ? WHERE person_id = ? AND read_at IS NULL");
             u.bind(1, ctx.now_text()).bind(2, person).run();
           } else {
             for (auto& id : call.args["ids"]) {
               auto& u = ctx.sql("UPDATE notifications SET read_at = ? WHERE id = ? AND person_id = ? AND read_at IS NULL");
               u.bind(1, ctx.now_text()).bind(2, id.get<std::int64_t>()).bind(3, person).run();
             }
           }
           std::int64_t unread = unread_count(ctx, person);
           ctx.personal_event(person, "notifications.read",
                              {{"ids", all ? Json(nullptr) : call.args["ids"]}, {"unread", unread}});
           return Result::ok({{"unread", unread}});
         }});
  auto prefs_json = [this](Context& ctx, std::int64_t person) {
    Prefs p = load_prefs(ctx, person);
    Json email = Json::object();
    for (auto& k : kinds()) email[k] = email_wanted(p, k);
    email["digest"] = email_wanted(p, "digest");
    return Json{{"email_configured", config_.email.enabled()},
                {"email", email},
                {"digest", p.digest},
                {"workspaces", p.workspaces}};
  };
  d.add({.name = "notifications.prefs.get",
         .schema = object_schema(Json::object(), {}),
         .rule = Rule::authenticated,
         .handler = [prefs_json](Context& ctx, const Call& call) { return Result::ok(prefs_json(ctx, call.caller.person)); }});
  Json email_props = Json::object();
  for (auto& k : kinds()) email_props[k] = {{"type", "boolean"}};
  email_props["digest"] = {{"type", "boolean"}};
  d.add({.name = "notifications.prefs.set",
         .schema = object_schema({{"email", {{"type", "object"}, {"additionalProperties", false}, {"properties", email_props}}},
                                  {"digest", digest_mode_schema()},
                                  {"workspace", id_schema()},
                                  {"workspace_digest", {{"type", {"string", "null"}}, {"enum", {"immediately", "hourly", "daily", "never", nullptr}}}}},
                                 {}),
         .rule = Rule::authenticated,
         .change = true,
         .handler = [prefs_json](Context& ctx, const Call& call) {
           std::int64_t person = call.caller.person;
           Prefs p = load_prefs(ctx, person);
           if (call.args.contains("email"))
             for (auto& [k, v] : call.args["email"].items()) p.email[k] = v.get<bool>();
           if (call.args.contains("digest")) p.digest = call.args["digest"].get<std::string>();
           if (call.args.contains("workspace_digest") != call.args.contains("workspace"))
             return Result::fail(ErrorCode::bad_request, "give workspace and workspace_digest together",
                                 "indiquez workspace et workspace_digest ensemble", "args.workspace");
           if (call.args.contains("workspace")) {
             std::int64_t ws = call.args["workspace"].get<std::int64_t>();
             if (ctx.role_of(person, ws) == Role::none)
               return Result::fail(ErrorCode::not_found, "no such object", "introuvable", "args.workspace");
             const Json& mode = call.args["workspace_digest"];
             std::string key = std::to_string(ws);
             if (mode.is_null()) {
               p.workspaces.erase(key);
             } else {
               std::string m = mode.get<std::string>();
               if (m != "immediately" && m != "hourly" && m != "daily" && m != "never")
                 return Result::fail(ErrorCode::bad_request, "args.workspace_digest: expected immediately, hourly, daily, never or null",
                                     "args.workspace_digest : immediately, hourly, daily, never ou null attendu",
                                     "args.workspace_digest");
               p.workspaces[key] = m;
             }
           }
           save_prefs(ctx, person, p);
           return Result::ok(prefs_json(ctx, person));
         }});
  d.add({.name = "admin.outbox.list",
         .schema = object_schema({{"status", {{"type", "string"}, {"enum", {"pending", "sending", "sent", "dead"}}}},
                                  {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}}},
                                 {}),
         .rule = Rule::admin,
         .handler = [](Context& ctx, const Call& call) {
           auto& q = ctx.sql(
               "SELECT id, to_address, subject, status, attempts, next_attempt_ms, last_error, created_at, sent_at "
               "FROM email_outbox WHERE (?1 IS NULL OR status = ?1) ORDER BY id DESC LIMIT ?2");
           if (call.args.contains("status")) q.bind(1, call.args["status"].get<std::string>()); else q.bind_null(1);
           q.bind(2, call.args.value("limit", 100));
           Json list = Json::array();
           while (q.step())
             list.push_back({{"id", q.int64(0)}, {"to", q.text(1)}, {"subject", q.text(2)}, {"status", q.text(3)},
                             {"attempts", q.int64(4)}, {"next_attempt_at", format_time(from_millis(q.int64(5)))},
                             {"last_error", q.is_null(6) ? Json(nullptr) : Json(q.text(6))}, {"created_at", q.text(7)},
                             {"sent_at", q.is_null(8) ? Json(nullptr) : Json(q.text(8))}});
           q.reset();
           return Result::ok({{"messages", list}});
         }});
  d.add({.name = "admin.outbox.retry",
         .schema = object_schema({{"id", id_schema()}}, {"id"}),
         .rule = Rule::admin,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& u = ctx.sql("UPDATE email_outbox SET status = 'pending', attempts = 0, next_attempt_ms = ? "
                             "WHERE id = ? AND status = 'dead'");
           u.bind(1, to_millis(ctx.now())).bind(2, call.args["id"].get<std::int64_t>()).run();
           if (ctx.changes() == 0)
             return Result::fail(ErrorCode::not_found, "no dead message with this id", "aucun message en échec avec cet identifiant", "args.id");
           Accounts::audit(ctx, call.caller.person, "outbox.retry", "outbox:" + std::to_string(call.args["id"].get<std::int64_t>()),
                           call.caller.address);
           return Result::ok();
         }});
  d.add({.name = "password.reset_request",
         .schema = object_schema({{"email", string_schema(3, 254)}}, {"email"}),
         .rule = Rule::anonymous,
         .change = true,
         .handler = [this](Context& ctx, const Call& call) {
           auto& ec = static_cast<EngineContext&>(ctx);
           // The same answer whether or not the address has an account (no enumeration).
           auto& q = ctx.sql("SELECT id FROM people WHERE email = ? AND disabled = 0");
           q.bind(1, call.args["email"].get<std::string>());
           std::int64_t person = q.step() ? q.int64(0) : 0;
           q.reset();
           if (!person || !config_.email.enabled()) return Result::ok();
           // At most one link per person every 15 minutes.
           auto& recent = ctx.sql("SELECT 1 FROM invitations WHERE person_id = ? AND purpose = 'reset' AND created_at > ?");
           recent.bind(1, person).bind(2, to_millis(ctx.now() - std::chrono::minutes(15)));
           bool throttled = recent.step();
           recent.reset();
           if (throttled) return Result::ok();
           send_link(ec, person, "reset", create_one_time_link(ctx, person, person, "reset", config_.public_url), "");
           return Result::ok();
         }});

  d.add_timer("core.notifications.digests", std::chrono::seconds(5),
              [this](Context& ctx) { run_digests(static_cast<EngineContext&>(ctx)); });
  // Storage limitation: sent or dead emails and old read notifications go away.
  d.add_timer("core.notifications.retention", std::chrono::seconds(3600), [this](Context& ctx) {
    auto now = ctx.now();
    auto& e = ctx.sql("DELETE FROM email_outbox WHERE status IN ('sent', 'dead') AND created_at < ?");
    e.bind(1, format_time(now - std::chrono::hours(24) * config_.retention.emails_days)).run();
    auto& n = ctx.sql("DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at < ?");
    n.bind(1, format_time(now - std::chrono::hours(24) * config_.retention.notifications_days)).run();
  });
  d.add_timer("core.notifications.mailer", std::chrono::seconds(1),
              [this](Context& ctx) { run_mailer(static_cast<EngineContext&>(ctx)); });

  // The unsubscribe page of every email: GET /p/notifications/unsubscribe?t=TOKEN&k=KIND
  // shows what it will do; with &confirm=1 (the List-Unsubscribe header) it does it.
  d.set_current_plugin("notifications");
  d.add_resource("unsubscribe", [](Context& ctx, const ResourceRequest& req, Resource& out) {
    auto t = req.query.find("t");
    auto k = req.query.find("k");
    std::string kind = k == req.query.end() ? "" : k->second;
    bool known = kind == "digest" || std::find(kinds().begin(), kinds().end(), kind) != kinds().end();
    if (t == req.query.end() || t->second.empty() || !known)
      return Result::fail(ErrorCode::not_found, "this unsubscribe link is not valid", "ce lien de désabonnement n’est pas valide");
    auto& q = ctx.sql("SELECT person_id FROM notification_prefs WHERE unsubscribe_token = ?");
    q.bind(1, t->second);
    std::int64_t person = q.step() ? q.int64(0) : 0;
    q.reset();
    if (!person)
      return Result::fail(ErrorCode::not_found, "this unsubscribe link is not valid", "ce lien de désabonnement n’est pas valide");
    Person who = load_person(ctx, person);
    bool en = who.locale == "en";
    bool confirm = req.query.count("confirm") && req.query.at("confirm") == "1";
    std::string label = kind_label(kind, en);
    std::string page = "<!doctype html><html lang=\"" + std::string(en ? "en" : "fr") +
                       "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                       "<title>Pacte</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;"
                       "padding:0 1rem}a{color:#1d4ed8}</style></head><body><h1>Pacte</h1>";
    if (confirm) {
      Prefs p = load_prefs(ctx, person);
      p.email[kind] = false;
      save_prefs(ctx, person, p);
      page += "<p>" + html_escape(en ? "Done: you will no longer receive emails about " + label + "."
                                     : "C’est fait : vous ne recevrez plus de messages concernant " + label + ".") + "</p>";
    } else {
      std::string url = "?t=" + t->second + "&k=" + kind + "&confirm=1";
      page += "<p>" + html_escape(en ? "Stop emails about " + label + "?" : "Ne plus recevoir de messages concernant " + label + " ?") +
              "</p><p><a href=\"" + html_escape(url) + "\">" + html_escape(en ? "Yes, unsubscribe" : "Oui, me désabonner") +
              "</a></p>";
    }
    page += "<p>" + html_escape(en ? "Other settings are in Pacte, account menu › Notification settings."
                                   : "Les autres réglages sont dans Pacte, menu du compte › Préférences de notification.") +
            "</p></body></html>";
    out.content_type = "text/html; charset=utf-8";
    out.body = page;
    return Result::ok();
  });
  d.set_current_plugin("");
}

void Notifications::send_link(EngineContext& ctx, std::int64_t person, const std::string& purpose, const std::string& url,
                              const std::string& workspace_name) {
  if (!config_.email.enabled()) return;
  Person who = load_person(ctx, person);
  if (!who.ok) return;
  bool en = who.locale == "en";
  bool invite = purpose == "invitation";
  std::string subject = invite ? (en ? "You are invited to Pacte" : "Vous êtes invité·e sur Pacte")
                               : (en ? "Choose a new Pacte password" : "Choisir un nouveau mot de passe Pacte");
  std::string hello = (en ? "Hello " : "Bonjour ") + who.name + ",";
  std::string body;
  if (invite)
    body = en ? "You have been invited to the workspace \"" + workspace_name +
                    "\" on Pacte. Open this link within 7 days to choose your password:"
              : "Vous êtes invité·e à rejoindre l’espace « " + workspace_name +
                    " » sur Pacte. Ouvrez ce lien dans les 7 jours pour choisir votre mot de passe :";
  else
    body = en ? "Someone (hopefully you) asked to reset your Pacte password. Open this link within 24 hours to choose a new one; "
                "if you did not ask, ignore this email: nothing changes."
              : "Une demande de nouveau mot de passe a été faite pour votre compte Pacte. Ouvrez ce lien dans les 24 heures pour "
                "en choisir un ; si vous n’avez rien demandé, ignorez ce message : rien ne change.";
  std::string text = hello + "\n\n" + body + "\n\n" + url + "\n";
  std::string html = "<!doctype html><html lang=\"" + std::string(en ? "en" : "fr") + "\"><body><p>" + html_escape(hello) +
                     "</p><p>" + html_escape(body) + "</p><p><a href=\"" + html_escape(url) + "\">" +
                     html_escape(invite ? (en ? "Choose my password" : "Choisir mon mot de passe")
                                        : (en ? "Choose a new password" : "Choisir un nouveau mot de passe")) +
                     "</a></p></body></html>";
  // Account links are not optional mail: no unsubscribe.
  queue_email(ctx, person, subject, text, html, {}, "");
}

}  // namespace pacte
