#include "poll_plugin.hpp"

#include "pacte/util.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef PACTE_POLL_VERSION
#define PACTE_POLL_VERSION "0.0.0"  // normally read from plugin.json by CMakeLists.txt
#endif

namespace pacte_poll {

namespace {

using pacte::Call;
using pacte::Context;
using pacte::ErrorCode;
using pacte::Json;
using pacte::Result;
using pacte::Role;
using pacte::Rule;
using pacte::TimePoint;
using pacte::format_time;
using pacte::id_schema;
using pacte::object_schema;
using pacte::parse_time;

constexpr std::size_t kMinOptions = 2;
constexpr std::size_t kMaxOptions = 10;
constexpr int kListLimit = 200;  // poll.list returns the most recent polls

// --- Small helpers --------------------------------------------------------------------------

std::string trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// --- The stored poll ------------------------------------------------------------------------

struct Poll {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string question;
  std::vector<std::string> options;
  std::int64_t created_by = 0;
  std::string created_at;
  std::optional<std::string> closes_at;
  bool closed = false;  // closed by hand (see is_closed for the deadline)
  std::optional<std::string> closed_at;
  bool anonymous = true;
};

std::optional<Poll> load_poll(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, workspace_id, question, options, created_by, created_at, closes_at, closed, closed_at, anonymous "
      "FROM poll_polls WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Poll p;
  p.id = q.int64(0);
  p.workspace = q.int64(1);
  p.question = q.text(2);
  p.options = Json::parse(q.text(3)).get<std::vector<std::string>>();
  p.created_by = q.int64(4);
  p.created_at = q.text(5);
  p.closes_at = q.opt_text(6);
  p.closed = q.int64(7) != 0;
  p.closed_at = q.opt_text(8);
  p.anonymous = q.int64(9) != 0;
  q.reset();
  return p;
}

bool deadline_passed(const Poll& p, TimePoint now) {
  if (!p.closes_at) return false;
  auto deadline = parse_time(*p.closes_at);
  return deadline && *deadline <= now;
}

/// Closed by hand, or its deadline has passed (a timer also closes it for good and
/// announces it; between two ticks the deadline is read against the server's clock).
bool is_closed(const Poll& p, TimePoint now) { return p.closed || deadline_passed(p, now); }

std::vector<std::int64_t> count_votes(Context& ctx, const Poll& p) {
  std::vector<std::int64_t> counts(p.options.size(), 0);
  auto& q = ctx.sql("SELECT option, COUNT(*) FROM poll_votes WHERE poll_id = ? GROUP BY option");
  q.bind(1, p.id);
  while (q.step()) {
    auto option = q.int64(0);
    if (option >= 0 && static_cast<std::size_t>(option) < counts.size()) counts[option] = q.int64(1);
  }
  q.reset();
  return counts;
}

std::optional<std::int64_t> vote_of(Context& ctx, std::int64_t poll, std::int64_t person) {
  auto& q = ctx.sql("SELECT option FROM poll_votes WHERE poll_id = ? AND person_id = ?");
  q.bind(1, poll).bind(2, person);
  std::optional<std::int64_t> option;
  if (q.step()) option = q.int64(0);
  q.reset();
  return option;
}

/// The poll as clients see it. With a viewer: their own vote (`my_vote`) and, for a poll
/// that is not anonymous, who chose what (`voters`). Without one (events, which every
/// member receives): only what everybody may see.
Json poll_json(Context& ctx, const Poll& p, TimePoint now, std::optional<std::int64_t> viewer) {
  auto counts = count_votes(ctx, p);
  std::int64_t total = 0;
  for (auto c : counts) total += c;
  bool closed = is_closed(p, now);
  Json closed_at = nullptr;
  if (p.closed_at) closed_at = *p.closed_at;
  else if (closed && p.closes_at) closed_at = *p.closes_at;
  Json out = {{"id", p.id},
              {"workspace", p.workspace},
              {"question", p.question},
              {"options", p.options},
              {"counts", counts},
              {"total", total},
              {"created_by", p.created_by},
              {"created_at", p.created_at},
              {"closes_at", p.closes_at ? Json(*p.closes_at) : Json(nullptr)},
              {"closed", closed},
              {"closed_at", closed_at},
              {"anonymous", p.anonymous}};
  if (viewer) {
    auto mine = vote_of(ctx, p.id, *viewer);
    out["my_vote"] = mine ? Json(*mine) : Json(nullptr);
    if (!p.anonymous) {
      Json voters = Json::array();
      for (std::size_t i = 0; i < p.options.size(); ++i) voters.push_back(Json::array());
      auto& q = ctx.sql("SELECT option, person_id FROM poll_votes WHERE poll_id = ? ORDER BY person_id");
      q.bind(1, p.id);
      while (q.step()) {
        auto option = q.int64(0);
        if (option >= 0 && static_cast<std::size_t>(option) < p.options.size()) voters[option].push_back(q.int64(1));
      }
      q.reset();
      out["voters"] = voters;
    }
  }
  return out;
}

std::string subject_of(std::int64_t poll) { return "poll:" + std::to_string(poll); }

/// Events carry the counts only, never who voted what; in an anonymous poll a vote's
/// event has no author either, so that comparing counts reveals nothing.
void append_counts(Context& ctx, const Poll& p, const char* type) {
  bool secret = p.anonymous && std::string_view(type) == "poll.voted";
  ctx.append_event(p.workspace, type, {{"poll", p.id}, {"counts", count_votes(ctx, p)}}, subject_of(p.id), secret);
}

/// Timer: polls whose deadline has passed are closed for good and announced.
void close_expired(Context& ctx) {
  std::string now = ctx.now_text();
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM poll_polls WHERE closed = 0 AND closes_at IS NOT NULL AND closes_at <= ?");
  q.bind(1, now);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  for (auto id : ids) {
    auto poll = load_poll(ctx, id);
    if (!poll) continue;
    auto& u = ctx.sql("UPDATE poll_polls SET closed = 1, closed_at = closes_at WHERE id = ?");
    u.bind(1, id).run();
    poll->closed = true;
    poll->closed_at = poll->closes_at;
    append_counts(ctx, *poll, "poll.closed");
  }
}

Result no_such_poll() {
  return Result::fail(ErrorCode::not_found, "no such poll", "sondage introuvable", "args.poll");
}

Result poll_closed() {
  return Result::fail(ErrorCode::conflict, "this poll is closed", "ce sondage est clos", "args.poll");
}

// --- Handlers -------------------------------------------------------------------------------

Result create_poll(Context& ctx, const Call& call) {
  std::string question = trim(call.args.at("question").get<std::string>());
  if (question.empty())
    return Result::fail(ErrorCode::bad_request, "args.question: must not be blank",
                        "args.question : ne doit pas être vide", "args.question");
  const Json& given = call.args.at("options");
  if (given.size() < kMinOptions)
    return Result::fail(ErrorCode::bad_request, "args.options: must have at least 2 items",
                        "args.options : doit avoir au moins 2 éléments", "args.options");
  std::vector<std::string> options;
  for (std::size_t i = 0; i < given.size(); ++i) {
    std::string field = "args.options[" + std::to_string(i) + "]";
    std::string option = trim(given[i].get<std::string>());
    if (option.empty())
      return Result::fail(ErrorCode::bad_request, field + ": must not be blank", field + " : ne doit pas être vide",
                          field);
    for (auto& previous : options)
      if (previous == option)
        return Result::fail(ErrorCode::bad_request, field + ": the options must all be different",
                            field + " : les choix doivent tous être différents", field);
    options.push_back(std::move(option));
  }
  std::optional<std::string> closes_at;
  if (call.args.contains("closes_at")) {
    auto deadline = parse_time(call.args["closes_at"].get<std::string>());
    if (!deadline)
      return Result::fail(ErrorCode::bad_request,
                          "args.closes_at: must be an RFC 3339 date and time, e.g. 2026-03-12T14:00:00Z",
                          "args.closes_at : doit être une date et heure RFC 3339, par ex. 2026-03-12T14:00:00Z",
                          "args.closes_at");
    if (*deadline <= ctx.now())
      return Result::fail(ErrorCode::bad_request, "args.closes_at: must be in the future",
                          "args.closes_at : doit être dans le futur", "args.closes_at");
    closes_at = format_time(*deadline);
  }
  bool anonymous = call.args.value("anonymous", true);

  auto& ins = ctx.sql(
      "INSERT INTO poll_polls(workspace_id, question, options, created_by, created_at, closes_at, anonymous) "
      "VALUES (?,?,?,?,?,?,?)");
  ins.bind(1, call.workspace)
      .bind(2, question)
      .bind(3, Json(options).dump())
      .bind(4, call.caller.person)
      .bind(5, ctx.now_text())
      .bind(6, closes_at)
      .bind(7, anonymous ? 1 : 0)
      .run();
  auto poll = load_poll(ctx, ctx.last_insert_id());
  if (!poll) return no_such_poll();
  TimePoint now = ctx.now();
  ctx.append_event(call.workspace, "poll.created", {{"poll", poll_json(ctx, *poll, now, std::nullopt)}},
                   subject_of(poll->id));
  return Result::ok({{"poll", poll_json(ctx, *poll, now, call.caller.person)}});
}

Result list_polls(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM poll_polls WHERE workspace_id = ? ORDER BY id DESC LIMIT ?");
  q.bind(1, call.workspace).bind(2, kListLimit);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  TimePoint now = ctx.now();
  Json polls = Json::array();
  for (auto id : ids)
    if (auto poll = load_poll(ctx, id)) polls.push_back(poll_json(ctx, *poll, now, call.caller.person));
  return Result::ok({{"polls", polls}});
}

Result vote(Context& ctx, const Call& call) {
  auto poll = load_poll(ctx, call.args.at("poll").get<std::int64_t>());
  if (!poll) return no_such_poll();
  TimePoint now = ctx.now();
  if (is_closed(*poll, now)) return poll_closed();
  auto option = call.args.at("option").get<std::int64_t>();
  if (option < 0 || static_cast<std::size_t>(option) >= poll->options.size())
    return Result::fail(ErrorCode::bad_request,
                        "args.option: this poll has options 0 to " + std::to_string(poll->options.size() - 1),
                        "args.option : les choix de ce sondage vont de 0 à " + std::to_string(poll->options.size() - 1),
                        "args.option");
  if (vote_of(ctx, poll->id, call.caller.person) != option) {
    // One vote per person and poll: a new vote replaces the previous one.
    auto& q = ctx.sql(
        "INSERT INTO poll_votes(poll_id, person_id, option, voted_at) VALUES (?,?,?,?) "
        "ON CONFLICT(poll_id, person_id) DO UPDATE SET option = excluded.option, voted_at = excluded.voted_at");
    q.bind(1, poll->id).bind(2, call.caller.person).bind(3, option).bind(4, ctx.now_text()).run();
    append_counts(ctx, *poll, "poll.voted");
  }
  return Result::ok({{"poll", poll_json(ctx, *poll, now, call.caller.person)}});
}

Result retract_vote(Context& ctx, const Call& call) {
  auto poll = load_poll(ctx, call.args.at("poll").get<std::int64_t>());
  if (!poll) return no_such_poll();
  TimePoint now = ctx.now();
  if (is_closed(*poll, now)) return poll_closed();
  auto& q = ctx.sql("DELETE FROM poll_votes WHERE poll_id = ? AND person_id = ?");
  q.bind(1, poll->id).bind(2, call.caller.person).run();
  if (ctx.changes() > 0) append_counts(ctx, *poll, "poll.voted");
  return Result::ok({{"poll", poll_json(ctx, *poll, now, call.caller.person)}});
}

Result close_poll(Context& ctx, const Call& call) {
  auto poll = load_poll(ctx, call.args.at("poll").get<std::int64_t>());
  if (!poll) return no_such_poll();
  if (poll->created_by != call.caller.person && call.role != Role::owner)
    return Result::fail(ErrorCode::forbidden, "only the poll's author or a workspace owner may close it",
                        "seul l'auteur du sondage ou un responsable de l'espace peut le clore");
  if (!poll->closed) {  // closing twice changes nothing
    std::string at = ctx.now_text();
    auto& q = ctx.sql("UPDATE poll_polls SET closed = 1, closed_at = ?, closed_by = ? WHERE id = ?");
    q.bind(1, at).bind(2, call.caller.person).bind(3, poll->id).run();
    poll->closed = true;
    poll->closed_at = at;
    append_counts(ctx, *poll, "poll.closed");
  }
  return Result::ok({{"poll", poll_json(ctx, *poll, ctx.now(), call.caller.person)}});
}

}  // namespace

std::string PollPlugin::name() const { return "poll"; }
std::string PollPlugin::version() const { return PACTE_POLL_VERSION; }
std::string PollPlugin::title_fr() const { return "Sondages"; }
std::string PollPlugin::title_en() const { return "Polls"; }

std::vector<pacte::Migration> PollPlugin::migrations() const {
  // Applied once each, in order, under the module name "plugin:poll". Never edit a
  // migration that has shipped: add a new version instead.
  return {{1, R"SQL(
CREATE TABLE poll_polls (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,      -- the core's workspace id
  question TEXT NOT NULL,
  options TEXT NOT NULL,              -- JSON array of 2 to 10 strings; a vote is an index
  created_by INTEGER NOT NULL,        -- person id
  created_at TEXT NOT NULL,           -- RFC 3339 UTC
  closes_at TEXT,                     -- RFC 3339 UTC; NULL: open until closed by hand
  closed INTEGER NOT NULL DEFAULT 0,  -- closed by hand
  closed_at TEXT,
  closed_by INTEGER,
  anonymous INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX poll_polls_workspace ON poll_polls(workspace_id, id);
CREATE TABLE poll_votes (
  poll_id INTEGER NOT NULL REFERENCES poll_polls(id),
  person_id INTEGER NOT NULL,
  option INTEGER NOT NULL,
  voted_at TEXT NOT NULL,
  PRIMARY KEY (poll_id, person_id)
) WITHOUT ROWID;
)SQL"}};
}

void PollPlugin::register_operations(pacte::Registrar& r) {
  // "poll": 12 in the arguments designates that poll's workspace; the engine then applies
  // the operation's rule there, and a poll of a workspace the caller is not a member of
  // answers not_found, exactly like a poll that does not exist.
  r.add_scope("poll", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql("SELECT workspace_id FROM poll_polls WHERE id = ?");
    q.bind(1, id);
    std::optional<std::int64_t> workspace;
    if (q.step()) workspace = q.int64(0);
    q.reset();
    return workspace;
  });

  const Json text = {{"type", "string"}, {"minLength", 1}};
  Json question = text, option = text;
  question["maxLength"] = 300;
  question["description"] = "the question, 1 to 300 characters";
  option["maxLength"] = 100;

  r.add({.name = "poll.create",
         .schema = object_schema(
             {{"workspace", id_schema()},
              {"question", question},
              {"options",
               {{"type", "array"},
                {"maxItems", kMaxOptions},
                {"items", option},
                {"description", "2 to 10 distinct choices, 1 to 100 characters each"}}},
              {"closes_at",
               {{"type", "string"}, {"maxLength", 40}, {"description", "RFC 3339; the poll closes then"}}},
              {"anonymous",
               {{"type", "boolean"}, {"description", "default true: only the counts are shown, not who chose what"}}}},
             {"workspace", "question", "options"}),
         .rule = Rule::member,
         .change = true,
         .handler = create_poll});

  r.add({.name = "poll.list",
         .schema = object_schema({{"workspace", id_schema()}}, {"workspace"}),
         .rule = Rule::observer,
         .handler = list_polls});

  r.add({.name = "poll.vote",
         .schema = object_schema(
             {{"poll", id_schema()},
              {"option",
               {{"type", "integer"},
                {"minimum", 0},
                {"maximum", kMaxOptions - 1},
                {"description", "index in the poll's options"}}}},
             {"poll", "option"}),
         .rule = Rule::member,
         .change = true,
         .handler = vote});

  r.add({.name = "poll.retract",
         .schema = object_schema({{"poll", id_schema()}}, {"poll"}),
         .rule = Rule::member,
         .change = true,
         .handler = retract_vote});

  r.add({.name = "poll.close",
         .schema = object_schema({{"poll", id_schema()}}, {"poll"}),
         .rule = Rule::member,
         .change = true,
         .handler = close_poll});

  r.add_timer("close_expired", std::chrono::seconds(5), close_expired);
}

pacte::Json PollPlugin::export_person(pacte::Context& ctx, std::int64_t person) {
  Json polls = Json::array();
  auto& p = ctx.sql("SELECT id, workspace_id, question, created_at FROM poll_polls WHERE created_by = ? ORDER BY id");
  p.bind(1, person);
  while (p.step())
    polls.push_back({{"poll", p.int64(0)}, {"workspace", p.int64(1)}, {"question", p.text(2)}, {"created_at", p.text(3)}});
  p.reset();
  Json votes = Json::array();
  auto& v = ctx.sql(
      "SELECT v.poll_id, p.question, p.options, v.option, v.voted_at FROM poll_votes v JOIN poll_polls p ON p.id = v.poll_id "
      "WHERE v.person_id = ? ORDER BY v.poll_id");
  v.bind(1, person);
  while (v.step()) {
    Json options = Json::parse(v.text(2));
    auto option = static_cast<std::size_t>(v.int64(3));
    votes.push_back({{"poll", v.int64(0)}, {"question", v.text(1)},
                     {"choice", option < options.size() ? options[option] : Json(nullptr)}, {"voted_at", v.text(4)}});
  }
  v.reset();
  if (polls.empty() && votes.empty()) return nullptr;
  return {{"polls_created", polls}, {"votes", votes}};
}

pacte::Json PollPlugin::export_workspace(pacte::Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM poll_polls WHERE workspace_id = ? ORDER BY id");
  q.bind(1, workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json polls = Json::array();
  for (auto id : ids) {
    auto p = load_poll(ctx, id);
    if (!p) continue;
    Json poll = poll_json(ctx, *p, ctx.now(), std::nullopt);
    poll.erase("voters");  // the archive keeps the results, not the ballots
    polls.push_back(std::move(poll));
  }
  return Json{{"polls", polls}};
}

}  // namespace pacte_poll

std::unique_ptr<pacte::Plugin> make_plugin_poll() { return std::make_unique<pacte_poll::PollPlugin>(); }
