#include "notes_plugin.hpp"

#include "pacte/util.hpp"
#include "text_operation.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef PACTE_NOTES_VERSION
#define PACTE_NOTES_VERSION "0.0.0"  // normally read from plugin.json by CMakeLists.txt
#endif

namespace pacte_notes {

namespace {

using pacte::Call;
using pacte::Context;
using pacte::ErrorCode;
using pacte::id_schema;
using pacte::Json;
using pacte::object_schema;
using pacte::Result;
using pacte::Rule;

constexpr int kListLimit = 500;
constexpr std::int64_t kMaxTitle = 200;

std::string trim(std::string_view s) {
  auto blank = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

struct Note {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string title;
  std::optional<std::int64_t> agenda_item;
  std::string text;
  std::int64_t rev = 0;
  std::int64_t created_by = 0;
  std::string created_at;
  std::string updated_at;
};

std::optional<Note> load_note(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, workspace_id, title, agenda_item, text, rev, created_by, created_at, updated_at "
      "FROM notes_notes WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Note n;
  n.id = q.int64(0);
  n.workspace = q.int64(1);
  n.title = q.text(2);
  n.agenda_item = q.opt_int64(3);
  n.text = q.text(4);
  n.rev = q.int64(5);
  n.created_by = q.int64(6);
  n.created_at = q.text(7);
  n.updated_at = q.text(8);
  q.reset();
  return n;
}

/// A note as lists show it (no text).
Json summary_json(const Note& n) {
  return {{"id", n.id},
          {"workspace", n.workspace},
          {"title", n.title},
          {"agenda_item", n.agenda_item ? Json(*n.agenda_item) : Json(nullptr)},
          {"rev", n.rev},
          {"created_by", n.created_by},
          {"created_at", n.created_at},
          {"updated_at", n.updated_at}};
}

Result no_such_note() {
  return Result::fail(ErrorCode::not_found, "no such note", "note introuvable", "args.note");
}

Result resync(std::int64_t base, std::int64_t rev) {
  return Result::fail(
      ErrorCode::conflict,
      "resync: base revision " + std::to_string(base) + " is more than " +
          std::to_string(NotesPlugin::kWindow) + " revisions behind the note (revision " +
          std::to_string(rev) + "); reopen the note (notes.open) and apply your changes again",
      "resync : la révision de base " + std::to_string(base) + " a plus de " +
          std::to_string(NotesPlugin::kWindow) + " révisions de retard (révision " +
          std::to_string(rev) + ") ; rouvrez la note (notes.open) et refaites vos modifications",
      "args.base_rev");
}

/// The operations after revision `since` (at most kWindow of them), oldest first.
Json ops_after(Context& ctx, std::int64_t note, std::int64_t since) {
  Json out = Json::array();
  auto& q = ctx.sql(
      "SELECT rev, op, client_id, seq, author_id FROM notes_ops WHERE note_id = ? AND rev > ? "
      "ORDER BY rev");
  q.bind(1, note).bind(2, since);
  while (q.step())
    out.push_back({{"rev", q.int64(0)},
                   {"op", Json::parse(q.text(1))},
                   {"client_id", q.text(2)},
                   {"seq", q.int64(3)},
                   {"author", q.int64(4)}});
  q.reset();
  return out;
}

/// The text of a note at a revision: the last snapshot at or before it, and the logged
/// operations after the snapshot replayed. nullopt if the log is inconsistent.
std::optional<std::string> text_at(Context& ctx, std::int64_t note, std::int64_t rev) {
  auto& s = ctx.sql(
      "SELECT rev, text FROM notes_snapshots WHERE note_id = ? AND rev <= ? ORDER BY rev DESC "
      "LIMIT 1");
  s.bind(1, note).bind(2, rev);
  if (!s.step()) {
    s.reset();
    return std::nullopt;
  }
  std::int64_t from = s.int64(0);
  std::string text = s.text(1);
  s.reset();
  auto& q =
      ctx.sql("SELECT op FROM notes_ops WHERE note_id = ? AND rev > ? AND rev <= ? ORDER BY rev");
  q.bind(1, note).bind(2, from).bind(3, rev);
  std::vector<std::string> ops;
  while (q.step()) ops.push_back(q.text(0));
  q.reset();
  for (const auto& wire : ops) {
    std::string error;
    auto op = TextOperation::from_json(Json::parse(wire), error);
    if (!op) return std::nullopt;
    auto next = op->apply(text);
    if (!next) return std::nullopt;
    text = std::move(*next);
  }
  return text;
}

std::string markdown_of(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') continue;
      out += '\n';
    } else {
      out += text[i];
    }
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ' || out.back() == '\t'))
    out.pop_back();
  if (!out.empty()) out += '\n';
  return out;
}

// --- Handlers -------------------------------------------------------------------------------

Result create_note(Context& ctx, const Call& call) {
  std::string title = trim(call.args.at("title").get<std::string>());
  if (title.empty())
    return Result::fail(ErrorCode::bad_request, "args.title: must not be blank",
                        "args.title : ne doit pas être vide", "args.title");
  std::optional<std::int64_t> item;
  if (call.args.contains("agenda_item")) item = call.args["agenda_item"].get<std::int64_t>();
  std::string now = ctx.now_text();
  auto& ins = ctx.sql(
      "INSERT INTO notes_notes(workspace_id, title, agenda_item, text, rev, created_by, "
      "created_at, updated_at) "
      "VALUES (?,?,?,'',0,?,?,?)");
  ins.bind(1, call.workspace)
      .bind(2, title)
      .bind(3, item)
      .bind(4, call.caller.person)
      .bind(5, now)
      .bind(6, now)
      .run();
  std::int64_t id = ctx.last_insert_id();
  // Revision 0 is the empty text: every replay starts from a snapshot.
  ctx.sql("INSERT INTO notes_snapshots(note_id, rev, text, created_at) VALUES (?,0,'',?)")
      .bind(1, id)
      .bind(2, now)
      .run();
  auto note = load_note(ctx, id);
  if (!note) return no_such_note();
  ctx.append_event(call.workspace, "notes.created", {{"note", summary_json(*note)}},
                   "note:" + std::to_string(id));
  return Result::ok({{"note", summary_json(*note)}});
}

Result list_notes(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  bool by_item = call.args.contains("agenda_item");
  auto& q = by_item
                ? ctx.sql(
                      "SELECT id FROM notes_notes WHERE workspace_id = ? AND agenda_item = ? ORDER "
                      "BY id LIMIT ?")
                : ctx.sql("SELECT id FROM notes_notes WHERE workspace_id = ? ORDER BY id LIMIT ?");
  q.bind(1, call.workspace);
  if (by_item)
    q.bind(2, call.args["agenda_item"].get<std::int64_t>()).bind(3, kListLimit);
  else
    q.bind(2, kListLimit);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json notes = Json::array();
  for (auto id : ids)
    if (auto n = load_note(ctx, id)) notes.push_back(summary_json(*n));
  return Result::ok({{"notes", notes}});
}

Result open_note(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  return Result::ok({{"note", summary_json(*note)}, {"text", note->text}, {"rev", note->rev}});
}

Result submit(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  const std::string client_id = call.args.at("client_id").get<std::string>();
  const std::int64_t seq = call.args.at("seq").get<std::int64_t>();

  // Exactly once: a re-sent (client id, seq) gets its first acknowledgement again.
  {
    auto& q = ctx.sql("SELECT rev FROM notes_ops WHERE note_id = ? AND client_id = ? AND seq = ?");
    q.bind(1, note->id).bind(2, client_id).bind(3, seq);
    std::optional<std::int64_t> rev;
    if (q.step()) rev = q.int64(0);
    q.reset();
    if (rev) return Result::ok({{"rev", *rev}, {"duplicate", true}});
  }

  std::string error;
  auto op = TextOperation::from_json(call.args.at("op"), error);
  if (!op)
    return Result::fail(ErrorCode::bad_request, "args.op: " + error,
                        "args.op : opération invalide (" + error + ")", "args.op");
  const std::int64_t base = call.args.at("base_rev").get<std::int64_t>();
  if (base > note->rev)
    return Result::fail(ErrorCode::bad_request,
                        "args.base_rev: the note is at revision " + std::to_string(note->rev),
                        "args.base_rev : la note est à la révision " + std::to_string(note->rev),
                        "args.base_rev");
  if (note->rev - base > NotesPlugin::kWindow) return resync(base, note->rev);

  // Transform against every operation applied since the client's base, in order.
  auto& q = ctx.sql("SELECT op FROM notes_ops WHERE note_id = ? AND rev > ? ORDER BY rev");
  q.bind(1, note->id).bind(2, base);
  std::vector<std::string> concurrent;
  while (q.step()) concurrent.push_back(q.text(0));
  q.reset();
  auto wrong_length = [&] {
    return Result::fail(
        ErrorCode::bad_request,
        "args.op: its base length (" + std::to_string(op->base_length()) +
            " code points) is not the length of the note at revision " + std::to_string(base),
        "args.op : sa longueur de base (" + std::to_string(op->base_length()) +
            " points de code) n'est pas celle de la note à la révision " + std::to_string(base),
        "args.op");
  };
  for (const auto& wire : concurrent) {
    std::string stored_error;
    auto other = TextOperation::from_json(Json::parse(wire), stored_error);
    if (!other) throw std::runtime_error("notes: stored operation is invalid: " + stored_error);
    auto pair = TextOperation::transform(*op, *other);
    if (!pair) return wrong_length();
    op = std::move(pair->first);
  }
  auto text = op->apply(note->text);
  if (!text) return wrong_length();
  if (op->target_length() > NotesPlugin::kMaxLength)
    return Result::fail(
        ErrorCode::too_large,
        "the note would exceed " + std::to_string(NotesPlugin::kMaxLength) + " characters",
        "la note dépasserait " + std::to_string(NotesPlugin::kMaxLength) + " caractères",
        "args.op");

  // The operation and the note's new text in one transaction (the request's savepoint).
  const std::int64_t rev = note->rev + 1;
  const std::string now = ctx.now_text();
  Json wire = op->to_json();
  ctx.sql(
         "INSERT INTO notes_ops(note_id, rev, op, client_id, seq, author_id, created_at) VALUES "
         "(?,?,?,?,?,?,?)")
      .bind(1, note->id)
      .bind(2, rev)
      .bind(3, wire.dump())
      .bind(4, client_id)
      .bind(5, seq)
      .bind(6, call.caller.person)
      .bind(7, now)
      .run();
  ctx.sql("UPDATE notes_notes SET text = ?, rev = ?, updated_at = ? WHERE id = ?")
      .bind(1, *text)
      .bind(2, rev)
      .bind(3, now)
      .bind(4, note->id)
      .run();
  if (rev % NotesPlugin::kSnapshotEvery == 0)
    ctx.sql("INSERT INTO notes_snapshots(note_id, rev, text, created_at) VALUES (?,?,?,?)")
        .bind(1, note->id)
        .bind(2, rev)
        .bind(3, *text)
        .bind(4, now)
        .run();
  ctx.broadcast(note->workspace, "notes.op",
                {{"note", note->id},
                 {"rev", rev},
                 {"op", wire},
                 {"client_id", client_id},
                 {"seq", seq},
                 {"author", call.caller.person}});
  return Result::ok({{"rev", rev}});
}

Result list_ops(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  std::int64_t since = call.args.at("since").get<std::int64_t>();
  if (since > note->rev)
    return Result::fail(
        ErrorCode::bad_request, "args.since: the note is at revision " + std::to_string(note->rev),
        "args.since : la note est à la révision " + std::to_string(note->rev), "args.since");
  if (note->rev - since > NotesPlugin::kWindow) return resync(since, note->rev);
  return Result::ok({{"ops", ops_after(ctx, note->id, since)}, {"rev", note->rev}});
}

Result export_note(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  return Result::ok({{"title", note->title},
                     {"markdown", markdown_of(note->text)},
                     {"text", note->text},
                     {"rev", note->rev}});
}

Result history(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  Json snapshots = Json::array(), versions = Json::array();
  auto& s = ctx.sql("SELECT rev, created_at FROM notes_snapshots WHERE note_id = ? ORDER BY rev");
  s.bind(1, note->id);
  while (s.step()) snapshots.push_back({{"rev", s.int64(0)}, {"created_at", s.text(1)}});
  s.reset();
  auto& v = ctx.sql(
      "SELECT id, rev, name, created_by, created_at FROM notes_versions WHERE note_id = ? ORDER BY "
      "rev, id");
  v.bind(1, note->id);
  while (v.step())
    versions.push_back({{"id", v.int64(0)},
                        {"rev", v.int64(1)},
                        {"name", v.text(2)},
                        {"created_by", v.int64(3)},
                        {"created_at", v.text(4)}});
  v.reset();
  return Result::ok({{"rev", note->rev}, {"snapshots", snapshots}, {"versions", versions}});
}

Result text_at_rev(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  std::int64_t rev = call.args.at("rev").get<std::int64_t>();
  if (rev > note->rev)
    return Result::fail(
        ErrorCode::bad_request, "args.rev: the note is at revision " + std::to_string(note->rev),
        "args.rev : la note est à la révision " + std::to_string(note->rev), "args.rev");
  auto text = text_at(ctx, note->id, rev);
  if (!text) throw std::runtime_error("notes: cannot replay note " + std::to_string(note->id));
  return Result::ok({{"rev", rev}, {"text", *text}});
}

Result name_version(Context& ctx, const Call& call) {
  auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
  if (!note) return no_such_note();
  std::string name = trim(call.args.at("name").get<std::string>());
  if (name.empty())
    return Result::fail(ErrorCode::bad_request, "args.name: must not be blank",
                        "args.name : ne doit pas être vide", "args.name");
  std::int64_t rev = call.args.value("rev", note->rev);
  if (rev > note->rev)
    return Result::fail(
        ErrorCode::bad_request, "args.rev: the note is at revision " + std::to_string(note->rev),
        "args.rev : la note est à la révision " + std::to_string(note->rev), "args.rev");
  ctx.sql(
         "INSERT INTO notes_versions(note_id, rev, name, created_by, created_at) VALUES "
         "(?,?,?,?,?)")
      .bind(1, note->id)
      .bind(2, rev)
      .bind(3, name)
      .bind(4, call.caller.person)
      .bind(5, ctx.now_text())
      .run();
  Json version = {{"id", ctx.last_insert_id()}, {"note", note->id}, {"rev", rev}, {"name", name}};
  ctx.append_event(note->workspace, "notes.version_named", version,
                   "note:" + std::to_string(note->id));
  return Result::ok({{"version", version}});
}


void register_commands(pacte::Registrar& r) {
  r.add_command(
      {.command = "note",
       .sub = "open",
       .args = {{.name = "titre", .type = "rest", .choices = {}, .optional = true,
                 .help_fr = "Titre de la note (créée si elle n'existe pas)",
                 .help_en = "Title of the note (created if missing)"}},
       .help_fr = "Ouvre une note partagée (la crée au besoin)",
       .help_en = "Opens a shared note (creates it if needed)",
       .rule = Rule::member,
       .run = [](Context& ctx, const Call& call, const Json& parsed) {
         std::string title = trim(parsed.value("titre", std::string()));
         if (title.empty()) title = "Notes du " + ctx.now_text().substr(0, 10);
         if (static_cast<std::int64_t>(pacte::utf8_length(title)) > kMaxTitle)
           return Result::fail(ErrorCode::bad_request, "/note open: the title is too long",
                               "/note open : le titre est trop long", "args.text");
         auto& q = ctx.sql("SELECT id FROM notes_notes WHERE workspace_id = ? AND lower(title) = lower(?) ORDER BY id LIMIT 1");
         q.bind(1, call.workspace).bind(2, title);
         std::optional<std::int64_t> id;
         if (q.step()) id = q.int64(0);
         q.reset();
         bool created = !id;
         if (!id) {
           Result made = ctx.call("notes.create", {{"workspace", call.workspace}, {"title", title}});
           if (!made.is_ok()) return made;
           id = made.value()["note"]["id"].get<std::int64_t>();
         }
         std::string link = "/w/" + std::to_string(call.workspace) + "/p/notes?note=" + std::to_string(*id);
         bool en = call.caller.locale == "en";
         std::string text = (created ? (en ? "Note created: " : "Note créée : ") : (en ? "Note: " : "Note : ")) +
                            std::string("[") + title + "](" + link + ")";
         Json card = {
             {"key", "notes:note:" + std::to_string(*id)},
             {"plugin", "notes"},
             {"title", title},
             {"subtitle", created ? "Nouvelle note" : "Note partagée"},
             {"subtitle_en", created ? "New note" : "Shared note"},
             {"fields", Json::array()},
             {"progress", Json::array()},
             {"links",
              Json::array(
                  {{{"label", "Ouvrir la note"}, {"label_en", "Open the note"}, {"href", link}}})},
             {"actions", Json::array()}};
         return Result::ok({{"visibility", "ephemeral"}, {"text", text}, {"card", card}, {"note", *id}, {"link", link}});
       }});
}

}  // namespace

std::string NotesPlugin::name() const {
  return "notes";
}
std::string NotesPlugin::version() const {
  return PACTE_NOTES_VERSION;
}
std::string NotesPlugin::title_fr() const {
  return "Notes partagées";
}
std::string NotesPlugin::title_en() const {
  return "Shared notes";
}

std::vector<pacte::Migration> NotesPlugin::migrations() const {
  return {{1, R"SQL(
CREATE TABLE notes_notes (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  agenda_item INTEGER,            -- the agenda plugin's item id, or NULL
  text TEXT NOT NULL,             -- the current text (revision `rev`)
  rev INTEGER NOT NULL,           -- number of operations applied
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX notes_notes_workspace ON notes_notes(workspace_id, id);
-- The per-note operation log: operation `rev` turns revision rev-1 into rev, as applied
-- (after transformation). (client_id, seq) makes a re-sent operation apply once.
CREATE TABLE notes_ops (
  note_id INTEGER NOT NULL REFERENCES notes_notes(id),
  rev INTEGER NOT NULL,
  op TEXT NOT NULL,               -- wire form, e.g. [5,"abc",-2]
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  author_id INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (note_id, rev),
  UNIQUE (note_id, client_id, seq)
) WITHOUT ROWID;
-- The text every kSnapshotEvery revisions (and at 0): replay and the time slider start here.
CREATE TABLE notes_snapshots (
  note_id INTEGER NOT NULL REFERENCES notes_notes(id),
  rev INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (note_id, rev)
) WITHOUT ROWID;
CREATE TABLE notes_versions (
  id INTEGER PRIMARY KEY,
  note_id INTEGER NOT NULL REFERENCES notes_notes(id),
  rev INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX notes_versions_note ON notes_versions(note_id, rev);
)SQL"}};
}

bool NotesPlugin::allow_cursor(std::int64_t person, pacte::TimePoint now) {
  // A token bucket per person: kCursorRate a second, bursts of kCursorBurst.
  auto& b = cursor_buckets_[person];
  if (b.last.time_since_epoch().count() == 0) {
    b.tokens = kCursorBurst;
    b.last = now;
  }
  double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min<double>(kCursorBurst, b.tokens + elapsed * kCursorRate);
    b.last = now;
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  if (cursor_buckets_.size() > 10000) cursor_buckets_.clear();  // bounded memory
  return true;
}

void NotesPlugin::register_operations(pacte::Registrar& r) {
  register_commands(r);
  r.add_scope("note", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT workspace_id FROM notes_notes WHERE id = ?");
    q.bind(1, id);
    std::optional<std::int64_t> workspace;
    if (q.step()) workspace = q.int64(0);
    q.reset();
    return workspace;
  });

  const Json revision = {{"type", "integer"}, {"minimum", 0}};
  const Json item = {
      {"type", "integer"}, {"minimum", 1}, {"description", "an agenda item's id (agenda plugin)"}};

  r.add({.name = "notes.create",
         .schema = object_schema({{"workspace", id_schema()},
                                  {"title", pacte::string_schema(1, kMaxTitle)},
                                  {"agenda_item", item}},
                                 {"workspace", "title"}),
         .rule = Rule::member,
         .change = true,
         .handler = create_note});
  r.add(
      {.name = "notes.list",
       .schema = object_schema({{"workspace", id_schema()}, {"agenda_item", item}}, {"workspace"}),
       .rule = Rule::observer,
       .handler = list_notes});
  r.add({.name = "notes.open",
         .schema = object_schema({{"note", id_schema()}}, {"note"}),
         .rule = Rule::observer,
         .handler = open_note});
  r.add({.name = "notes.submit",
         .schema = object_schema({{"note", id_schema()},
                                  {"base_rev", revision},
                                  {"client_id", pacte::string_schema(8, 64)},
                                  {"seq", {{"type", "integer"}, {"minimum", 1}}},
                                  {"op", {{"type", "array"}, {"maxItems", 2000}}}},
                                 {"note", "base_rev", "client_id", "seq", "op"}),
         .rule = Rule::member,
         .change = true,
         .handler = submit});
  r.add({.name = "notes.ops",
         .schema = object_schema({{"note", id_schema()}, {"since", revision}}, {"note", "since"}),
         .rule = Rule::observer,
         .handler = list_ops});
  r.add({.name = "notes.cursor",
         .schema = object_schema(
             {{"note", id_schema()},
              {"rev", revision},
              {"client_id", pacte::string_schema(8, 64)},
              {"ranges",
               {{"type", "array"},
                {"maxItems", 10},
                {"items",
                 {{"description", "[anchor, head] in code points (checked by the handler)"}}}}}},
             {"note", "rev", "ranges"}),
         .rule = Rule::member,
         .handler = [this](Context& ctx, const Call& call) -> Result {
           for (const auto& range : call.args.at("ranges"))
             if (!range.is_array() || range.size() != 2 || !range[0].is_number_integer() ||
                 !range[1].is_number_integer() || range[0].get<std::int64_t>() < 0 ||
                 range[1].get<std::int64_t>() < 0)
               return Result::fail(ErrorCode::bad_request,
                                   "args.ranges: each range is [anchor, head]",
                                   "args.ranges : chaque plage est [ancre, tête]", "args.ranges");
           auto note = load_note(ctx, call.args.at("note").get<std::int64_t>());
           if (!note) return no_such_note();
           if (!allow_cursor(call.caller.person, ctx.now()))
             return Result::ok({{"relayed", false}});
           ctx.broadcast(note->workspace, "notes.cursor",
                         {{"note", note->id},
                          {"rev", call.args.at("rev")},
                          {"ranges", call.args.at("ranges")},
                          {"client_id", call.args.value("client_id", std::string())},
                          {"person", call.caller.person},
                          {"name", call.caller.name}});
           return Result::ok({{"relayed", true}});
         }});
  r.add({.name = "notes.export",
         .schema = object_schema({{"note", id_schema()}}, {"note"}),
         .rule = Rule::observer,
         .handler = export_note});
  r.add({.name = "notes.history",
         .schema = object_schema({{"note", id_schema()}}, {"note"}),
         .rule = Rule::observer,
         .handler = history});
  r.add({.name = "notes.text_at",
         .schema = object_schema({{"note", id_schema()}, {"rev", revision}}, {"note", "rev"}),
         .rule = Rule::observer,
         .handler = text_at_rev});
  r.add({.name = "notes.version.name",
         .schema = object_schema(
             {{"note", id_schema()}, {"name", pacte::string_schema(1, 100)}, {"rev", revision}},
             {"note", "name"}),
         .rule = Rule::member,
         .change = true,
         .handler = name_version});
}

// What the notes hold about a person: the notes they created, how many operations they
// authored in each note (the counts and titles, not the operation log itself: the text
// belongs to the workspace) and the versions they named.
pacte::Json NotesPlugin::export_person(pacte::Context& ctx, std::int64_t person) {
  Json created = Json::array();
  auto& c = ctx.sql("SELECT id, workspace_id, title, created_at FROM notes_notes WHERE created_by = ? ORDER BY id");
  c.bind(1, person);
  while (c.step())
    created.push_back({{"note", c.int64(0)}, {"workspace", c.int64(1)}, {"title", c.text(2)}, {"created_at", c.text(3)}});
  c.reset();
  Json edits = Json::array();
  auto& o = ctx.sql(
      "SELECT n.id, n.title, COUNT(*), MIN(o.created_at), MAX(o.created_at) FROM notes_ops o "
      "JOIN notes_notes n ON n.id = o.note_id WHERE o.author_id = ? GROUP BY n.id ORDER BY n.id");
  o.bind(1, person);
  while (o.step())
    edits.push_back({{"note", o.int64(0)}, {"title", o.text(1)}, {"operations", o.int64(2)}, {"first_at", o.text(3)},
                     {"last_at", o.text(4)}});
  o.reset();
  Json versions = Json::array();
  auto& v = ctx.sql(
      "SELECT v.note_id, n.title, v.rev, v.name, v.created_at FROM notes_versions v JOIN notes_notes n ON n.id = v.note_id "
      "WHERE v.created_by = ? ORDER BY v.id");
  v.bind(1, person);
  while (v.step())
    versions.push_back({{"note", v.int64(0)}, {"title", v.text(1)}, {"rev", v.int64(2)}, {"name", v.text(3)},
                        {"created_at", v.text(4)}});
  v.reset();
  if (created.empty() && edits.empty() && versions.empty()) return nullptr;
  return {{"notes_created", created}, {"operations_authored", edits}, {"versions_named", versions}};
}

// The notes store person ids only (created_by, author_id), never a name: the shared text and
// its history stay the workspace's, and the core's pseudonym is what they show once it renames
// the person. Nothing is stored that is purely personal; only the in-memory cursor rate limit
// is forgotten.
void NotesPlugin::erase_person(pacte::Context& /*ctx*/, std::int64_t person) {
  cursor_buckets_.erase(person);
}

pacte::Json NotesPlugin::export_workspace(pacte::Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM notes_notes WHERE workspace_id = ? ORDER BY id");
  q.bind(1, workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json notes = Json::array();
  for (auto id : ids)
    if (auto n = load_note(ctx, id)) {
      Json j = summary_json(*n);
      j["text"] = n->text;
      notes.push_back(std::move(j));
    }
  return Json{{"notes", notes}};
}

}  // namespace pacte_notes

std::unique_ptr<pacte::Plugin> make_plugin_notes() {
  return std::make_unique<pacte_notes::NotesPlugin>();
}
