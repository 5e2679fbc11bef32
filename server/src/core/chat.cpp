#include "core/schema.hpp"
#include "core/chat.hpp"

#include "core/attachments.hpp"

#include <regex>
#include <set>

namespace pacte {

namespace {

const Json& kId = id_schema();

// The first `max` characters of valid UTF-8, not bytes: a byte cut could split a character,
// and text that is not valid UTF-8 cannot be serialised (found by cppcheck).
std::string clip_utf8(std::string text, std::size_t max) {
  std::size_t bytes = 0;
  for (std::size_t cps = 0; cps < max && bytes < text.size(); ++cps) {
    ++bytes;
    while (bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) ++bytes;
  }
  text.resize(bytes);
  return text;
}

Json thread_json(Context& ctx, std::int64_t thread, std::int64_t person) {
  auto& q = ctx.sql(
      "SELECT t.id, t.workspace_id, t.title, t.resolved, t.created_by, t.created_at, t.last_message_at, "
      "t.message_count, COALESCE(r.message_id, 0), "
      "(SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.deleted = 0 AND m.author_id <> ?2 "
      " AND m.id > COALESCE(r.message_id, 0)), "
      "(SELECT COUNT(*) FROM messages m JOIN mentions mn ON mn.message_id = m.id AND mn.person_id = ?2 "
      " WHERE m.thread_id = t.id AND m.deleted = 0 AND m.id > COALESCE(r.message_id, 0)) "
      ", t.title_en "
      "FROM threads t LEFT JOIN read_markers r ON r.thread_id = t.id AND r.person_id = ?2 WHERE t.id = ?1");
  q.bind(1, thread).bind(2, person);
  if (!q.step()) {
    q.reset();
    return nullptr;
  }
  Json out = {{"id", q.int64(0)}, {"workspace", q.int64(1)}, {"title", q.text(2)}, {"resolved", q.int64(3) != 0},
              {"created_by", q.int64(4)}, {"created_at", q.text(5)}, {"last_message_at", q.text(6)},
              {"message_count", q.int64(7)}, {"last_read", q.int64(8)}, {"unread", q.int64(9)}, {"mentions", q.int64(10)},
              {"title_en", q.is_null(11) ? Json(nullptr) : Json(q.text(11))}};
  q.reset();
  return out;
}

Json message_json(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT m.id, m.thread_id, m.workspace_id, m.author_id, p.name, m.body, m.created_at, "
      "m.edited_at, m.deleted, m.reply_to, "
      "m.card, m.plugin, m.automated, m.body_en "
      "FROM messages m JOIN people p ON p.id = m.author_id WHERE m.id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return nullptr;
  }
  Json out = {{"id", q.int64(0)}, {"thread", q.int64(1)}, {"workspace", q.int64(2)}, {"author", q.int64(3)},
              {"author_name", q.text(4)}, {"body", q.text(5)}, {"created_at", q.text(6)},
              {"edited_at", q.is_null(7) ? Json(nullptr) : Json(q.text(7))}, {"deleted", q.int64(8) != 0},
              {"reply_to", q.is_null(9) ? Json(nullptr) : Json(q.int64(9))},
              {"card", q.is_null(10) ? Json(nullptr) : Json::parse(q.text(10), nullptr, false)},
              {"plugin", q.is_null(11) ? Json(nullptr) : Json(q.text(11))}};
  // A plugin's message posted by no one (a timer): no author to show, the plugin instead.
  if (q.int64(12) != 0) out["author"] = nullptr, out["author_name"] = out["plugin"].is_string() ? out["plugin"] : Json("");
  if (out["card"].is_discarded()) out["card"] = nullptr;
  // The English text of an activity message, for English readers (older rows: none).
  if (!q.is_null(13)) out["body_en"] = q.text(13);
  q.reset();
  Json reactions = Json::object();
  auto& r = ctx.sql("SELECT emoji, person_id FROM reactions WHERE message_id = ? ORDER BY emoji, person_id");
  r.bind(1, id);
  while (r.step()) reactions[r.text(0)].push_back(r.int64(1));
  r.reset();
  out["reactions"] = reactions;
  Json people = Json::array(), orgs = Json::array();
  auto& mp = ctx.sql("SELECT person_id FROM mentions WHERE message_id = ? AND direct = 1 ORDER BY person_id");
  mp.bind(1, id);
  while (mp.step()) people.push_back(mp.int64(0));
  mp.reset();
  auto& mo = ctx.sql("SELECT organisation_id FROM mention_orgs WHERE message_id = ? ORDER BY organisation_id");
  mo.bind(1, id);
  while (mo.step()) orgs.push_back(mo.int64(0));
  mo.reset();
  out["mentions"] = {{"people", people}, {"organisations", orgs}};
  Json files = Json::array();
  auto& at = ctx.sql("SELECT id FROM attachments WHERE message_id = ? ORDER BY id");
  at.bind(1, id);
  std::vector<std::int64_t> ids;
  while (at.step()) ids.push_back(at.int64(0));
  at.reset();
  for (auto a : ids) files.push_back(Attachments::describe(ctx, a));
  out["attachments"] = files;
  return out;
}

/// Extracts @[Name](person:ID) and @[Short](org:ID) mentions; records who is mentioned
/// among the workspace's members.
void record_mentions(Context& ctx, std::int64_t message, std::int64_t workspace, const std::string& body) {
  static const std::regex re(R"(@\[[^\]\n]{0,200}\]\((person|org):([0-9]{1,18})\))");
  auto& del = ctx.sql("DELETE FROM mentions WHERE message_id = ?");
  del.bind(1, message).run();
  auto& delo = ctx.sql("DELETE FROM mention_orgs WHERE message_id = ?");
  delo.bind(1, message).run();
  std::set<std::int64_t> direct, via_org, orgs;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator(); ++it) {
    std::int64_t id = std::stoll((*it)[2].str());
    if ((*it)[1].str() == "person") direct.insert(id); else orgs.insert(id);
  }
  if (direct.empty() && orgs.empty()) return;
  std::set<std::int64_t> members;
  for (auto& m : ctx.members(workspace)) members.insert(m.person);
  for (auto org : orgs) {
    auto& q = ctx.sql("SELECT person_id FROM affiliations WHERE organisation_id = ?");
    q.bind(1, org);
    bool any = false;
    while (q.step()) {
      any = true;
      if (members.count(q.int64(0))) via_org.insert(q.int64(0));
    }
    q.reset();
    if (any || true) {
      auto& ins = ctx.sql("INSERT OR IGNORE INTO mention_orgs(message_id, organisation_id) SELECT ?, id FROM organisations WHERE id = ?");
      ins.bind(1, message).bind(2, org).run();
    }
  }
  for (auto p : direct)
    if (members.count(p)) {
      auto& ins = ctx.sql("INSERT OR REPLACE INTO mentions(message_id, person_id, direct) VALUES (?,?,1)");
      ins.bind(1, message).bind(2, p).run();
    }
  for (auto p : via_org)
    if (!direct.count(p)) {
      auto& ins = ctx.sql("INSERT OR IGNORE INTO mentions(message_id, person_id, direct) VALUES (?,?,0)");
      ins.bind(1, message).bind(2, p).run();
    }
}



/// Tells the people a new message concerns: those it mentions (kind "mention") and the
/// others who took part in the thread (kind "reply"); never its author.
void notify_message(Context& ctx, const Json& message, std::int64_t thread, std::int64_t workspace, std::int64_t author) {
  std::int64_t id = message["id"].get<std::int64_t>();
  std::string title, title_en, author_name;
  {
    auto& q = ctx.sql("SELECT t.title, p.name, COALESCE(t.title_en, t.title) FROM threads t, people p "
                      "WHERE t.id = ? AND p.id = ?");
    q.bind(1, thread).bind(2, author);
    if (q.step()) title = q.text(0), author_name = q.text(1), title_en = q.text(2);
    q.reset();
  }
  // Mentions read as "@Name" in a notification, not as their markup.
  static const std::regex markup(R"(@\[([^\]\n]{0,200})\]\((?:person|org):[0-9]{1,18}\))");
  std::string excerpt = std::regex_replace(message["body"].get<std::string>(), markup, "@$1");
  if (utf8_length(excerpt) > 200) excerpt = clip_utf8(std::move(excerpt), 199) + "…";
  std::string link = "/w/" + std::to_string(workspace) + "/t/" + std::to_string(thread);
  std::set<std::int64_t> mentioned;
  auto& m = ctx.sql("SELECT person_id FROM mentions WHERE message_id = ? AND person_id != ?");
  m.bind(1, id).bind(2, author);
  while (m.step()) mentioned.insert(m.int64(0));
  m.reset();
  std::set<std::int64_t> followers;
  auto& f = ctx.sql("SELECT DISTINCT author_id FROM messages WHERE thread_id = ? AND author_id != ? AND id != ?");
  f.bind(1, thread).bind(2, author).bind(3, id);
  while (f.step())
    if (!mentioned.count(f.int64(0))) followers.insert(f.int64(0));
  f.reset();
  // One unread "reply" notice per thread and person: a lively thread must not bury the people
  // in it under one notice per message, nor cost a row and an event per follower per message
  // (it was a third of a post's cost in a thread of ten, docs/performance.md). Reading the
  // notice re-arms it.
  if (!followers.empty()) {
    auto& u = ctx.sql("SELECT person_id FROM notifications WHERE link = ? AND read_at IS NULL AND kind = 'reply'");
    u.bind(1, link);
    while (u.step()) followers.erase(u.int64(0));
    u.reset();
  }
  for (auto person : mentioned)
    ctx.notify(person, Notification{.kind = "mention", .workspace = workspace,
                                    .title_fr = author_name + " vous a mentionné·e dans « " + title + " »",
                                    .title_en = author_name + " mentioned you in \"" + title_en + "\"",
                                    .body_fr = excerpt, .body_en = excerpt, .link = link});
  for (auto person : followers)
    if (ctx.role_of(person, workspace) != Role::none)
      ctx.notify(person, Notification{.kind = "reply", .workspace = workspace,
                                      .title_fr = author_name + " a répondu dans « " + title + " »",
                                      .title_en = author_name + " replied in \"" + title_en + "\"",
                                      .body_fr = excerpt, .body_en = excerpt, .link = link});
}

}  // namespace

std::vector<Migration> Chat::migrations() {
  return {{1, R"SQL(
CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  title TEXT NOT NULL,
  resolved INTEGER NOT NULL DEFAULT 0,
  created_by INTEGER NOT NULL REFERENCES people(id),
  created_at TEXT NOT NULL,
  last_message_at TEXT NOT NULL,
  message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_workspace ON threads(workspace_id, last_message_at);
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  author_id INTEGER NOT NULL REFERENCES people(id),
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  edited_at TEXT,
  deleted INTEGER NOT NULL DEFAULT 0,
  reply_to INTEGER REFERENCES messages(id)
);
CREATE INDEX messages_thread ON messages(thread_id, id);
CREATE INDEX messages_workspace ON messages(workspace_id, id);
CREATE TABLE message_edits (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  body TEXT NOT NULL,                -- the body before the edit
  replaced_at TEXT NOT NULL
);
CREATE INDEX message_edits_message ON message_edits(message_id);
CREATE TABLE reactions (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  emoji TEXT NOT NULL,
  PRIMARY KEY (message_id, person_id, emoji)
) WITHOUT ROWID;
CREATE TABLE mentions (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  person_id INTEGER NOT NULL REFERENCES people(id),
  direct INTEGER NOT NULL,
  PRIMARY KEY (message_id, person_id)
) WITHOUT ROWID;
CREATE INDEX mentions_person ON mentions(person_id, message_id);
CREATE TABLE mention_orgs (
  message_id INTEGER NOT NULL REFERENCES messages(id),
  organisation_id INTEGER NOT NULL REFERENCES organisations(id),
  PRIMARY KEY (message_id, organisation_id)
) WITHOUT ROWID;
CREATE TABLE read_markers (
  person_id INTEGER NOT NULL REFERENCES people(id),
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  message_id INTEGER NOT NULL,
  PRIMARY KEY (person_id, thread_id)
) WITHOUT ROWID;
-- Full-text index; remove_diacritics 2 folds accents so that "reunion" finds "réunion".
CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
)SQL"},
          {2, R"SQL(
CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  uploader_id INTEGER NOT NULL REFERENCES people(id),
  message_id INTEGER REFERENCES messages(id),   -- NULL until sent with a message
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,                         -- the file is data/attachments/<2>/<sha256>
  created_at TEXT NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);
CREATE INDEX attachments_sha ON attachments(sha256);
)SQL"},
          {3, R"SQL(
-- Activity messages of plugins: a live card (JSON) replaced in place by its key, the plugin
-- that posted it, and whether no person caused it (a timer: shown as the plugin).
ALTER TABLE messages ADD COLUMN card TEXT;
ALTER TABLE messages ADD COLUMN card_key TEXT;
ALTER TABLE messages ADD COLUMN plugin TEXT;
ALTER TABLE messages ADD COLUMN automated INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_card_key ON messages(card_key) WHERE card_key IS NOT NULL;
CREATE TABLE activity_threads (
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  key TEXT NOT NULL,
  thread_id INTEGER NOT NULL REFERENCES threads(id),
  PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;
)SQL"},
          {4, R"SQL(
-- The English text of a plugin's activity message (body is the French one); NULL for a
-- person's message and for activity stored before it existed (shown as is).
ALTER TABLE messages ADD COLUMN body_en TEXT;
)SQL"},
          {5, R"SQL(
-- The English title of a plugin's activity thread (title is the French one); NULL for a
-- person's thread, after a rename (a person's title is everyone's), and before it existed.
ALTER TABLE threads ADD COLUMN title_en TEXT;
)SQL"}};
}

void Chat::set_body_en(Context& ctx, std::int64_t message, const std::string& body_en) {
  auto& u = ctx.sql("UPDATE messages SET body_en = ? WHERE id = ?");
  if (body_en.empty())
    u.bind_null(1);
  else
    u.bind(1, body_en);
  u.bind(2, message).run();
}

std::int64_t Chat::post_activity(Context& ctx, std::int64_t workspace, std::int64_t author,
                                 const std::string& plugin, const Activity& activity) {
  const std::string& thread_key = activity.thread_key;
  const std::string& thread_title = activity.thread_title;
  const std::string& text = activity.text;
  const Json& card = activity.card;
  bool automated = author == 0;
  if (automated) {
    // messages.author_id is required: a timer's message is stored under an owner of the
    // workspace (or an administrator) and shown as the plugin's (author null).
    auto& o = ctx.sql(
        "SELECT person_id FROM workspace_members WHERE workspace_id = ?1 AND role = 'owner' AND person_id IS NOT NULL "
        "UNION ALL SELECT a.person_id FROM workspace_members m JOIN affiliations a ON a.organisation_id = m.organisation_id "
        "WHERE m.workspace_id = ?1 AND m.role = 'owner' "
        "UNION ALL SELECT id FROM people WHERE is_admin = 1 LIMIT 1");
    o.bind(1, workspace);
    if (o.step()) author = o.int64(0);
    o.reset();
    if (author == 0) throw std::runtime_error("post_activity: the workspace has no owner to store the message under");
  }
  std::int64_t thread = 0;
  auto& f = ctx.sql("SELECT a.thread_id FROM activity_threads a JOIN threads t ON t.id = a.thread_id "
                    "WHERE a.workspace_id = ? AND a.key = ?");
  f.bind(1, workspace).bind(2, thread_key);
  if (f.step()) thread = f.int64(0);
  f.reset();
  bool created = thread == 0;
  std::string title = clip_utf8(thread_title.empty() ? thread_key : thread_title, 200);
  std::optional<std::string> title_en;
  if (!activity.thread_title_en.empty()) title_en = clip_utf8(activity.thread_title_en, 200);
  if (created) {
    std::string at = ctx.now_text();
    auto& q = ctx.sql(
        "INSERT INTO threads(workspace_id, title, title_en, created_by, created_at, last_message_at) VALUES (?,?,?,?,?,?)");
    q.bind(1, workspace).bind(2, title).bind(3, title_en).bind(4, author).bind(5, at).bind(6, at).run();
    thread = ctx.last_insert_id();
    auto& a = ctx.sql("INSERT OR REPLACE INTO activity_threads(workspace_id, key, thread_id) VALUES (?,?,?)");
    a.bind(1, workspace).bind(2, thread_key).bind(3, thread).run();
  } else if (title_en) {
    // A thread created before English titles existed gets one, unless a person renamed it.
    auto& u = ctx.sql("UPDATE threads SET title_en = ?1 WHERE id = ?2 AND title_en IS NULL AND title = ?3");
    u.bind(1, *title_en).bind(2, thread).bind(3, title).run();
  }
  Json message = post(ctx, thread, workspace, author, text.empty() ? std::string("…") : text, std::nullopt);
  std::int64_t id = message["id"].get<std::int64_t>();
  auto& u = ctx.sql("UPDATE messages SET card = ?, card_key = ?, plugin = ?, automated = ? WHERE id = ?");
  if (card.is_object()) u.bind(1, card.dump()); else u.bind_null(1);
  if (card.is_object() && card.contains("key") && card["key"].is_string()) u.bind(2, card["key"].get<std::string>());
  else u.bind_null(2);
  if (plugin.empty()) u.bind_null(3); else u.bind(3, plugin);
  u.bind(4, automated ? 1 : 0).bind(5, id).run();
  set_body_en(ctx, id, activity.text_en);
  message = message_json(ctx, id);
  if (created) {
    Json t = thread_json(ctx, thread, author);
    for (auto k : {"unread", "mentions", "last_read"}) t.erase(k);
    ctx.append_event(workspace, "chat.thread_created", {{"thread", t}, {"message", message}},
                     "message:" + std::to_string(id));
  } else {
    ctx.append_event(workspace, "chat.message_posted", {{"message", message}}, "message:" + std::to_string(id));
  }
  return id;
}

void Chat::update_card(Context& ctx, const std::string& key, const Json& card) {
  std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t>> rows;
  auto& q = ctx.sql("UPDATE messages SET card = ? WHERE card_key = ? AND deleted = 0 RETURNING id, thread_id, workspace_id");
  q.bind(1, card.dump()).bind(2, key);
  while (q.step()) rows.emplace_back(q.int64(0), q.int64(1), q.int64(2));
  q.reset();
  for (auto& [id, thread, workspace] : rows)
    ctx.append_event(workspace, "chat.card_updated", {{"message", id}, {"thread", thread}, {"card", card}});
}

Json Chat::message(Context& ctx, std::int64_t id) { return message_json(ctx, id); }

std::string Chat::fts_query(const std::string& query) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += '"' + word + '"';
    word.clear();
  };
  for (char ch : query) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == ' ' || c == '\t' || c == '\n' || c == '\r') flush();
    else word += ch;
  }
  flush();
  if (!out.empty()) out += '*';  // the last word as a prefix, for search-as-you-type
  return out;
}

Json Chat::post(Context& ctx, std::int64_t thread, std::int64_t workspace, std::int64_t author,
                const std::string& body, std::optional<std::int64_t> reply_to, const Json& attachments) {
  std::string at = ctx.now_text();
  auto& q = ctx.sql("INSERT INTO messages(thread_id, workspace_id, author_id, body, created_at, reply_to) VALUES (?,?,?,?,?,?)");
  q.bind(1, thread).bind(2, workspace).bind(3, author).bind(4, body).bind(5, at).bind(6, reply_to).run();
  std::int64_t id = ctx.last_insert_id();
  auto& t = ctx.sql("UPDATE threads SET last_message_at = ?, message_count = message_count + 1 WHERE id = ?");
  t.bind(1, at).bind(2, thread).run();
  record_mentions(ctx, id, workspace, body);
  if (attachments.is_array() && !attachments.empty())
    if (auto err = Attachments::link(ctx, attachments, id, workspace, author)) throw Rejected(*err);
  Json message = message_json(ctx, id);
  return message;
}

Json Chat::create_thread(Context& ctx, std::int64_t workspace, std::int64_t author, const std::string& title,
                         const std::string& body, const Json& attachments) {
  std::string at = ctx.now_text();
  auto& q = ctx.sql("INSERT INTO threads(workspace_id, title, created_by, created_at, last_message_at) VALUES (?,?,?,?,?)");
  q.bind(1, workspace).bind(2, title).bind(3, author).bind(4, at).bind(5, at).run();
  std::int64_t thread = ctx.last_insert_id();
  Json message = post(ctx, thread, workspace, author, body, std::nullopt, attachments);
  Json t = thread_json(ctx, thread, author);
  // The event is serialised once for every member: no per-person fields in it.
  Json shared = t;
  for (auto k : {"unread", "mentions", "last_read"}) shared.erase(k);
  ctx.append_event(workspace, "chat.thread_created", {{"thread", shared}, {"message", message}},
                   "message:" + std::to_string(message["id"].get<std::int64_t>()));
  return {{"thread", t}, {"message", message}};
}

void Chat::register_operations(Dispatcher& d) {
  d.add_scope("thread", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT workspace_id FROM threads WHERE id = ?");
    q.bind(1, id);
    std::optional<std::int64_t> ws;
    if (q.step()) ws = q.int64(0);
    q.reset();
    return ws;
  });
  d.add_scope("message", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT workspace_id FROM messages WHERE id = ?");
    q.bind(1, id);
    std::optional<std::int64_t> ws;
    if (q.step()) ws = q.int64(0);
    q.reset();
    return ws;
  });

  const Json body = {{"type", "string"}, {"minLength", 1}, {"maxLength", max_body_}};
  const Json files = {{"type", "array"}, {"maxItems", 10}, {"items", kId}};
  const Json title = {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}};

  d.add({.name = "chat.threads",
         .schema = object_schema({{"workspace", kId}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = [](Context& ctx, const Call& call) {
           std::vector<std::int64_t> ids;
           auto& q = ctx.sql("SELECT id FROM threads WHERE workspace_id = ? ORDER BY last_message_at DESC, id DESC LIMIT 500");
           q.bind(1, call.workspace);
           while (q.step()) ids.push_back(q.int64(0));
           q.reset();
           Json out = Json::array();
           for (auto id : ids) out.push_back(thread_json(ctx, id, call.caller.person));
           return Result::ok({{"threads", out}});
         }});

  d.add({.name = "chat.create_thread",
         .schema = object_schema({{"workspace", kId}, {"title", title}, {"body", body}, {"attachments", files}},
                              {"workspace", "title", "body"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           try {
             Json r = create_thread(ctx, call.workspace, call.caller.person, call.args["title"].get<std::string>(),
                                    call.args["body"].get<std::string>(), call.args.value("attachments", Json::array()));
             notify_message(ctx, r["message"], r["thread"]["id"].get<std::int64_t>(), call.workspace, call.caller.person);
             return Result::ok(r);
           } catch (const Rejected& e) {
             return Result::fail(e.error);
           }
         }});

  d.add({.name = "chat.rename_thread",
         .schema = object_schema({{"thread", kId}, {"title", title}}, {"thread", "title"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           // A person's title is everyone's: the plugin's English title no longer applies.
           auto& q = ctx.sql("UPDATE threads SET title = ?, title_en = NULL WHERE id = ?");
           q.bind(1, call.args["title"].get<std::string>()).bind(2, call.args["thread"].get<std::int64_t>()).run();
           ctx.append_event(call.workspace, "chat.thread_renamed", {{"thread", call.args["thread"]}, {"title", call.args["title"]}});
           return Result::ok();
         }});

  d.add({.name = "chat.resolve_thread",
         .schema = object_schema({{"thread", kId}, {"resolved", {{"type", "boolean"}}}}, {"thread", "resolved"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           auto& q = ctx.sql("UPDATE threads SET resolved = ? WHERE id = ?");
           q.bind(1, call.args["resolved"].get<bool>() ? 1 : 0).bind(2, call.args["thread"].get<std::int64_t>()).run();
           ctx.append_event(call.workspace, "chat.thread_resolved",
                            {{"thread", call.args["thread"]}, {"resolved", call.args["resolved"]}});
           return Result::ok();
         }});

  d.add({.name = "chat.post",
         .schema = object_schema({{"thread", kId}, {"body", body}, {"reply_to", kId}, {"attachments", files}}, {"thread", "body"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t thread = call.args["thread"].get<std::int64_t>();
           std::optional<std::int64_t> reply_to;
           if (call.args.contains("reply_to")) {
             reply_to = call.args["reply_to"].get<std::int64_t>();
             auto& q = ctx.sql("SELECT 1 FROM messages WHERE id = ? AND thread_id = ?");
             q.bind(1, *reply_to).bind(2, thread);
             bool ok = q.step();
             q.reset();
             if (!ok) return Result::fail(ErrorCode::not_found, "reply_to is not a message of this thread",
                                          "le message cité n'est pas dans ce fil", "args.reply_to");
           }
           Json message;
           try {
             message = post(ctx, thread, call.workspace, call.caller.person, call.args["body"].get<std::string>(), reply_to,
                            call.args.value("attachments", Json::array()));
           } catch (const Rejected& e) {
             return Result::fail(e.error);
           }
           std::int64_t seq = ctx.append_event(call.workspace, "chat.message_posted", {{"message", message}},
                                               "message:" + std::to_string(message["id"].get<std::int64_t>()));
           notify_message(ctx, message, thread, call.workspace, call.caller.person);
           return Result::ok({{"message", message}, {"seq", seq}});
         }});

  d.add({.name = "chat.edit",
         .schema = object_schema({{"message", kId}, {"body", body}}, {"message", "body"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t id = call.args["message"].get<std::int64_t>();
           auto& q = ctx.sql("SELECT author_id, deleted, body FROM messages WHERE id = ?");
           q.bind(1, id);
           q.step();
           std::int64_t author = q.int64(0);
           bool deleted = q.int64(1) != 0;
           std::string old = q.text(2);
           q.reset();
           if (author != call.caller.person)
             return Result::fail(ErrorCode::forbidden, "only the author may edit a message",
                                 "seul l'auteur peut modifier un message");
           if (deleted) return Result::fail(ErrorCode::conflict, "this message was deleted", "ce message a été supprimé");
           std::string at = ctx.now_text();
           auto& h = ctx.sql("INSERT INTO message_edits(message_id, body, replaced_at) VALUES (?,?,?)");
           h.bind(1, id).bind(2, old).bind(3, at).run();
           // The author's new words replace both languages of an activity message.
           auto& u =
               ctx.sql("UPDATE messages SET body = ?, body_en = NULL, edited_at = ? WHERE id = ?");
           u.bind(1, call.args["body"].get<std::string>()).bind(2, at).bind(3, id).run();
           record_mentions(ctx, id, call.workspace, call.args["body"].get<std::string>());
           Json message = message_json(ctx, id);
           ctx.append_event(call.workspace, "chat.message_edited", {{"message", message}}, "message:" + std::to_string(id));
           return Result::ok({{"message", message}});
         }});

  d.add({.name = "chat.delete",
         .schema = object_schema({{"message", kId}}, {"message"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t id = call.args["message"].get<std::int64_t>();
           auto& q = ctx.sql("SELECT author_id, deleted, thread_id FROM messages WHERE id = ?");
           q.bind(1, id);
           q.step();
           std::int64_t author = q.int64(0), thread = q.int64(2);
           bool deleted = q.int64(1) != 0;
           q.reset();
           if (author != call.caller.person && call.role != Role::owner)
             return Result::fail(ErrorCode::forbidden, "only the author or an owner may delete a message",
                                 "seul l'auteur ou un responsable peut supprimer un message");
           if (deleted) return Result::ok();
           // The body goes everywhere: the message, its edit history, the events that carried it.
           auto& u = ctx.sql("UPDATE messages SET body = '', body_en = NULL, deleted = 1 WHERE id = ?");
           u.bind(1, id).run();
           auto& h = ctx.sql("DELETE FROM message_edits WHERE message_id = ?");
           h.bind(1, id).run();
           auto& m = ctx.sql("DELETE FROM mentions WHERE message_id = ?");
           m.bind(1, id).run();
           auto& a = ctx.sql("DELETE FROM attachments WHERE message_id = ?");
           a.bind(1, id).run();
           auto& e = ctx.sql(
               "UPDATE events SET data = json_remove(json_set(json_set(data, '$.message.body', ''), '$.message.deleted', "
               "json('true')), '$.message.body_en') WHERE subject = ? AND json_type(data, '$.message.body') IS NOT NULL");
           e.bind(1, "message:" + std::to_string(id)).run();
           ctx.append_event(call.workspace, "chat.message_deleted", {{"message", id}, {"thread", thread}});
           return Result::ok();
         }});

  d.add({.name = "chat.react",
         .schema = object_schema({{"message", kId}, {"emoji", {{"type", "string"}, {"minLength", 1}, {"maxLength", 32}}},
                               {"add", {{"type", "boolean"}}}},
                              {"message", "emoji", "add"}),
         .rule = Rule::member,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t id = call.args["message"].get<std::int64_t>();
           auto& q = ctx.sql(call.args["add"].get<bool>()
                                 ? "INSERT OR IGNORE INTO reactions(message_id, person_id, emoji) VALUES (?,?,?)"
                                 : "DELETE FROM reactions WHERE message_id = ? AND person_id = ? AND emoji = ?");
           q.bind(1, id).bind(2, call.caller.person).bind(3, call.args["emoji"].get<std::string>()).run();
           if (ctx.changes() == 0) return Result::ok();
           Json message = message_json(ctx, id);
           ctx.append_event(call.workspace, "chat.reaction_changed",
                            {{"message", id}, {"thread", message["thread"]}, {"reactions", message["reactions"]}});
           return Result::ok();
         }});

  d.add({.name = "chat.history",
         .schema = object_schema({{"thread", kId}, {"before", kId}, {"after", kId},
                               {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 200}}}},
                              {"thread"}),
         .rule = Rule::observer,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t thread = call.args["thread"].get<std::int64_t>();
           int limit = call.args.value("limit", 50);
           std::vector<std::int64_t> ids;
           bool forward = call.args.contains("after");
           if (forward) {
             auto& q = ctx.sql("SELECT id FROM messages WHERE thread_id = ? AND id > ? ORDER BY id LIMIT ?");
             q.bind(1, thread).bind(2, call.args["after"].get<std::int64_t>()).bind(3, limit + 1);
             while (q.step()) ids.push_back(q.int64(0));
             q.reset();
           } else {
             auto& q = ctx.sql("SELECT id FROM messages WHERE thread_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
             q.bind(1, thread).bind(2, call.args.value("before", INT64_MAX)).bind(3, limit + 1);
             while (q.step()) ids.push_back(q.int64(0));
             q.reset();
           }
           bool more = static_cast<int>(ids.size()) > limit;
           if (more) ids.pop_back();
           if (!forward) std::reverse(ids.begin(), ids.end());
           Json messages = Json::array();
           for (auto id : ids) messages.push_back(message_json(ctx, id));
           bool more_before = forward ? false : more, more_after = forward ? more : false;
           // The other direction: is there anything beyond the page's other edge?
           if (!ids.empty()) {
             auto& q = ctx.sql(forward ? "SELECT 1 FROM messages WHERE thread_id = ? AND id < ? LIMIT 1"
                                       : "SELECT 1 FROM messages WHERE thread_id = ? AND id > ? LIMIT 1");
             q.bind(1, thread).bind(2, forward ? ids.front() : ids.back());
             (forward ? more_before : more_after) = q.step();
             q.reset();
           }
           return Result::ok({{"messages", messages}, {"more_before", more_before}, {"more_after", more_after}});
         }});

  d.add({.name = "chat.mark_read",
         .schema = object_schema({{"thread", kId}, {"message", kId}}, {"thread", "message"}),
         .rule = Rule::observer,
         .change = true,
         .handler = [](Context& ctx, const Call& call) {
           std::int64_t thread = call.args["thread"].get<std::int64_t>();
           std::int64_t message = call.args["message"].get<std::int64_t>();
           auto& q = ctx.sql(
               "INSERT INTO read_markers(person_id, thread_id, message_id) VALUES (?,?,?) "
               "ON CONFLICT DO UPDATE SET message_id = MAX(message_id, excluded.message_id)");
           q.bind(1, call.caller.person).bind(2, thread).bind(3, message).run();
           ctx.personal_event(call.caller.person, "personal.read",
                              {{"workspace", call.workspace}, {"thread", thread}, {"message", message}});
           return Result::ok();
         }});

  // Typing is relayed by the network layer without reaching the engine; over HTTP it is
  // accepted and has no effect (nobody to relay to from a script).
  d.add({.name = "chat.typing",
         .schema = object_schema({{"workspace", kId}, {"thread", kId}}, {"workspace", "thread"}),
         .rule = Rule::member,
         .handler = [](Context&, const Call&) { return Result::ok(); }});

  d.add({.name = "chat.search",
         .schema = object_schema({{"query", {{"type", "string"}, {"minLength", 1}, {"maxLength", 200}}},
                               {"workspace", kId}, {"thread", kId}, {"author", kId},
                               {"since", {{"type", "string"}, {"maxLength", 40}}},
                               {"until", {{"type", "string"}, {"maxLength", 40}}},
                               {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100}}}},
                              {"query"}),
         .rule = Rule::authenticated,
         .handler = [](Context& ctx, const Call& call) {
           std::string fts = fts_query(call.args["query"].get<std::string>());
           if (fts.empty()) return Result::ok({{"messages", Json::array()}});
           int limit = call.args.value("limit", 50);
           // Only workspaces the caller may read; rowid order is newest first.
           auto& q = ctx.sql(
               "SELECT m.id, snippet(messages_fts, 0, '[', ']', '…', 12), t.title, t.title_en FROM messages_fts f "
               "JOIN messages m ON m.id = f.rowid JOIN threads t ON t.id = m.thread_id "
               "WHERE messages_fts MATCH ?1 AND m.deleted = 0 "
               "AND (?2 IS NULL OR m.workspace_id = ?2) AND (?3 IS NULL OR m.thread_id = ?3) "
               "AND (?4 IS NULL OR m.author_id = ?4) AND (?5 IS NULL OR m.created_at >= ?5) "
               "AND (?6 IS NULL OR m.created_at < ?6) "
               "AND (EXISTS (SELECT 1 FROM people WHERE id = ?7 AND is_admin = 1) OR m.workspace_id IN "
               "(SELECT workspace_id FROM workspace_members WHERE person_id = ?7 OR organisation_id IN "
               "(SELECT organisation_id FROM affiliations WHERE person_id = ?7))) "
               "ORDER BY f.rowid DESC LIMIT ?8");
           q.bind(1, fts);
           auto opt = [&](int i, const char* k) {
             if (call.args.contains(k)) {
               if (call.args[k].is_string()) q.bind(i, call.args[k].get<std::string>());
               else q.bind(i, call.args[k].get<std::int64_t>());
             } else {
               q.bind_null(i);
             }
           };
           opt(2, "workspace");
           opt(3, "thread");
           opt(4, "author");
           opt(5, "since");
           opt(6, "until");
           q.bind(7, call.caller.person).bind(8, limit);
           std::vector<std::tuple<std::int64_t, std::string, std::string, Json>> rows;
           while (q.step())
             rows.emplace_back(q.int64(0), q.text(1), q.text(2), q.is_null(3) ? Json(nullptr) : Json(q.text(3)));
           q.reset();
           Json out = Json::array();
           for (auto& [id, snippet, title, title_en] : rows) {
             Json m = message_json(ctx, id);
             m["snippet"] = snippet;
             m["thread_title"] = title;
             m["thread_title_en"] = title_en;
             out.push_back(m);
           }
           return Result::ok({{"messages", out}});
         }});
}

}  // namespace pacte
