#include "agenda_plugin.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cadence.hpp"
#include "ical_writer.hpp"
#include "minutes_renderer.hpp"
#include "paris_time.hpp"
#include "pacte/util.hpp"

#ifndef PACTE_AGENDA_VERSION
#define PACTE_AGENDA_VERSION "0.0.0"
#endif

namespace pacte_agenda {

namespace {

using pacte::Activity;
using pacte::Call;
using pacte::Context;
using pacte::ErrorCode;
using pacte::format_time;
using pacte::id_schema;
using pacte::Json;
using pacte::object_schema;
using pacte::parse_time;
using pacte::Result;
using pacte::Role;
using pacte::Rule;
using pacte::string_schema;
using pacte::TimePoint;

constexpr int kMaxItems = 100;
constexpr int kFeedPastDays = 400;  // the feed lists meetings from about a year back onwards

// --- Small helpers --------------------------------------------------------------------------

std::string trim(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

Result bad(const std::string& field, const std::string& en, const std::string& fr) {
  return Result::fail(ErrorCode::bad_request, field + ": " + en, field + " : " + fr, field);
}
Result not_found(const std::string& field, const std::string& en, const std::string& fr) {
  return Result::fail(ErrorCode::not_found, en, fr, field);
}
Result conflict(const std::string& en, const std::string& fr) { return Result::fail(ErrorCode::conflict, en, fr); }

std::optional<std::string> opt_string(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::nullopt;
  return trim(it->get<std::string>());
}

std::optional<std::int64_t> opt_id(const Json& args, const char* key) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return std::nullopt;
  return it->get<std::int64_t>();
}

Json nullable(const std::optional<std::string>& v) { return v ? Json(*v) : Json(nullptr); }
Json nullable(const std::optional<std::int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

bool valid_date(std::string_view s) { return s.size() == 10 && parse_local(std::string(s) + "T00:00").has_value(); }

std::string random_hex(std::size_t bytes) {
  static std::random_device rd;  // the kernel's generator on Linux
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; i += 4) {
    std::uint32_t v = rd();
    for (int k = 0; k < 4 && i + k < bytes; ++k) {
      out += hex[(v >> 4) & 0xF];
      out += hex[v & 0xF];
      v >>= 8;
    }
  }
  return out;
}

std::string ical_utc(TimePoint t) {
  // "2026-03-12T13:00:00.000Z" -> "20260312T130000Z"
  std::string s = format_time(t), out;
  for (char c : s.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

std::string person_name(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT name FROM people WHERE id = ?");
  q.bind(1, id);
  std::string name = q.step() ? q.text(0) : std::string();
  q.reset();
  return name;
}

std::optional<std::string> organisation_name(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT name FROM organisations WHERE id = ?");
  q.bind(1, id);
  std::optional<std::string> name;
  if (q.step()) name = q.text(0);
  q.reset();
  return name;
}

std::string workspace_name(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT name FROM workspaces WHERE id = ?");
  q.bind(1, id);
  std::string name = q.step() ? q.text(0) : std::string();
  q.reset();
  return name;
}

std::string workspace_kind(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql("SELECT kind FROM workspaces WHERE id = ?");
  q.bind(1, id);
  std::string kind = q.step() ? q.text(0) : std::string();
  q.reset();
  return kind;
}

/// Organisations that are members of the workspace (the core's membership table).
std::vector<std::int64_t> workspace_organisations(Context& ctx, std::int64_t ws) {
  std::vector<std::int64_t> out;
  auto& q = ctx.sql("SELECT organisation_id FROM workspace_members WHERE workspace_id = ? AND organisation_id IS NOT NULL ORDER BY organisation_id");
  q.bind(1, ws);
  while (q.step()) out.push_back(q.int64(0));
  q.reset();
  return out;
}

/// The pact's `plugins.agenda` section for the workspace's pact (stored at import).
Json settings_for(Context& ctx, std::int64_t ws) {
  auto& q = ctx.sql(
      "SELECT s.config FROM agenda_settings s JOIN pacts p ON p.key = s.pact_key JOIN workspaces w ON w.pact_id = p.id "
      "WHERE w.id = ?");
  q.bind(1, ws);
  Json out = Json::object();
  if (q.step()) out = Json::parse(q.text(0), nullptr, false);
  q.reset();
  if (out.is_discarded() || !out.is_object()) out = Json::object();
  return out;
}

/// The kind's definition from the pact (committee_kinds.definition).
Json kind_definition(Context& ctx, std::int64_t ws) {
  auto& q = ctx.sql(
      "SELECT ck.definition FROM committee_kinds ck JOIN workspaces w ON w.pact_id = ck.pact_id AND w.kind = ck.key "
      "WHERE w.id = ?");
  q.bind(1, ws);
  Json out = nullptr;
  if (q.step()) out = Json::parse(q.text(0), nullptr, false);
  q.reset();
  return out.is_discarded() ? Json(nullptr) : out;
}

// --- Meetings -------------------------------------------------------------------------------

struct Meeting {
  std::int64_t id = 0;
  std::int64_t workspace = 0;
  std::string uid, title, description;
  std::string start_local, end_local, starts_at, ends_at;
  std::optional<std::string> place, video_url;
  std::string status;  // scheduled | cancelled
  std::optional<std::string> cancel_reason;
  std::int64_t sequence = 0;
  std::vector<std::int64_t> invited_people, invited_organisations;
  std::int64_t created_by = 0;
  std::string created_at, updated_at;
  std::optional<std::int64_t> current_item;
  std::optional<std::string> current_since, started_at;
  std::string minutes_state;  // draft | amended | approved | published
  std::optional<std::string> minutes_hash, published_at;
};

std::optional<Meeting> load_meeting(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, workspace_id, uid, title, description, start_local, end_local, starts_at, ends_at, place, video_url, "
      "status, cancel_reason, sequence, invited_people, invited_organisations, created_by, created_at, updated_at, "
      "current_item, current_since, started_at, minutes_state, minutes_hash, published_at FROM agenda_meetings WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Meeting m;
  m.id = q.int64(0);
  m.workspace = q.int64(1);
  m.uid = q.text(2);
  m.title = q.text(3);
  m.description = q.text(4);
  m.start_local = q.text(5);
  m.end_local = q.text(6);
  m.starts_at = q.text(7);
  m.ends_at = q.text(8);
  m.place = q.opt_text(9);
  m.video_url = q.opt_text(10);
  m.status = q.text(11);
  m.cancel_reason = q.opt_text(12);
  m.sequence = q.int64(13);
  m.invited_people = Json::parse(q.text(14)).get<std::vector<std::int64_t>>();
  m.invited_organisations = Json::parse(q.text(15)).get<std::vector<std::int64_t>>();
  m.created_by = q.int64(16);
  m.created_at = q.text(17);
  m.updated_at = q.text(18);
  m.current_item = q.opt_int64(19);
  m.current_since = q.opt_text(20);
  m.started_at = q.opt_text(21);
  m.minutes_state = q.text(22);
  m.minutes_hash = q.opt_text(23);
  m.published_at = q.opt_text(24);
  q.reset();
  return m;
}

Json meeting_json(const Meeting& m) {
  return {{"id", m.id},
          {"workspace", m.workspace},
          {"uid", m.uid},
          {"title", m.title},
          {"description", m.description},
          {"start", m.starts_at},
          {"end", m.ends_at},
          {"start_local", m.start_local},
          {"end_local", m.end_local},
          {"timezone", "Europe/Paris"},
          {"place", nullable(m.place)},
          {"video_url", nullable(m.video_url)},
          {"status", m.status},
          {"cancel_reason", nullable(m.cancel_reason)},
          {"sequence", m.sequence},
          {"invited_people", m.invited_people},
          {"invited_organisations", m.invited_organisations},
          {"created_by", m.created_by},
          {"created_at", m.created_at},
          {"updated_at", m.updated_at},
          {"current_item", nullable(m.current_item)},
          {"current_since", nullable(m.current_since)},
          {"started_at", nullable(m.started_at)},
          {"minutes_state", m.minutes_state},
          {"minutes_hash", nullable(m.minutes_hash)},
          {"published_at", nullable(m.published_at)},
          {"ics_url", "/p/agenda/meeting/" + std::to_string(m.id) + ".ics"}};
}

std::string subject_of(std::int64_t meeting) { return "meeting:" + std::to_string(meeting); }

Result no_meeting() { return not_found("args.meeting", "no such meeting", "réunion introuvable"); }

Result if_published(const Meeting& m) {
  if (m.minutes_state == "published")
    return conflict("the minutes of this meeting are published: it can no longer change",
                    "le compte rendu de cette réunion est publié : elle ne peut plus être modifiée");
  return Result::ok();
}

/// "jeudi 12 mars 2026, 14 h 00 – 16 h 00".
std::string when_fr(const Meeting& m) {
  static const char* months[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                                 "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};
  static const char* days[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
  auto s = parse_local(m.start_local);
  auto e = parse_local(m.end_local);
  if (!s || !e) return m.start_local;
  using namespace std::chrono;
  sys_days d{year{s->year} / month{static_cast<unsigned>(s->month)} / day{static_cast<unsigned>(s->day)}};
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %d %s %d, %d h %02d – %d h %02d", days[weekday{d}.c_encoding()], s->day,
                months[s->month - 1], s->year, s->hour, s->minute, e->hour, e->minute);
  std::string out = buf;
  if (e->year != s->year || e->month != s->month || e->day != s->day) out += " (" + format_local(*e) + ")";
  return out;
}

/// "Friday 12 June 2026, 14:00 – 16:00" (Europe/Paris wall-clock), for English readers.
std::string when_en(const Meeting& m) {
  static const char* months[] = {"January",   "February", "March",    "April",
                                 "May",       "June",     "July",     "August",
                                 "September", "October",  "November", "December"};
  static const char* days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                               "Thursday", "Friday", "Saturday"};
  auto s = parse_local(m.start_local);
  auto e = parse_local(m.end_local);
  if (!s || !e) return m.start_local;
  using namespace std::chrono;
  sys_days d{year{s->year} / month{static_cast<unsigned>(s->month)} /
             day{static_cast<unsigned>(s->day)}};
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %d %s %d, %02d:%02d – %02d:%02d",
                days[weekday{d}.c_encoding()], s->day, months[s->month - 1], s->year, s->hour,
                s->minute, e->hour, e->minute);
  std::string out = buf;
  if (e->year != s->year || e->month != s->month || e->day != s->day)
    out += " (" + format_local(*e) + ")";
  return out;
}

// --- iCalendar ------------------------------------------------------------------------------

void write_event(IcalWriter& w, Context& ctx, const Meeting& m) {
  w.begin("VEVENT");
  w.raw("UID", m.uid);
  // DTSTAMP: when this version of the event was last changed (stable between downloads).
  w.raw("DTSTAMP", ical_utc(parse_time(m.updated_at).value_or(TimePoint{})));
  w.raw("CREATED", ical_utc(parse_time(m.created_at).value_or(TimePoint{})));
  w.raw("LAST-MODIFIED", ical_utc(parse_time(m.updated_at).value_or(TimePoint{})));
  if (auto s = parse_local(m.start_local)) w.raw("DTSTART", ical_local(*s), ";TZID=Europe/Paris");
  if (auto e = parse_local(m.end_local)) w.raw("DTEND", ical_local(*e), ";TZID=Europe/Paris");
  w.raw("SEQUENCE", std::to_string(m.sequence));
  w.text("SUMMARY", m.title);
  std::string desc = workspace_name(ctx, m.workspace);
  if (!m.description.empty()) desc += "\n\n" + m.description;
  if (m.video_url) desc += "\n\nVisioconférence : " + *m.video_url;
  if (m.cancel_reason) desc += "\n\nAnnulée : " + *m.cancel_reason;
  w.text("DESCRIPTION", desc);
  if (m.place) w.text("LOCATION", *m.place);
  if (m.video_url && (m.video_url->rfind("https://", 0) == 0 || m.video_url->rfind("http://", 0) == 0))
    w.raw("URL", *m.video_url);
  w.raw("STATUS", m.status == "cancelled" ? "CANCELLED" : "CONFIRMED");
  w.raw("TRANSP", "OPAQUE");
  w.end("VEVENT");
}

std::string calendar_of(Context& ctx, const std::vector<Meeting>& meetings, std::string_view name) {
  IcalWriter w;
  w.begin("VCALENDAR");
  w.raw("VERSION", "2.0");
  w.raw("PRODID", "-//Pacte//Agenda " PACTE_AGENDA_VERSION "//FR");
  w.raw("CALSCALE", "GREGORIAN");
  w.raw("METHOD", "PUBLISH");
  if (!name.empty()) w.text("X-WR-CALNAME", name);
  w.raw("X-WR-TIMEZONE", "Europe/Paris");
  write_paris_timezone(w);
  for (auto& m : meetings) write_event(w, ctx, m);
  w.end("VCALENDAR");
  return w.str();
}

// --- Invitations ----------------------------------------------------------------------------

/// The people a meeting concerns: invited people and the workspace members of invited
/// organisations; everyone in the workspace when nobody is named.
std::vector<std::int64_t> invitees(Context& ctx, const Meeting& m) {
  std::set<std::int64_t> out;
  auto members = ctx.members(m.workspace);
  if (m.invited_people.empty() && m.invited_organisations.empty()) {
    for (auto& mem : members) out.insert(mem.person);
  } else {
    for (auto p : m.invited_people)
      if (ctx.role_of(p, m.workspace) != Role::none) out.insert(p);
    if (!m.invited_organisations.empty())
      for (auto& mem : members)
        for (auto& a : ctx.affiliations(mem.person))
          if (std::find(m.invited_organisations.begin(), m.invited_organisations.end(), a.organisation) !=
              m.invited_organisations.end())
            out.insert(mem.person);
  }
  return {out.begin(), out.end()};
}

void notify_invitees(Context& ctx, const Meeting& m, std::int64_t except, const std::string& what_fr,
                     const std::string& what_en) {
  std::string ics = calendar_of(ctx, {m}, {});
  std::string when = when_fr(m);
  for (auto person : invitees(ctx, m)) {
    if (person == except) continue;
    pacte::Notification n;
    n.kind = "meeting";
    n.workspace = m.workspace;
    n.title_fr = what_fr + " : " + m.title;
    n.title_en = what_en + ": " + m.title;
    n.body_fr = m.title + "\n" + when + " (heure de Paris)";
    if (m.place) n.body_fr += "\nLieu : " + *m.place;
    if (m.video_url) n.body_fr += "\nVisioconférence : " + *m.video_url;
    if (m.cancel_reason) n.body_fr += "\nMotif : " + *m.cancel_reason;
    n.body_en = m.title + "\n" + m.start_local + " – " + m.end_local + " (Paris time)";
    if (m.place) n.body_en += "\nPlace: " + *m.place;
    if (m.video_url) n.body_en += "\nVideo: " + *m.video_url;
    if (m.cancel_reason) n.body_en += "\nReason: " + *m.cancel_reason;
    n.link = "/w/" + std::to_string(m.workspace) + "/p/agenda?meeting=" + std::to_string(m.id);
    n.attachments.push_back({.filename = "reunion-" + std::to_string(m.id) + ".ics",
                             .content_type = "text/calendar; charset=utf-8; method=PUBLISH",
                             .data = ics});
    n.immediate = true;
    ctx.notify(person, n);
  }
}

// --- Items ----------------------------------------------------------------------------------

struct Item {
  std::int64_t id = 0, meeting = 0;
  std::optional<std::int64_t> parent;
  std::int64_t position = 0;
  std::string title, description, kind;
  std::optional<std::int64_t> planned_minutes, presenter_person, presenter_organisation;
  Json links = Json::array();
  std::int64_t spent_seconds = 0;
};

std::optional<Item> load_item(Context& ctx, std::int64_t id) {
  auto& q = ctx.sql(
      "SELECT id, meeting_id, parent_id, position, title, description, kind, planned_minutes, presenter_person, "
      "presenter_organisation, links, spent_seconds FROM agenda_items WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  Item it;
  it.id = q.int64(0);
  it.meeting = q.int64(1);
  it.parent = q.opt_int64(2);
  it.position = q.int64(3);
  it.title = q.text(4);
  it.description = q.text(5);
  it.kind = q.text(6);
  it.planned_minutes = q.opt_int64(7);
  it.presenter_person = q.opt_int64(8);
  it.presenter_organisation = q.opt_int64(9);
  it.links = Json::parse(q.text(10));
  it.spent_seconds = q.int64(11);
  q.reset();
  return it;
}

/// The meeting's items in agenda order: each top-level item followed by its sub-items.
std::vector<Item> meeting_items(Context& ctx, std::int64_t meeting) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM agenda_items WHERE meeting_id = ? ORDER BY position, id");
  q.bind(1, meeting);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  std::vector<Item> all;
  for (auto id : ids)
    if (auto it = load_item(ctx, id)) all.push_back(*it);
  std::vector<Item> ordered;
  for (auto& top : all) {
    if (top.parent) continue;
    ordered.push_back(top);
    for (auto& sub : all)
      if (sub.parent == top.id) ordered.push_back(sub);
  }
  return ordered;
}

/// Open actions of the workspace from meetings before `before` (the carry-over).
Json open_actions_before(Context& ctx, std::int64_t ws, const std::string& before);

Json item_json(Context& ctx, const Item& it, const std::string& number, int depth) {
  std::string presenter;
  if (it.presenter_person) presenter = person_name(ctx, *it.presenter_person);
  else if (it.presenter_organisation) presenter = organisation_name(ctx, *it.presenter_organisation).value_or("");
  return {{"id", it.id},
          {"meeting", it.meeting},
          {"parent", nullable(it.parent)},
          {"position", it.position},
          {"number", number},
          {"depth", depth},
          {"title", it.title},
          {"description", it.description},
          {"kind", it.kind},
          {"planned_minutes", nullable(it.planned_minutes)},
          {"presenter_person", nullable(it.presenter_person)},
          {"presenter_organisation", nullable(it.presenter_organisation)},
          {"presenter_name", presenter},
          {"links", it.links},
          {"spent_seconds", it.spent_seconds}};
}

Json items_json(Context& ctx, std::int64_t meeting) {
  Json out = Json::array();
  int top = 0, sub = 0;
  for (auto& it : meeting_items(ctx, meeting)) {
    std::string number;
    int depth = 0;
    if (!it.parent) {
      ++top;
      sub = 0;
      number = std::to_string(top);
    } else {
      ++sub;
      depth = 1;
      number = std::to_string(top) + "." + std::to_string(sub);
    }
    out.push_back(item_json(ctx, it, number, depth));
  }
  return out;
}

/// Renumbers the siblings of `parent` 0..n-1 with `moved` at `position`.
void place_item(Context& ctx, std::int64_t meeting, std::optional<std::int64_t> parent, std::int64_t moved,
                std::int64_t position) {
  std::vector<std::int64_t> ids;
  auto& q = parent ? ctx.sql("SELECT id FROM agenda_items WHERE meeting_id = ? AND parent_id = ? ORDER BY position, id")
                   : ctx.sql("SELECT id FROM agenda_items WHERE meeting_id = ? AND parent_id IS NULL ORDER BY position, id");
  q.bind(1, meeting);
  if (parent) q.bind(2, *parent);
  while (q.step())
    if (q.int64(0) != moved) ids.push_back(q.int64(0));
  q.reset();
  if (moved) {
    position = std::clamp<std::int64_t>(position, 0, static_cast<std::int64_t>(ids.size()));
    ids.insert(ids.begin() + position, moved);
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto& u = ctx.sql("UPDATE agenda_items SET position = ? WHERE id = ?");
    u.bind(1, static_cast<std::int64_t>(i)).bind(2, ids[i]).run();
  }
}

void items_changed(Context& ctx, const Meeting& m) {
  ctx.append_event(m.workspace, "agenda.items_changed", {{"meeting", m.id}, {"items", items_json(ctx, m.id)}},
                   subject_of(m.id));
}

/// Validates a presenter or an action owner: a person with a role in the workspace, or an
/// organisation that exists. Returns an error result or ok.
Result check_person(Context& ctx, std::int64_t ws, std::optional<std::int64_t> person, const std::string& field) {
  if (person && ctx.role_of(*person, ws) == Role::none)
    return bad(field, "not a member of this workspace", "n'est pas membre de cet espace");
  return Result::ok();
}
Result check_organisation(Context& ctx, std::optional<std::int64_t> org, const std::string& field) {
  if (org && !organisation_name(ctx, *org)) return bad(field, "no such organisation", "organisation introuvable");
  return Result::ok();
}

Result check_links(Context& ctx, std::int64_t ws, const Json& links) {
  for (std::size_t i = 0; i < links.size(); ++i) {
    std::string f = "args.links[" + std::to_string(i) + "]";
    const Json& l = links[i];
    std::string kind = l.at("kind").get<std::string>();
    std::string ref = trim(l.at("ref").get<std::string>());
    if (ref.empty()) return bad(f + ".ref", "must not be blank", "ne doit pas être vide");
    if (kind == "url" && ref.rfind("https://", 0) != 0 && ref.rfind("http://", 0) != 0)
      return bad(f + ".ref", "a link must start with https:// or http://", "un lien doit commencer par https:// ou http://");
    if (kind == "thread") {
      // A thread of this workspace (the core's table), by id.
      bool digits = ref.size() <= 15 && ref.find_first_not_of("0123456789") == std::string::npos;
      bool found = false;
      if (digits) {
        auto& q = ctx.sql("SELECT 1 FROM threads WHERE id = ? AND workspace_id = ?");
        q.bind(1, static_cast<std::int64_t>(std::stoll(ref))).bind(2, ws);
        found = q.step();
        q.reset();
      }
      if (!found) return bad(f + ".ref", "not a thread of this workspace", "n'est pas un fil de cet espace");
    }
  }
  return Result::ok();
}

// --- Decisions and actions ------------------------------------------------------------------


Json decisions_where(Context& ctx, const char* column, std::int64_t id) {
  std::string sql = "SELECT id, meeting_id, item_id, text, outcome, votes_for, votes_against, abstentions, created_by, "
                    "created_at FROM agenda_decisions WHERE ";
  sql += column;
  sql += " = ? ORDER BY id";
  auto& q = ctx.sql(sql);
  q.bind(1, id);
  Json out = Json::array();
  while (q.step())
    out.push_back({{"id", q.int64(0)},
                   {"meeting", q.int64(1)},
                   {"item", q.int64(2)},
                   {"text", q.text(3)},
                   {"outcome", q.text(4)},
                   {"votes_for", nullable(q.opt_int64(5))},
                   {"votes_against", nullable(q.opt_int64(6))},
                   {"abstentions", nullable(q.opt_int64(7))},
                   {"created_by", q.int64(8)},
                   {"created_at", q.text(9)}});
  q.reset();
  return out;
}

const char* kActionColumns =
    "SELECT a.id, a.workspace_id, a.meeting_id, a.item_id, a.what, a.owner_person, a.owner_organisation, a.due, a.status, "
    "a.created_by, a.created_at, a.updated_at, m.title, m.start_local FROM agenda_actions a JOIN agenda_meetings m ON "
    "m.id = a.meeting_id ";

Json read_actions(Context& ctx, pacte::Statement& q) {
  struct Row {
    Json j;
    std::optional<std::int64_t> person, org;
  };
  std::vector<Row> rows;
  while (q.step()) {
    Row r;
    r.person = q.opt_int64(5);
    r.org = q.opt_int64(6);
    r.j = {{"id", q.int64(0)},
           {"workspace", q.int64(1)},
           {"meeting", q.int64(2)},
           {"item", q.int64(3)},
           {"what", q.text(4)},
           {"owner_person", nullable(r.person)},
           {"owner_organisation", nullable(r.org)},
           {"due", nullable(q.opt_text(7))},
           {"status", q.text(8)},
           {"created_by", q.int64(9)},
           {"created_at", q.text(10)},
           {"updated_at", q.text(11)},
           {"meeting_title", q.text(12)},
           {"meeting_start_local", q.text(13)}};
    rows.push_back(std::move(r));
  }
  q.reset();
  Json out = Json::array();
  for (auto& r : rows) {
    std::string owner;
    if (r.person) owner = person_name(ctx, *r.person);
    else if (r.org) owner = organisation_name(ctx, *r.org).value_or("");
    r.j["owner_name"] = owner;
    out.push_back(std::move(r.j));
  }
  return out;
}

Json actions_where(Context& ctx, const char* column, std::int64_t id) {
  auto& q = ctx.sql(std::string(kActionColumns) + "WHERE a." + column + " = ? ORDER BY a.id");
  q.bind(1, id);
  return read_actions(ctx, q);
}

Json open_actions_before(Context& ctx, std::int64_t ws, const std::string& before) {
  auto& q = ctx.sql(std::string(kActionColumns) +
                    "WHERE a.workspace_id = ? AND a.status IN ('open', 'in_progress') AND m.starts_at < ? "
                    "ORDER BY a.due IS NULL, a.due, a.id");
  q.bind(1, ws).bind(2, before);
  return read_actions(ctx, q);
}

// --- Attendance and quorum ------------------------------------------------------------------

Json attendance_json(Context& ctx, std::int64_t meeting) {
  struct Row {
    std::int64_t person;
    std::string status;
    std::optional<std::int64_t> proxy;
  };
  std::vector<Row> rows;
  auto& q = ctx.sql("SELECT person_id, status, proxy_id FROM agenda_attendance WHERE meeting_id = ? ORDER BY person_id");
  q.bind(1, meeting);
  while (q.step()) rows.push_back({q.int64(0), q.text(1), q.opt_int64(2)});
  q.reset();
  Json out = Json::array();
  for (auto& r : rows)
    out.push_back({{"person", r.person},
                   {"name", person_name(ctx, r.person)},
                   {"status", r.status},
                   {"proxy", nullable(r.proxy)},
                   {"proxy_name", r.proxy ? person_name(ctx, *r.proxy) : std::string()}});
  return out;
}

std::vector<std::int64_t> organisations_present(Context& ctx, std::int64_t meeting) {
  std::set<std::int64_t> out;
  {
    auto& q = ctx.sql("SELECT organisation_id FROM agenda_org_presence WHERE meeting_id = ?");
    q.bind(1, meeting);
    while (q.step()) out.insert(q.int64(0));
    q.reset();
  }
  // A person present or represented brings their organisation.
  std::vector<std::int64_t> people;
  auto& q = ctx.sql("SELECT person_id FROM agenda_attendance WHERE meeting_id = ? AND status IN ('present', 'represented')");
  q.bind(1, meeting);
  while (q.step()) people.push_back(q.int64(0));
  q.reset();
  for (auto p : people)
    for (auto& a : ctx.affiliations(p)) out.insert(a.organisation);
  return {out.begin(), out.end()};
}

/// The quorum as configured (`plugins.agenda.quorum`, by kind or "default"): a share of
/// the expected organisations (invited ones, or the workspace's) or people present.
Json quorum_json(Context& ctx, const Meeting& m) {
  Json settings = settings_for(ctx, m.workspace);
  Json rules = settings.value("quorum", Json::object());
  std::string kind = workspace_kind(ctx, m.workspace);
  Json rule = rules.contains(kind) ? rules[kind] : rules.value("default", Json(nullptr));
  if (!rule.is_object()) rule = {{"basis", "organisations"}, {"share", 0.5}, {"strict", true}};
  std::string basis = rule.value("basis", "organisations");
  double share = rule.value("share", 0.5);
  bool strict = rule.value("strict", true);
  std::int64_t expected = 0, present = 0;
  if (basis == "people") {
    expected = static_cast<std::int64_t>(invitees(ctx, m).size());
    auto& q = ctx.sql("SELECT COUNT(*) FROM agenda_attendance WHERE meeting_id = ? AND status IN ('present', 'represented')");
    q.bind(1, m.id);
    if (q.step()) present = q.int64(0);
    q.reset();
  } else {
    auto expected_orgs = m.invited_organisations.empty() ? workspace_organisations(ctx, m.workspace) : m.invited_organisations;
    expected = static_cast<std::int64_t>(expected_orgs.size());
    for (auto o : organisations_present(ctx, m.id))
      if (std::find(expected_orgs.begin(), expected_orgs.end(), o) != expected_orgs.end()) ++present;
  }
  double need = share * static_cast<double>(expected);
  bool met = strict ? static_cast<double>(present) > need : static_cast<double>(present) >= need;
  bool one = present == 1;
  std::string what_fr = basis == "people" ? (one ? "personne présente" : "personnes présentes")
                                          : (one ? "organisation présente" : "organisations présentes");
  std::string what_en = basis == "people" ? (one ? "person" : "people") : (one ? "organisation" : "organisations");
  char pct[16];
  std::snprintf(pct, sizeof pct, "%g", share * 100);
  std::string text_fr = std::to_string(present) + " " + what_fr + " sur " + std::to_string(expected) + " (" +
                        (strict ? "plus de " : "au moins ") + pct + " % requis) : " + (met ? "quorum atteint" : "quorum non atteint");
  std::string text_en = std::to_string(present) + " of " + std::to_string(expected) + " " + what_en + " present (" +
                        (strict ? "more than " : "at least ") + pct + "% required): " + (met ? "quorum reached" : "no quorum");
  return {{"basis", basis}, {"share", share}, {"strict", strict}, {"expected", expected}, {"present", present},
          {"met", met}, {"text_fr", text_fr}, {"text_en", text_en}};
}

// --- Minutes --------------------------------------------------------------------------------

std::string state_fr(const std::string& s) {
  if (s == "draft") return "brouillon";
  if (s == "amended") return "amendé";
  if (s == "approved") return "approuvé";
  if (s == "published") return "publié";
  return s;
}

/// Each item's notes from the notes plugin, if it is there: {item id -> [{title, markdown, text}]}.
std::map<std::int64_t, Json> notes_by_item(Context& ctx, std::int64_t ws) {
  std::map<std::int64_t, Json> out;
  Result listed = ctx.call("notes.list", {{"workspace", ws}});
  if (!listed.is_ok() || !listed.value().contains("notes") || !listed.value()["notes"].is_array()) return out;
  Json notes = listed.value()["notes"];
  for (auto& n : notes) {
    if (!n.contains("agenda_item") || !n["agenda_item"].is_number_integer() || !n.contains("id")) continue;
    Result exported = ctx.call("notes.export", {{"note", n["id"]}});
    if (!exported.is_ok()) continue;
    const Json& v = exported.value();
    out[n["agenda_item"].get<std::int64_t>()].push_back(
        {{"id", n["id"]},
         {"title", n.value("title", std::string())},
         {"markdown", v.value("markdown", std::string())},
         {"text", v.value("text", v.value("markdown", std::string()))}});
  }
  return out;
}

/// The minutes document from the live data (for a published meeting, the stored one).
Json assemble_minutes(Context& ctx, const Meeting& m) {
  auto notes = notes_by_item(ctx, m.workspace);
  Json doc;
  Json meeting = meeting_json(m);
  meeting["when_fr"] = when_fr(m);
  doc["meeting"] = meeting;
  doc["workspace_name"] = workspace_name(ctx, m.workspace);
  doc["state"] = m.minutes_state;
  doc["state_fr"] = state_fr(m.minutes_state);
  doc["attendance"] = attendance_json(ctx, m.id);
  Json orgs = Json::array();
  for (auto o : organisations_present(ctx, m.id)) orgs.push_back(organisation_name(ctx, o).value_or(""));
  doc["organisations_present"] = orgs;
  doc["quorum"] = quorum_json(ctx, m);
  Json items = items_json(ctx, m.id);
  for (auto& it : items) {
    std::int64_t id = it["id"];
    it["decisions"] = decisions_where(ctx, "item_id", id);
    it["actions"] = actions_where(ctx, "item_id", id);
    auto found = notes.find(id);
    it["notes"] = found == notes.end() ? Json::array() : found->second;
  }
  doc["items"] = items;
  Json amendments = Json::array();
  std::vector<std::pair<std::int64_t, Json>> rows;
  auto& q = ctx.sql("SELECT id, author_id, text, created_at FROM agenda_amendments WHERE meeting_id = ? ORDER BY id");
  q.bind(1, m.id);
  while (q.step()) rows.push_back({q.int64(1), {{"id", q.int64(0)}, {"author", q.int64(1)}, {"text", q.text(2)}, {"created_at", q.text(3)}}});
  q.reset();
  for (auto& [author, a] : rows) {
    a["author_name"] = person_name(ctx, author);
    amendments.push_back(a);
  }
  doc["amendments"] = amendments;
  doc["hash"] = nullptr;
  return doc;
}

/// The minutes as shown: the frozen document once published, the live one before.
Json minutes_doc(Context& ctx, const Meeting& m) {
  if (m.minutes_state == "published") {
    auto& q = ctx.sql("SELECT document FROM agenda_minutes WHERE meeting_id = ?");
    q.bind(1, m.id);
    Json doc = nullptr;
    if (q.step()) doc = Json::parse(q.text(0));
    q.reset();
    if (doc.is_object()) return doc;
  }
  return assemble_minutes(ctx, m);
}

std::string minutes_markdown(Context& ctx, const Meeting& m) {
  if (m.minutes_state == "published") {
    auto& q = ctx.sql("SELECT markdown FROM agenda_minutes WHERE meeting_id = ?");
    q.bind(1, m.id);
    std::string md;
    if (q.step()) md = q.text(0);
    q.reset();
    return md;
  }
  return render_minutes_markdown(assemble_minutes(ctx, m));
}

Json minutes_result(Context& ctx, const Meeting& m) {
  Json doc = minutes_doc(ctx, m);
  // Published: the stored bytes (those the hash covers); before: rendered from `doc`.
  std::string md = m.minutes_state == "published" ? minutes_markdown(ctx, m) : render_minutes_markdown(doc);
  return {{"meeting", m.id},
          {"state", m.minutes_state},
          {"hash", nullable(m.minutes_hash)},
          {"published_at", nullable(m.published_at)},
          {"document", doc},
          {"markdown", md},
          {"markdown_url", "/p/agenda/minutes/" + std::to_string(m.id) + ".md"},
          {"html_url", "/p/agenda/minutes/" + std::to_string(m.id) + ".html"}};
}

void set_minutes_state(Context& ctx, Meeting& m, const std::string& state) {
  auto& u = ctx.sql("UPDATE agenda_meetings SET minutes_state = ? WHERE id = ?");
  u.bind(1, state).bind(2, m.id).run();
  m.minutes_state = state;
}

void minutes_event(Context& ctx, const Meeting& m) {
  ctx.append_event(m.workspace, "agenda.minutes",
                   {{"meeting", m.id}, {"state", m.minutes_state}, {"hash", nullable(m.minutes_hash)}}, subject_of(m.id));
}

// --- Meeting handlers -----------------------------------------------------------------------

struct Times {
  LocalTime start, end;
  TimePoint start_utc, end_utc;
};

/// Validates start/end (Paris wall-clock times).
std::optional<Result> parse_times(const std::string& start, const std::string& end, Times& out) {
  auto s = parse_local(start);
  if (!s) return bad("args.start", "must be a Paris local date and time YYYY-MM-DDTHH:MM, e.g. 2026-03-12T14:00",
                     "doit être une date et heure de Paris AAAA-MM-JJTHH:MM, par ex. 2026-03-12T14:00");
  auto e = parse_local(end);
  if (!e) return bad("args.end", "must be a Paris local date and time YYYY-MM-DDTHH:MM, e.g. 2026-03-12T16:00",
                     "doit être une date et heure de Paris AAAA-MM-JJTHH:MM, par ex. 2026-03-12T16:00");
  auto su = paris_to_utc(*s);
  if (!su) return bad("args.start", "this time does not exist in Paris (the clocks go forward)",
                      "cette heure n'existe pas à Paris (passage à l'heure d'été)");
  auto eu = paris_to_utc(*e);
  if (!eu) return bad("args.end", "this time does not exist in Paris (the clocks go forward)",
                      "cette heure n'existe pas à Paris (passage à l'heure d'été)");
  if (*eu <= *su) return bad("args.end", "must be after the start", "doit être après le début");
  if (*eu - *su > std::chrono::hours(24)) return bad("args.end", "a meeting lasts at most 24 hours", "une réunion dure au plus 24 heures");
  out = {*s, *e, *su, *eu};
  return std::nullopt;
}

std::optional<Result> check_invitations(Context& ctx, std::int64_t ws, const Json& args, std::vector<std::int64_t>& people,
                                        std::vector<std::int64_t>& orgs) {
  if (args.contains("invite_people")) {
    people.clear();
    const Json& given = args["invite_people"];
    for (std::size_t i = 0; i < given.size(); ++i) {
      std::int64_t p = given[i];
      if (ctx.role_of(p, ws) == Role::none)
        return bad("args.invite_people[" + std::to_string(i) + "]", "not a member of this workspace", "n'est pas membre de cet espace");
      if (std::find(people.begin(), people.end(), p) == people.end()) people.push_back(p);
    }
  }
  if (args.contains("invite_organisations")) {
    orgs.clear();
    auto members = workspace_organisations(ctx, ws);
    const Json& given = args["invite_organisations"];
    for (std::size_t i = 0; i < given.size(); ++i) {
      std::int64_t o = given[i];
      if (std::find(members.begin(), members.end(), o) == members.end())
        return bad("args.invite_organisations[" + std::to_string(i) + "]", "not an organisation of this workspace",
                   "n'est pas une organisation de cet espace");
      if (std::find(orgs.begin(), orgs.end(), o) == orgs.end()) orgs.push_back(o);
    }
  }
  return std::nullopt;
}

std::optional<Result> check_text_fields(const Json& args, std::optional<std::string>& place, std::optional<std::string>& video) {
  if (args.contains("place")) {
    place = opt_string(args, "place");
    if (place && place->empty()) place.reset();
  }
  if (args.contains("video_url")) {
    video = opt_string(args, "video_url");
    if (video && video->empty()) video.reset();
    if (video && video->rfind("https://", 0) != 0 && video->rfind("http://", 0) != 0)
      return bad("args.video_url", "must start with https:// or http://", "doit commencer par https:// ou http://");
  }
  return std::nullopt;
}

/// Adds the items of the kind's template: the plugin section's `templates.<kind>`, or the
/// kind's objectives from article 4 when the section has none.
void apply_template(Context& ctx, const Meeting& m) {
  std::string kind = workspace_kind(ctx, m.workspace);
  Json settings = settings_for(ctx, m.workspace);
  Json tpl = settings.value("templates", Json::object()).value(kind, Json(nullptr));
  if (!tpl.is_array()) {
    tpl = Json::array();
    Json def = kind_definition(ctx, m.workspace);
    if (def.is_object() && def.contains("objectives") && def["objectives"].is_array())
      for (auto& o : def["objectives"])
        if (o.is_string()) tpl.push_back({{"title", o}});
  }
  std::int64_t pos = 0;
  {
    auto& q = ctx.sql("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ? AND parent_id IS NULL");
    q.bind(1, m.id);
    if (q.step()) pos = q.int64(0);
    q.reset();
  }
  for (auto& t : tpl) {
    if (!t.is_object() || !t.contains("title") || !t["title"].is_string()) continue;
    auto& ins = ctx.sql(
        "INSERT INTO agenda_items(meeting_id, parent_id, position, title, description, kind, planned_minutes, links) "
        "VALUES (?,NULL,?,?,?,'template',?,'[]')");
    std::optional<std::int64_t> minutes;
    if (t.contains("planned_minutes") && t["planned_minutes"].is_number_integer()) minutes = t["planned_minutes"].get<std::int64_t>();
    ins.bind(1, m.id).bind(2, pos++).bind(3, t["title"].get<std::string>()).bind(4, t.value("description", std::string()))
        .bind(5, minutes).run();
  }
}

/// Open actions of earlier meetings become a proposed item of this one (carry-over): the
/// item "Suivi des actions en cours" is added, rewritten or removed to match them.
/// Returns whether the agenda changed.
bool sync_carry_over(Context& ctx, const Meeting& m) {
  Json open = open_actions_before(ctx, m.workspace, m.starts_at);
  std::string desc;
  auto fr_date = [](const std::string& ymd) { return ymd.substr(8, 2) + "/" + ymd.substr(5, 2) + "/" + ymd.substr(0, 4); };
  for (auto& a : open) {
    desc += "- " + a["what"].get<std::string>() + " (" + a["owner_name"].get<std::string>();
    if (!a["due"].is_null()) desc += ", échéance " + fr_date(a["due"].get<std::string>());
    desc += ") — réunion du " + fr_date(a["meeting_start_local"].get<std::string>().substr(0, 10)) + "\n";
  }
  desc = trim(desc);
  std::optional<std::int64_t> existing;
  std::string current;
  {
    auto& q = ctx.sql("SELECT id, description FROM agenda_items WHERE meeting_id = ? AND kind = 'carry_over' ORDER BY id LIMIT 1");
    q.bind(1, m.id);
    if (q.step()) {
      existing = q.int64(0);
      current = q.text(1);
    }
    q.reset();
  }
  if (open.empty()) {
    if (!existing) return false;
    // Kept if the meeting already recorded something on it.
    for (const char* table : {"agenda_decisions", "agenda_actions"}) {
      auto& q = ctx.sql(std::string("SELECT COUNT(*) FROM ") + table + " WHERE item_id = ?");
      q.bind(1, *existing);
      bool used = q.step() && q.int64(0) > 0;
      q.reset();
      if (used) return false;
    }
    auto& d = ctx.sql("DELETE FROM agenda_items WHERE id = ?1 OR parent_id = ?1");
    d.bind(1, *existing).run();
    place_item(ctx, m.id, std::nullopt, 0, 0);
    return true;
  }
  if (existing) {
    if (current == desc) return false;
    auto& u = ctx.sql("UPDATE agenda_items SET description = ? WHERE id = ?");
    u.bind(1, desc).bind(2, *existing).run();
    return true;
  }
  auto& ins = ctx.sql(
      "INSERT INTO agenda_items(meeting_id, parent_id, position, title, description, kind, planned_minutes, links) "
      "VALUES (?,NULL,-1,?,?,'carry_over',NULL,'[]')");
  ins.bind(1, m.id).bind(2, std::string("Suivi des actions en cours")).bind(3, desc).run();
  place_item(ctx, m.id, std::nullopt, 0, 0);  // renumber: the carry-over opens the agenda
  return true;
}

/// After an action changed: the carry-over item of the workspace's later meetings that are
/// still being prepared (scheduled, minutes not approved) follows.
void refresh_later_carry_overs(Context& ctx, std::int64_t ws, const std::string& after) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql(
      "SELECT id FROM agenda_meetings WHERE workspace_id = ? AND starts_at > ? AND status = 'scheduled' "
      "AND minutes_state IN ('draft', 'amended') ORDER BY starts_at");
  q.bind(1, ws).bind(2, after);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  for (auto id : ids)
    if (auto later = load_meeting(ctx, id); later && sync_carry_over(ctx, *later)) items_changed(ctx, *later);
}

// --- Activity in the conversation (issue 12) ----------------------------------------------

std::string card_key(std::int64_t meeting) { return "agenda:meeting:" + std::to_string(meeting); }

/// The live card of a meeting, in French with English siblings ("…_en"): when, where,
/// status, the current item, the calendar link, and the buttons of the meeting in
/// progress: "open the notes" of the current item (members) and "next item" (owners;
/// the server refuses it to anyone else).
Json meeting_card(Context& ctx, const Meeting& m) {
  bool cancelled = m.status == "cancelled";
  Json fields = Json::array();
  if (m.place) fields.push_back({{"label", "Lieu"}, {"label_en", "Place"}, {"value", *m.place}});
  fields.push_back({{"label", "Statut"},
                    {"label_en", "Status"},
                    {"value", cancelled ? "Annulée" : "Prévue"},
                    {"value_en", cancelled ? "Cancelled" : "Scheduled"}});
  if (cancelled && m.cancel_reason)
    fields.push_back({{"label", "Motif"}, {"label_en", "Reason"}, {"value", *m.cancel_reason}});
  Json actions = Json::array();
  if (!cancelled) {
    Json items = items_json(ctx, m.id);
    std::optional<std::size_t> at;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (m.current_item && items[i]["id"] == *m.current_item) at = i;
    if (at) {
      const Json& it = items[*at];
      std::string label = it["number"].get<std::string>() + ". " + it["title"].get<std::string>();
      fields.push_back(
          {{"label", "Point en cours"}, {"label_en", "Current item"}, {"value", label}});
      actions.push_back({{"label", "Ouvrir les notes du point"},
                         {"label_en", "Open the item's notes"},
                         {"op", "agenda.open_notes"},
                         {"args", {{"item", it["id"]}}},
                         {"style", "primary"}});
    }
    std::size_t next = at ? *at + 1 : 0;
    if (at && next < items.size())
      actions.push_back({{"label", "Point suivant"},
                         {"label_en", "Next item"},
                         {"op", "agenda.set_current"},
                         {"args", {{"meeting", m.id}, {"item", items[next]["id"]}}},
                         {"style", "secondary"}});
  }
  Json links = Json::array();
  if (!cancelled)
    links.push_back({{"label", "Ajouter au calendrier"},
                     {"label_en", "Add to calendar"},
                     {"href", "/p/agenda/meeting/" + std::to_string(m.id) + ".ics"}});
  links.push_back({{"label", "Ouvrir l'ordre du jour"},
                   {"label_en", "Open the agenda"},
                   {"href", "/w/" + std::to_string(m.workspace) +
                                "/p/agenda?meeting=" + std::to_string(m.id)}});
  return {{"key", card_key(m.id)},     {"plugin", "agenda"},
          {"title", m.title},          {"subtitle", when_fr(m)},
          {"subtitle_en", when_en(m)}, {"fields", fields},
          {"progress", Json::array()}, {"links", links},
          {"actions", actions}};
}

std::string meeting_thread(const Meeting& m) {
  return "meeting:" + std::to_string(m.id);
}

/// Posts the text (French, English) to the meeting's thread with its card, and refreshes
/// the card everywhere.
void meeting_activity(Context& ctx, const Meeting& m, const std::string& text_fr,
                      const std::string& text_en) {
  Json card = meeting_card(ctx, m);
  ctx.update_card(card_key(m.id), card);
  ctx.post_activity(m.workspace, Activity{.thread_key = meeting_thread(m),
                                          .thread_title = "Réunion : " + m.title,
                                          .thread_title_en = "Meeting: " + m.title,
                                          .text = text_fr,
                                          .text_en = text_en,
                                          .card = card});
}

Result schedule_meeting(Context& ctx, const Call& call) {
  std::string title = trim(call.args.at("title").get<std::string>());
  if (title.empty()) return bad("args.title", "must not be blank", "ne doit pas être vide");
  Times t;
  if (auto err = parse_times(call.args.at("start").get<std::string>(), call.args.at("end").get<std::string>(), t)) return *err;
  std::optional<std::string> place, video;
  if (auto err = check_text_fields(call.args, place, video)) return *err;
  std::vector<std::int64_t> people, orgs;
  if (auto err = check_invitations(ctx, call.workspace, call.args, people, orgs)) return *err;
  std::string now = ctx.now_text();
  std::string uid = random_hex(16) + "@pacte-agenda";
  auto& ins = ctx.sql(
      "INSERT INTO agenda_meetings(workspace_id, uid, title, description, start_local, end_local, starts_at, ends_at, "
      "place, video_url, status, sequence, invited_people, invited_organisations, created_by, created_at, updated_at, "
      "minutes_state) VALUES (?,?,?,?,?,?,?,?,?,?,'scheduled',0,?,?,?,?,?,'draft')");
  ins.bind(1, call.workspace)
      .bind(2, uid)
      .bind(3, title)
      .bind(4, opt_string(call.args, "description").value_or(""))
      .bind(5, format_local(t.start))
      .bind(6, format_local(t.end))
      .bind(7, format_time(t.start_utc))
      .bind(8, format_time(t.end_utc))
      .bind(9, place)
      .bind(10, video)
      .bind(11, Json(people).dump())
      .bind(12, Json(orgs).dump())
      .bind(13, call.caller.person)
      .bind(14, now)
      .bind(15, now)
      .run();
  auto m = load_meeting(ctx, ctx.last_insert_id());
  if (!m) return no_meeting();
  if (call.args.value("use_template", true)) apply_template(ctx, *m);
  sync_carry_over(ctx, *m);
  ctx.append_event(m->workspace, "agenda.meeting_scheduled", {{"meeting", meeting_json(*m)}}, subject_of(m->id));
  notify_invitees(ctx, *m, call.caller.person, "Nouvelle réunion", "New meeting");
  meeting_activity(ctx, *m, "Réunion planifiée : **" + m->title + "**, " + when_fr(*m) + ".",
                   "Meeting scheduled: **" + m->title + "**, " + when_en(*m) + ".");
  Json out = meeting_json(*m);
  out["items"] = items_json(ctx, m->id);
  return Result::ok({{"meeting", out}});
}

Result reschedule_meeting(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->status == "cancelled") return conflict("this meeting is cancelled", "cette réunion est annulée");
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::string title = m->title;
  if (call.args.contains("title")) {
    title = trim(call.args["title"].get<std::string>());
    if (title.empty()) return bad("args.title", "must not be blank", "ne doit pas être vide");
  }
  Times t;
  std::string start = call.args.value("start", m->start_local), end = call.args.value("end", m->end_local);
  if (auto err = parse_times(start, end, t)) return *err;
  std::optional<std::string> place = m->place, video = m->video_url;
  if (auto err = check_text_fields(call.args, place, video)) return *err;
  std::vector<std::int64_t> people = m->invited_people, orgs = m->invited_organisations;
  if (auto err = check_invitations(ctx, m->workspace, call.args, people, orgs)) return *err;
  std::string description = call.args.contains("description") ? opt_string(call.args, "description").value_or("") : m->description;
  auto& u = ctx.sql(
      "UPDATE agenda_meetings SET title = ?, description = ?, start_local = ?, end_local = ?, starts_at = ?, ends_at = ?, "
      "place = ?, video_url = ?, invited_people = ?, invited_organisations = ?, sequence = sequence + 1, updated_at = ? "
      "WHERE id = ?");
  u.bind(1, title)
      .bind(2, description)
      .bind(3, format_local(t.start))
      .bind(4, format_local(t.end))
      .bind(5, format_time(t.start_utc))
      .bind(6, format_time(t.end_utc))
      .bind(7, place)
      .bind(8, video)
      .bind(9, Json(people).dump())
      .bind(10, Json(orgs).dump())
      .bind(11, ctx.now_text())
      .bind(12, m->id)
      .run();
  m = load_meeting(ctx, m->id);
  ctx.append_event(m->workspace, "agenda.meeting_updated", {{"meeting", meeting_json(*m)}}, subject_of(m->id));
  notify_invitees(ctx, *m, call.caller.person, "Réunion modifiée", "Meeting changed");
  meeting_activity(ctx, *m, "Réunion modifiée : **" + m->title + "**, " + when_fr(*m) + ".",
                   "Meeting changed: **" + m->title + "**, " + when_en(*m) + ".");
  return Result::ok({{"meeting", meeting_json(*m)}});
}

Result cancel_meeting(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->status == "cancelled") return conflict("this meeting is already cancelled", "cette réunion est déjà annulée");
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::string reason = trim(call.args.at("reason").get<std::string>());
  if (reason.empty()) return bad("args.reason", "must not be blank", "ne doit pas être vide");
  auto& u = ctx.sql(
      "UPDATE agenda_meetings SET status = 'cancelled', cancel_reason = ?, sequence = sequence + 1, updated_at = ?, "
      "current_item = NULL, current_since = NULL WHERE id = ?");
  u.bind(1, reason).bind(2, ctx.now_text()).bind(3, m->id).run();
  m = load_meeting(ctx, m->id);
  ctx.append_event(m->workspace, "agenda.meeting_cancelled", {{"meeting", meeting_json(*m)}}, subject_of(m->id));
  notify_invitees(ctx, *m, call.caller.person, "Réunion annulée", "Meeting cancelled");
  meeting_activity(ctx, *m, "Réunion annulée : **" + m->title + "** (" + reason + ").",
                   "Meeting cancelled: **" + m->title + "** (" + reason + ").");
  return Result::ok({{"meeting", meeting_json(*m)}});
}

Result list_meetings(Context& ctx, const Call& call) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM agenda_meetings WHERE workspace_id = ? ORDER BY starts_at DESC, id DESC LIMIT 500");
  q.bind(1, call.workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json out = Json::array();
  for (auto id : ids)
    if (auto m = load_meeting(ctx, id)) out.push_back(meeting_json(*m));
  return Result::ok({{"meetings", out}});
}

Result get_meeting(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  Json out = meeting_json(*m);
  out["when_fr"] = when_fr(*m);
  out["items"] = items_json(ctx, m->id);
  out["decisions"] = decisions_where(ctx, "meeting_id", m->id);
  out["actions"] = actions_where(ctx, "meeting_id", m->id);
  out["carry_over_actions"] = open_actions_before(ctx, m->workspace, m->starts_at);
  out["attendance"] = attendance_json(ctx, m->id);
  Json orgs = Json::array();
  for (auto o : organisations_present(ctx, m->id)) orgs.push_back(o);
  out["organisations_present"] = orgs;
  out["quorum"] = quorum_json(ctx, *m);
  Json invitee_list = Json::array();
  for (auto p : invitees(ctx, *m)) invitee_list.push_back({{"person", p}, {"name", person_name(ctx, p)}});
  out["invitees"] = invitee_list;
  Json org_list = Json::array();
  for (auto o : workspace_organisations(ctx, m->workspace))
    org_list.push_back({{"organisation", o}, {"name", organisation_name(ctx, o).value_or("")}});
  out["workspace_organisations"] = org_list;
  out["now"] = ctx.now_text();
  return Result::ok({{"meeting", out}});
}

// --- Item handlers --------------------------------------------------------------------------

Result no_item() { return not_found("args.item", "no such agenda item", "point de l'ordre du jour introuvable"); }

Result add_item(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::string title = trim(call.args.at("title").get<std::string>());
  if (title.empty()) return bad("args.title", "must not be blank", "ne doit pas être vide");
  auto parent = opt_id(call.args, "parent");
  if (parent) {
    auto p = load_item(ctx, *parent);
    if (!p || p->meeting != m->id) return bad("args.parent", "not an item of this meeting", "n'est pas un point de cette réunion");
    if (p->parent) return bad("args.parent", "sub-items have no sub-items", "un sous-point n'a pas de sous-points");
  }
  auto person = opt_id(call.args, "presenter_person");
  auto org = opt_id(call.args, "presenter_organisation");
  if (person && org) return bad("args.presenter_organisation", "give a person or an organisation, not both", "indiquez une personne ou une organisation, pas les deux");
  if (auto r = check_person(ctx, m->workspace, person, "args.presenter_person"); !r.is_ok()) return r;
  if (auto r = check_organisation(ctx, org, "args.presenter_organisation"); !r.is_ok()) return r;
  Json links = call.args.value("links", Json::array());
  if (auto r = check_links(ctx, m->workspace, links); !r.is_ok()) return r;
  {
    auto& q = ctx.sql("SELECT COUNT(*) FROM agenda_items WHERE meeting_id = ?");
    q.bind(1, m->id);
    std::int64_t n = q.step() ? q.int64(0) : 0;
    q.reset();
    if (n >= kMaxItems) return conflict("an agenda has at most 100 items", "un ordre du jour a au plus 100 points");
  }
  auto& ins = ctx.sql(
      "INSERT INTO agenda_items(meeting_id, parent_id, position, title, description, kind, planned_minutes, "
      "presenter_person, presenter_organisation, links) VALUES (?,?,?,?,?,'item',?,?,?,?)");
  ins.bind(1, m->id)
      .bind(2, parent)
      .bind(3, std::int64_t{1} << 40)
      .bind(4, title)
      .bind(5, opt_string(call.args, "description").value_or(""))
      .bind(6, opt_id(call.args, "planned_minutes"))
      .bind(7, person)
      .bind(8, org)
      .bind(9, links.dump())
      .run();
  std::int64_t id = ctx.last_insert_id();
  std::int64_t position = call.args.value("position", std::int64_t{1} << 40);
  place_item(ctx, m->id, parent, id, position);
  items_changed(ctx, *m);
  auto it = load_item(ctx, id);
  return Result::ok({{"item", item_json(ctx, *it, "", parent ? 1 : 0)}, {"items", items_json(ctx, m->id)}});
}

Result update_item(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  if (call.args.contains("title")) {
    it->title = trim(call.args["title"].get<std::string>());
    if (it->title.empty()) return bad("args.title", "must not be blank", "ne doit pas être vide");
  }
  if (call.args.contains("description")) it->description = opt_string(call.args, "description").value_or("");
  if (call.args.contains("planned_minutes")) it->planned_minutes = opt_id(call.args, "planned_minutes");
  if (call.args.contains("presenter_person") || call.args.contains("presenter_organisation")) {
    it->presenter_person = opt_id(call.args, "presenter_person");
    it->presenter_organisation = opt_id(call.args, "presenter_organisation");
    if (it->presenter_person && it->presenter_organisation)
      return bad("args.presenter_organisation", "give a person or an organisation, not both", "indiquez une personne ou une organisation, pas les deux");
    if (auto r = check_person(ctx, m->workspace, it->presenter_person, "args.presenter_person"); !r.is_ok()) return r;
    if (auto r = check_organisation(ctx, it->presenter_organisation, "args.presenter_organisation"); !r.is_ok()) return r;
  }
  if (call.args.contains("links")) {
    if (auto r = check_links(ctx, m->workspace, call.args["links"]); !r.is_ok()) return r;
    it->links = call.args["links"];
  }
  auto& u = ctx.sql(
      "UPDATE agenda_items SET title = ?, description = ?, planned_minutes = ?, presenter_person = ?, "
      "presenter_organisation = ?, links = ? WHERE id = ?");
  u.bind(1, it->title).bind(2, it->description).bind(3, it->planned_minutes).bind(4, it->presenter_person)
      .bind(5, it->presenter_organisation).bind(6, it->links.dump()).bind(7, it->id).run();
  items_changed(ctx, *m);
  return Result::ok({{"items", items_json(ctx, m->id)}});
}

Result move_item(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  // Parents as plain ids, 0 for the top level (GCC 12 misreads optionals compared here).
  std::int64_t old_parent = it->parent.value_or(0);
  std::int64_t parent = call.args.contains("parent") ? call.args["parent"].get<std::int64_t>() : old_parent;
  if (parent != 0) {
    auto p = load_item(ctx, parent);
    if (!p || p->meeting != m->id || parent == it->id)
      return bad("args.parent", "not another item of this meeting", "n'est pas un autre point de cette réunion");
    if (p->parent) return bad("args.parent", "sub-items have no sub-items", "un sous-point n'a pas de sous-points");
    auto& q = ctx.sql("SELECT COUNT(*) FROM agenda_items WHERE parent_id = ?");
    q.bind(1, it->id);
    bool has_children = q.step() && q.int64(0) > 0;
    q.reset();
    if (has_children) return bad("args.parent", "an item with sub-items stays at the top level", "un point qui a des sous-points reste au premier niveau");
  }
  auto as_parent = [](std::int64_t id) { return id ? std::optional<std::int64_t>(id) : std::nullopt; };
  auto& u = ctx.sql("UPDATE agenda_items SET parent_id = NULLIF(?, 0) WHERE id = ?");
  u.bind(1, parent).bind(2, it->id).run();
  place_item(ctx, m->id, as_parent(parent), it->id, call.args.at("position").get<std::int64_t>());
  if (old_parent != parent) place_item(ctx, m->id, as_parent(old_parent), 0, 0);
  items_changed(ctx, *m);
  return Result::ok({{"items", items_json(ctx, m->id)}});
}

Result remove_item(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  for (const char* table : {"agenda_decisions", "agenda_actions"}) {
    auto& q = ctx.sql(std::string("SELECT COUNT(*) FROM ") + table + " WHERE item_id IN (SELECT id FROM agenda_items WHERE id = ?1 OR parent_id = ?1)");
    q.bind(1, it->id);
    bool used = q.step() && q.int64(0) > 0;
    q.reset();
    if (used) return conflict("this item has decisions or actions: remove them first", "ce point porte des décisions ou des actions : retirez-les d'abord");
  }
  if (m->current_item && (*m->current_item == it->id)) {
    auto& u = ctx.sql("UPDATE agenda_meetings SET current_item = NULL, current_since = NULL WHERE id = ?");
    u.bind(1, m->id).run();
  }
  auto& d = ctx.sql("DELETE FROM agenda_items WHERE id = ?1 OR parent_id = ?1");
  d.bind(1, it->id).run();
  place_item(ctx, m->id, it->parent, 0, 0);
  items_changed(ctx, *m);
  return Result::ok({{"items", items_json(ctx, m->id)}});
}

Result apply_template_op(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (auto r = if_published(*m); !r.is_ok()) return r;
  apply_template(ctx, *m);
  items_changed(ctx, *m);
  return Result::ok({{"items", items_json(ctx, m->id)}});
}

/// The owner moves the current item; the time on the previous one is added to it.
Result set_current(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->status == "cancelled") return conflict("this meeting is cancelled", "cette réunion est annulée");
  if (auto r = if_published(*m); !r.is_ok()) return r;
  auto next = opt_id(call.args, "item");
  if (next) {
    auto it = load_item(ctx, *next);
    if (!it || it->meeting != m->id) return bad("args.item", "not an item of this meeting", "n'est pas un point de cette réunion");
  }
  TimePoint now = ctx.now();
  std::string now_text = format_time(now);
  if (m->current_item && m->current_since) {
    if (auto since = parse_time(*m->current_since)) {
      auto spent = std::chrono::duration_cast<std::chrono::seconds>(now - *since).count();
      if (spent > 0) {
        auto& u = ctx.sql("UPDATE agenda_items SET spent_seconds = spent_seconds + ? WHERE id = ?");
        u.bind(1, static_cast<std::int64_t>(spent)).bind(2, *m->current_item).run();
      }
    }
  }
  auto& u = ctx.sql(
      "UPDATE agenda_meetings SET current_item = ?, current_since = ?, started_at = COALESCE(started_at, ?) WHERE id = ?");
  u.bind(1, next).bind(2, next ? std::optional<std::string>(now_text) : std::nullopt).bind(3, now_text).bind(4, m->id).run();
  Json spent = Json::object();
  for (auto& it : meeting_items(ctx, m->id)) spent[std::to_string(it.id)] = it.spent_seconds;
  Json data = {{"meeting", m->id}, {"item", nullable(next)}, {"since", next ? Json(now_text) : Json(nullptr)}, {"spent", spent}};
  ctx.append_event(m->workspace, "agenda.current", data, subject_of(m->id));
  if (auto now_m = load_meeting(ctx, m->id)) {
    std::string fr = "Fin du point en cours.", en = "End of the current item.";
    for (auto& it : items_json(ctx, m->id))
      if (next && it["id"] == *next) {
        std::string item = it["number"].get<std::string>() + ". " + it["title"].get<std::string>();
        fr = "Point en cours : **" + item + "**";
        en = "Current item: **" + item + "**";
      }
    meeting_activity(ctx, *now_m, fr, en);
  }
  return Result::ok(data);
}

// --- Attendance handlers --------------------------------------------------------------------

Result set_attendance(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::int64_t person = call.args.at("person");
  std::string status = call.args.at("status");
  if (ctx.role_of(person, m->workspace) == Role::none)
    return bad("args.person", "not a member of this workspace", "n'est pas membre de cet espace");
  auto proxy = opt_id(call.args, "proxy");
  if (status == "represented") {
    if (!proxy) return bad("args.proxy", "who holds the proxy is required", "indiquez à qui le pouvoir a été donné");
    if (*proxy == person) return bad("args.proxy", "a person cannot hold their own proxy", "une personne ne peut pas recevoir son propre pouvoir");
    if (ctx.role_of(*proxy, m->workspace) == Role::none)
      return bad("args.proxy", "not a member of this workspace", "n'est pas membre de cet espace");
  } else if (proxy) {
    return bad("args.proxy", "only for status represented", "seulement pour le statut représenté");
  }
  if (status == "unknown") {
    auto& d = ctx.sql("DELETE FROM agenda_attendance WHERE meeting_id = ? AND person_id = ?");
    d.bind(1, m->id).bind(2, person).run();
  } else {
    auto& q = ctx.sql(
        "INSERT INTO agenda_attendance(meeting_id, person_id, status, proxy_id) VALUES (?,?,?,?) "
        "ON CONFLICT(meeting_id, person_id) DO UPDATE SET status = excluded.status, proxy_id = excluded.proxy_id");
    q.bind(1, m->id).bind(2, person).bind(3, status).bind(4, proxy).run();
  }
  Json att = attendance_json(ctx, m->id);
  Json orgs = Json::array();
  for (auto o : organisations_present(ctx, m->id)) orgs.push_back(o);
  Json data = {{"meeting", m->id}, {"attendance", att}, {"organisations_present", orgs}, {"quorum", quorum_json(ctx, *m)}};
  ctx.append_event(m->workspace, "agenda.attendance", data, subject_of(m->id));
  return Result::ok(data);
}

Result set_organisation_presence(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::int64_t org = call.args.at("organisation");
  auto members = workspace_organisations(ctx, m->workspace);
  if (std::find(members.begin(), members.end(), org) == members.end())
    return bad("args.organisation", "not an organisation of this workspace", "n'est pas une organisation de cet espace");
  if (call.args.at("present").get<bool>()) {
    auto& q = ctx.sql("INSERT OR IGNORE INTO agenda_org_presence(meeting_id, organisation_id) VALUES (?,?)");
    q.bind(1, m->id).bind(2, org).run();
  } else {
    auto& q = ctx.sql("DELETE FROM agenda_org_presence WHERE meeting_id = ? AND organisation_id = ?");
    q.bind(1, m->id).bind(2, org).run();
  }
  Json orgs = Json::array();
  for (auto o : organisations_present(ctx, m->id)) orgs.push_back(o);
  Json data = {{"meeting", m->id}, {"attendance", attendance_json(ctx, m->id)}, {"organisations_present", orgs},
               {"quorum", quorum_json(ctx, *m)}};
  ctx.append_event(m->workspace, "agenda.attendance", data, subject_of(m->id));
  return Result::ok(data);
}

// --- Decision and action handlers -----------------------------------------------------------

Result add_decision(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::string text = trim(call.args.at("text").get<std::string>());
  if (text.empty()) return bad("args.text", "must not be blank", "ne doit pas être vide");
  auto& ins = ctx.sql(
      "INSERT INTO agenda_decisions(meeting_id, item_id, workspace_id, text, outcome, votes_for, votes_against, "
      "abstentions, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, m->id).bind(2, it->id).bind(3, m->workspace).bind(4, text).bind(5, call.args.at("outcome").get<std::string>())
      .bind(6, opt_id(call.args, "votes_for")).bind(7, opt_id(call.args, "votes_against"))
      .bind(8, opt_id(call.args, "abstentions")).bind(9, call.caller.person).bind(10, ctx.now_text()).run();
  std::int64_t id = ctx.last_insert_id();
  Json decision;
  for (auto& d : decisions_where(ctx, "item_id", it->id))
    if (d["id"] == id) decision = d;
  ctx.append_event(m->workspace, "agenda.decision_added", {{"decision", decision}}, subject_of(m->id));
  bool adopted = call.args.at("outcome") == "adopted";
  ctx.post_activity(
      m->workspace,
      Activity{.thread_key = meeting_thread(*m),
               .thread_title = "Réunion : " + m->title,
               .thread_title_en = "Meeting: " + m->title,
               .text = std::string(adopted ? "Décision adoptée" : "Décision rejetée") + " sur « " +
                       it->title + " » : " + text,
               .text_en = std::string(adopted ? "Decision adopted" : "Decision rejected") +
                          " on '" + it->title + "': " + text,
               .card = nullptr});
  return Result::ok({{"decision", decision}});
}

/// The shared note of an agenda item (notes plugin), created the first time: {note, href,
/// text}. The card's "open the notes" button; any member may take notes.
Result open_item_notes(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  Result listed = ctx.call("notes.list", {{"workspace", m->workspace}, {"agenda_item", it->id}});
  if (!listed.is_ok())
    return conflict("the notes plugin is not enabled in this workspace",
                    "le module de notes n'est pas activé dans cet espace");
  std::optional<std::int64_t> note;
  for (auto& n : listed.value().value("notes", Json::array()))
    if (!note && n.contains("id")) note = n["id"].get<std::int64_t>();
  bool created = !note;
  if (!note) {
    Result made =
        ctx.call("notes.create",
                 {{"workspace", m->workspace}, {"title", it->title}, {"agenda_item", it->id}});
    if (!made.is_ok()) return made;
    note = made.value()["note"]["id"].get<std::int64_t>();
  }
  bool en = call.caller.locale == "en";
  std::string text = en ? (created ? "Notes started for '" : "Notes of '") + it->title + "'."
                        : (created ? "Notes ouvertes pour « " : "Notes de « ") + it->title + " ».";
  return Result::ok(
      {{"note", *note},
       {"href", "/w/" + std::to_string(m->workspace) + "/p/notes?note=" + std::to_string(*note)},
       {"text", text}});
}

Result remove_decision(Context& ctx, const Call& call) {
  std::int64_t id = call.args.at("decision");
  auto& q = ctx.sql("SELECT meeting_id FROM agenda_decisions WHERE id = ?");
  q.bind(1, id);
  std::optional<std::int64_t> meeting;
  if (q.step()) meeting = q.int64(0);
  q.reset();
  if (!meeting) return not_found("args.decision", "no such decision", "décision introuvable");
  auto m = load_meeting(ctx, *meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  auto& d = ctx.sql("DELETE FROM agenda_decisions WHERE id = ?");
  d.bind(1, id).run();
  ctx.append_event(m->workspace, "agenda.decision_removed", {{"meeting", m->id}, {"decision", id}}, subject_of(m->id));
  return Result::ok({{"decision", id}});
}

Json action_by_id(Context& ctx, std::int64_t id) {
  Json list = actions_where(ctx, "id", id);
  return list.empty() ? Json(nullptr) : list[0];
}

Result add_action(Context& ctx, const Call& call) {
  auto it = load_item(ctx, call.args.at("item").get<std::int64_t>());
  if (!it) return no_item();
  auto m = load_meeting(ctx, it->meeting);
  if (auto r = if_published(*m); !r.is_ok()) return r;
  std::string what = trim(call.args.at("what").get<std::string>());
  if (what.empty()) return bad("args.what", "must not be blank", "ne doit pas être vide");
  auto person = opt_id(call.args, "owner_person");
  auto org = opt_id(call.args, "owner_organisation");
  if (!person && !org) return bad("args.owner_person", "an owner (person or organisation) is required", "indiquez un responsable (personne ou organisation)");
  if (person && org) return bad("args.owner_organisation", "give a person or an organisation, not both", "indiquez une personne ou une organisation, pas les deux");
  if (auto r = check_person(ctx, m->workspace, person, "args.owner_person"); !r.is_ok()) return r;
  if (auto r = check_organisation(ctx, org, "args.owner_organisation"); !r.is_ok()) return r;
  auto due = opt_string(call.args, "due");
  if (due && !valid_date(*due)) return bad("args.due", "must be a date YYYY-MM-DD", "doit être une date AAAA-MM-JJ");
  std::string now = ctx.now_text();
  auto& ins = ctx.sql(
      "INSERT INTO agenda_actions(workspace_id, meeting_id, item_id, what, owner_person, owner_organisation, due, status, "
      "created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,'open',?,?,?)");
  ins.bind(1, m->workspace).bind(2, m->id).bind(3, it->id).bind(4, what).bind(5, person).bind(6, org).bind(7, due)
      .bind(8, call.caller.person).bind(9, now).bind(10, now).run();
  Json action = action_by_id(ctx, ctx.last_insert_id());
  ctx.append_event(m->workspace, "agenda.action_changed", {{"action", action}}, subject_of(m->id));
  refresh_later_carry_overs(ctx, m->workspace, m->starts_at);
  return Result::ok({{"action", action}});
}

Result update_action(Context& ctx, const Call& call) {
  std::int64_t id = call.args.at("action");
  Json action = action_by_id(ctx, id);
  if (action.is_null()) return not_found("args.action", "no such action", "action introuvable");
  auto m = load_meeting(ctx, action["meeting"].get<std::int64_t>());
  // Once the minutes are published, only the follow-up (status, due date) still changes.
  if (call.args.contains("what") && m->minutes_state == "published")
    return conflict("the minutes are published: only the status and due date of an action change",
                    "le compte rendu est publié : seuls le statut et l'échéance d'une action changent");
  std::string what = action["what"];
  if (call.args.contains("what")) {
    what = trim(call.args["what"].get<std::string>());
    if (what.empty()) return bad("args.what", "must not be blank", "ne doit pas être vide");
  }
  // The due date as text, "" for none (a plain string: GCC 12 warns on optional<string> here).
  std::string due = action["due"].is_null() ? std::string() : action["due"].get<std::string>();
  if (call.args.contains("due")) {
    due = trim(call.args["due"].get<std::string>());
    if (!due.empty() && !valid_date(due)) return bad("args.due", "must be a date YYYY-MM-DD", "doit être une date AAAA-MM-JJ");
  }
  std::string status = call.args.value("status", action["status"].get<std::string>());
  auto& u = ctx.sql("UPDATE agenda_actions SET what = ?, due = NULLIF(?, ''), status = ?, updated_at = ? WHERE id = ?");
  u.bind(1, what).bind(2, due).bind(3, status).bind(4, ctx.now_text()).bind(5, id).run();
  action = action_by_id(ctx, id);
  ctx.append_event(m->workspace, "agenda.action_changed", {{"action", action}}, subject_of(m->id));
  refresh_later_carry_overs(ctx, m->workspace, m->starts_at);
  return Result::ok({{"action", action}});
}

Result workspace_actions(Context& ctx, const Call& call) {
  bool all = call.args.value("all", false);
  auto& q = ctx.sql(std::string(kActionColumns) + "WHERE a.workspace_id = ? " +
                    (all ? "" : "AND a.status IN ('open', 'in_progress') ") + "ORDER BY a.due IS NULL, a.due, a.id");
  q.bind(1, call.workspace);
  return Result::ok({{"actions", read_actions(ctx, q)}});
}

/// Open actions across every workspace the caller has a role in.
Result my_actions(Context& ctx, const Call& call) {
  std::vector<std::int64_t> workspaces;
  auto& q = ctx.sql("SELECT DISTINCT workspace_id FROM agenda_actions WHERE status IN ('open', 'in_progress')");
  while (q.step()) workspaces.push_back(q.int64(0));
  q.reset();
  Json out = Json::array();
  for (auto ws : workspaces) {
    if (ctx.role_of(call.caller.person, ws) == Role::none) continue;
    auto& a = ctx.sql(std::string(kActionColumns) + "WHERE a.workspace_id = ? AND a.status IN ('open', 'in_progress') ORDER BY a.due IS NULL, a.due, a.id");
    a.bind(1, ws);
    for (auto& row : read_actions(ctx, a)) {
      Json r = row;
      r["workspace_name"] = workspace_name(ctx, ws);
      out.push_back(r);
    }
  }
  return Result::ok({{"actions", out}});
}

// --- Minutes handlers -----------------------------------------------------------------------

Result get_minutes(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  return Result::ok(minutes_result(ctx, *m));
}

Result amend_minutes(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->minutes_state == "approved" || m->minutes_state == "published")
    return conflict("the minutes are approved: they can no longer be amended", "le compte rendu est approuvé : il ne peut plus être amendé");
  std::string text = trim(call.args.at("text").get<std::string>());
  if (text.empty()) return bad("args.text", "must not be blank", "ne doit pas être vide");
  auto& ins = ctx.sql("INSERT INTO agenda_amendments(meeting_id, author_id, text, created_at) VALUES (?,?,?,?)");
  ins.bind(1, m->id).bind(2, call.caller.person).bind(3, text).bind(4, ctx.now_text()).run();
  set_minutes_state(ctx, *m, "amended");
  minutes_event(ctx, *m);
  return Result::ok({{"meeting", m->id}, {"state", m->minutes_state}});
}

Result approve_minutes(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->status == "cancelled") return conflict("this meeting is cancelled", "cette réunion est annulée");
  if (m->minutes_state == "approved" || m->minutes_state == "published")
    return conflict("the minutes are already approved", "le compte rendu est déjà approuvé");
  set_minutes_state(ctx, *m, "approved");
  minutes_event(ctx, *m);
  return Result::ok({{"meeting", m->id}, {"state", m->minutes_state}});
}

Result reopen_minutes(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->minutes_state != "approved")
    return conflict("only approved minutes go back to amended", "seul un compte rendu approuvé peut revenir à l'état amendé");
  set_minutes_state(ctx, *m, "amended");
  minutes_event(ctx, *m);
  return Result::ok({{"meeting", m->id}, {"state", m->minutes_state}});
}

/// Freezes the minutes: the document and its Markdown are stored with the SHA-256 of the
/// Markdown; the meeting's agenda, attendance and decisions no longer change.
Result publish_minutes(Context& ctx, const Call& call) {
  auto m = load_meeting(ctx, call.args.at("meeting").get<std::int64_t>());
  if (!m) return no_meeting();
  if (m->minutes_state == "published") return conflict("the minutes are already published", "le compte rendu est déjà publié");
  if (m->minutes_state != "approved")
    return conflict("approve the minutes before publishing them", "approuvez le compte rendu avant de le publier");
  std::string now = ctx.now_text();
  m->minutes_state = "published";
  m->published_at = now;
  Json doc = assemble_minutes(ctx, *m);
  doc["state"] = "published";
  doc["state_fr"] = state_fr("published");
  doc["meeting"]["published_at"] = now;
  std::string md = render_minutes_markdown(doc);
  std::string hash = pacte::sha256_hex(md);
  doc["hash"] = hash;
  auto& ins = ctx.sql("INSERT OR REPLACE INTO agenda_minutes(meeting_id, document, markdown, hash, published_at, published_by) VALUES (?,?,?,?,?,?)");
  ins.bind(1, m->id).bind(2, doc.dump()).bind(3, md).bind(4, hash).bind(5, now).bind(6, call.caller.person).run();
  auto& u = ctx.sql("UPDATE agenda_meetings SET minutes_state = 'published', minutes_hash = ?, published_at = ?, current_item = NULL, current_since = NULL WHERE id = ?");
  u.bind(1, hash).bind(2, now).bind(3, m->id).run();
  m->minutes_hash = hash;
  minutes_event(ctx, *m);
  // The partners learn that the minutes are out (in their digest, not at once).
  for (auto person : invitees(ctx, *m)) {
    if (person == call.caller.person) continue;
    pacte::Notification n;
    n.kind = "meeting";
    n.workspace = m->workspace;
    n.title_fr = "Compte rendu publié : " + m->title;
    n.title_en = "Minutes published: " + m->title;
    n.body_fr = "Le compte rendu de la réunion du " + when_fr(*m) + " est publié (empreinte SHA-256 " + hash.substr(0, 16) + "…).";
    n.body_en = "The minutes of the meeting of " + m->start_local + " are published (SHA-256 " + hash.substr(0, 16) + "…).";
    n.link = "/w/" + std::to_string(m->workspace) + "/p/agenda?meeting=" + std::to_string(m->id);
    ctx.notify(person, n);
  }
  return Result::ok({{"meeting", m->id}, {"state", "published"}, {"hash", hash}, {"published_at", now}});
}

// --- Feeds ----------------------------------------------------------------------------------

Result create_feed(Context& ctx, const Call& call) {
  std::string token = random_hex(32);
  std::string label = opt_string(call.args, "label").value_or("");
  auto& ins = ctx.sql("INSERT INTO agenda_feeds(person_id, token_hash, label, hint, created_at) VALUES (?,?,?,?,?)");
  ins.bind(1, call.caller.person).bind(2, pacte::sha256_hex(token)).bind(3, label).bind(4, token.substr(0, 6))
      .bind(5, ctx.now_text()).run();
  std::int64_t id = ctx.last_insert_id();
  return Result::ok({{"feed", {{"id", id}, {"label", label}, {"hint", token.substr(0, 6)}, {"created_at", ctx.now_text()}}},
                     {"token", token},
                     {"path", "/p/agenda/feed/" + token + ".ics"}});
}

Result list_feeds(Context& ctx, const Call& call) {
  auto& q = ctx.sql("SELECT id, label, hint, created_at, last_used_at FROM agenda_feeds WHERE person_id = ? AND revoked_at IS NULL ORDER BY id");
  q.bind(1, call.caller.person);
  Json out = Json::array();
  while (q.step())
    out.push_back({{"id", q.int64(0)}, {"label", q.text(1)}, {"hint", q.text(2)}, {"created_at", q.text(3)},
                   {"last_used_at", nullable(q.opt_text(4))}});
  q.reset();
  return Result::ok({{"feeds", out}});
}

Result revoke_feed(Context& ctx, const Call& call) {
  auto& u = ctx.sql("UPDATE agenda_feeds SET revoked_at = ? WHERE id = ? AND person_id = ? AND revoked_at IS NULL");
  u.bind(1, ctx.now_text()).bind(2, call.args.at("feed").get<std::int64_t>()).bind(3, call.caller.person).run();
  if (ctx.changes() == 0) return not_found("args.feed", "no such feed", "abonnement introuvable");
  return Result::ok({{"feed", call.args.at("feed")}});
}

// --- Cadence --------------------------------------------------------------------------------

/// Every committee instance with a cadence, from the core's workspaces and the pact's
/// committee kinds (their `cadence` objects) and workspaces (their `centre`/`theme`).
std::vector<CadenceInstance> cadence_instances(Context& ctx, int& start_month) {
  struct Row {
    std::int64_t id;
    std::string key, name, kind, label, definition, pact_key;
  };
  std::vector<Row> rows;
  auto& q = ctx.sql(
      "SELECT w.id, w.key, w.name, w.kind, ck.label, ck.definition, p.key FROM workspaces w "
      "JOIN committee_kinds ck ON ck.pact_id = w.pact_id AND ck.key = w.kind JOIN pacts p ON p.id = w.pact_id "
      "WHERE w.archived = 0 ORDER BY ck.position, w.id");
  while (q.step()) rows.push_back({q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6)});
  q.reset();
  std::map<std::string, Json> governance, settings;
  std::vector<CadenceInstance> out;
  start_month = 1;
  for (auto& r : rows) {
    Json def = Json::parse(r.definition, nullptr, false);
    if (!def.is_object() || !def.contains("cadence") || !def["cadence"].is_object()) continue;
    const Json& c = def["cadence"];
    if (!governance.count(r.pact_key)) {
      auto& g = ctx.sql("SELECT governance FROM pacts WHERE key = ?");
      g.bind(1, r.pact_key);
      governance[r.pact_key] = g.step() ? Json::parse(g.text(0), nullptr, false) : Json(nullptr);
      g.reset();
      auto& s = ctx.sql("SELECT config FROM agenda_settings WHERE pact_key = ?");
      s.bind(1, r.pact_key);
      settings[r.pact_key] = s.step() ? Json::parse(s.text(0), nullptr, false) : Json::object();
      s.reset();
    }
    CadenceInstance inst;
    inst.workspace = r.id;
    inst.key = r.key;
    inst.name = r.name;
    inst.kind = r.kind;
    inst.kind_label = r.label;
    inst.min = c.value("min", 0);
    if (c.contains("max") && c["max"].is_number_integer()) inst.max = c["max"].get<int>();
    if (c.contains("before") && c["before"].is_string()) inst.before = c["before"];
    const Json& gov = governance[r.pact_key];
    if (gov.is_object() && gov.contains("workspaces"))
      for (auto& w : gov["workspaces"])
        if (w.value("key", "") == r.key) {
          inst.centre = w.value("centre", "");
          inst.theme = w.value("theme", "");
        }
    const Json& st = settings[r.pact_key];
    if (st.is_object() && st.contains("cadence") && st["cadence"].is_object()) {
      const Json& cs = st["cadence"];
      start_month = cs.value("year_start_month", 1);
      if (cs.contains("remind_by") && cs["remind_by"].is_object()) inst.remind_by = cs["remind_by"].value(r.kind, "");
    }
    out.push_back(std::move(inst));
  }
  return out;
}

std::vector<CadenceMeeting> cadence_meetings(Context& ctx) {
  std::vector<CadenceMeeting> out;
  auto& q = ctx.sql("SELECT id, workspace_id, title, starts_at, status FROM agenda_meetings");
  while (q.step()) {
    auto t = parse_time(q.text(3));
    if (!t) continue;
    out.push_back({q.int64(0), q.int64(1), q.text(2), *t, q.text(4) == "cancelled"});
  }
  q.reset();
  return out;
}


Result cadence_dashboard(Context& ctx, const Call& call) {
  int start_month = 1;
  auto instances = cadence_instances(ctx, start_month);
  int year = call.args.value("year", 0);
  if (year == 0) {
    auto local = utc_to_paris(ctx.now());
    year = local.month >= start_month ? local.year : local.year - 1;
  }
  // The whole pact's instances take part (the ordering constraint spans two workspaces);
  // only those the caller sees are returned.
  Json rows = compute_cadence({year, start_month}, ctx.now(), instances, cadence_meetings(ctx));
  auto only = opt_id(call.args, "workspace");
  Json out = Json::array();
  for (auto& row : rows) {
    std::int64_t ws = row["workspace"];
    if (only && ws != *only) continue;
    if (ctx.role_of(call.caller.person, ws) == Role::none) continue;
    auto& q = ctx.sql("SELECT 1 FROM agenda_reminders WHERE workspace_id = ? AND year = ?");
    q.bind(1, ws).bind(2, year);
    row["reminded"] = q.step();
    q.reset();
    out.push_back(row);
  }
  return Result::ok({{"year", year}, {"year_start_month", start_month}, {"now", ctx.now_text()}, {"workspaces", out}});
}

/// Timer body: reminds the conveners (workspace owners) of each instance whose required
/// meetings are not all held or scheduled once its `remind_by` date has passed. Once per
/// instance and year.
void remind_cadence(Context& ctx) {
  int start_month = 1;
  auto instances = cadence_instances(ctx, start_month);
  if (instances.empty()) return;
  auto local = utc_to_paris(ctx.now());
  int year = local.month >= start_month ? local.year : local.year - 1;
  Json rows = compute_cadence({year, start_month}, ctx.now(), instances, cadence_meetings(ctx));
  for (auto& row : rows) {
    if (!row.value("late_to_schedule", false) || !row["remind_at"].is_string()) continue;
    std::int64_t ws = row["workspace"];
    // Only deadlines that passed while the pact was here (a pact imported in November
    // does not remind of every deadline of the year at once), and where the plugin is on.
    auto& s = ctx.sql(
        "SELECT s.imported_at, COALESCE(wp.enabled, 0) FROM workspaces w JOIN pacts p ON p.id = w.pact_id "
        "JOIN agenda_settings s ON s.pact_key = p.key "
        "LEFT JOIN workspace_plugins wp ON wp.workspace_id = w.id AND wp.plugin = 'agenda' WHERE w.id = ?");
    s.bind(1, ws);
    bool due = s.step() && s.text(0) <= row["remind_at"].get<std::string>() && s.int64(1) != 0;
    s.reset();
    if (!due) continue;
    // Only committees that keep their meetings here: one recorded this year or last year.
    // A committee never recorded in Pacte shows as missing on the dashboard but is not
    // sent reminders it would take for noise.
    auto& used = ctx.sql("SELECT 1 FROM agenda_meetings WHERE workspace_id = ? AND starts_at >= ? LIMIT 1");
    used.bind(1, ws).bind(2, format_time(year_bounds({year - 1, start_month}).first));
    bool in_use = used.step();
    used.reset();
    if (!in_use) continue;
    auto& q = ctx.sql("INSERT OR IGNORE INTO agenda_reminders(workspace_id, year, sent_at) VALUES (?,?,?)");
    q.bind(1, ws).bind(2, year).bind(3, ctx.now_text()).run();
    if (ctx.changes() == 0) continue;  // already reminded this year
    int missing = row["missing"];
    for (auto& mem : ctx.members(ws)) {
      if (mem.role != Role::owner) continue;
      pacte::Notification n;
      n.kind = "cadence";
      n.workspace = ws;
      n.title_fr = "Réunion à programmer : " + row["name"].get<std::string>();
      n.title_en = "Meeting to schedule: " + row["name"].get<std::string>();
      n.body_fr = "Le pacte prévoit au moins " + std::to_string(row["required"].get<int>()) + " réunion(s) en " +
                  std::to_string(year) + " ; il en manque " + std::to_string(missing) + " (ni tenue ni programmée).";
      n.body_en = "The pact requires at least " + std::to_string(row["required"].get<int>()) + " meeting(s) in " +
                  std::to_string(year) + "; " + std::to_string(missing) + " still missing (neither held nor scheduled).";
      n.link = "/w/" + std::to_string(ws) + "/p/agenda?cadence=" + std::to_string(year);
      n.immediate = true;
      ctx.notify(mem.person, n);
    }
  }
}

// --- Resources ------------------------------------------------------------------------------

/// "12.ics" -> 12 when the suffix matches.
std::optional<std::int64_t> id_with_suffix(const std::string& rest, std::string_view suffix) {
  if (rest.size() <= suffix.size() || rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0) return std::nullopt;
  std::string digits = rest.substr(0, rest.size() - suffix.size());
  if (digits.empty() || digits.size() > 15) return std::nullopt;
  for (char c : digits)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoll(digits);
}

Result resource_not_found() { return Result::fail(ErrorCode::not_found, "no such meeting", "réunion introuvable"); }

std::optional<Meeting> visible_meeting(Context& ctx, const pacte::ResourceRequest& req, std::optional<std::int64_t> id) {
  if (!id || req.caller.person == 0) return std::nullopt;
  auto m = load_meeting(ctx, *id);
  if (!m || ctx.role_of(req.caller.person, m->workspace) == Role::none) return std::nullopt;
  return m;
}

Result meeting_resource(Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) {
  auto m = visible_meeting(ctx, req, id_with_suffix(req.rest, ".ics"));
  if (!m) return resource_not_found();
  out.content_type = "text/calendar; charset=utf-8";
  out.body = calendar_of(ctx, {*m}, {});
  out.filename = "reunion-" + std::to_string(m->id) + ".ics";
  return Result::ok();
}

Result feed_resource(Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) {
  std::string token = req.rest;
  if (token.size() > 4 && token.compare(token.size() - 4, 4, ".ics") == 0) token.resize(token.size() - 4);
  if (token.size() != 64) return Result::fail(ErrorCode::not_found, "no such feed", "abonnement introuvable");
  auto& q = ctx.sql("SELECT id, person_id FROM agenda_feeds WHERE token_hash = ? AND revoked_at IS NULL");
  q.bind(1, pacte::sha256_hex(token));
  std::optional<std::pair<std::int64_t, std::int64_t>> feed;
  if (q.step()) feed = std::make_pair(q.int64(0), q.int64(1));
  q.reset();
  if (!feed) return Result::fail(ErrorCode::not_found, "no such feed", "abonnement introuvable");
  auto& u = ctx.sql("UPDATE agenda_feeds SET last_used_at = ? WHERE id = ?");
  u.bind(1, ctx.now_text()).bind(2, feed->first).run();
  std::string since = format_time(ctx.now() - std::chrono::hours(24 * kFeedPastDays));
  std::vector<std::int64_t> ids;
  auto& m = ctx.sql("SELECT id, workspace_id FROM agenda_meetings WHERE ends_at >= ? ORDER BY starts_at, id");
  m.bind(1, since);
  std::vector<std::pair<std::int64_t, std::int64_t>> rows;
  while (m.step()) rows.push_back({m.int64(0), m.int64(1)});
  m.reset();
  std::map<std::int64_t, bool> sees;
  std::vector<Meeting> meetings;
  for (auto& [id, ws] : rows) {
    if (!sees.count(ws)) sees[ws] = ctx.role_of(feed->second, ws) != Role::none;
    if (!sees[ws]) continue;
    if (auto mt = load_meeting(ctx, id)) meetings.push_back(*mt);
  }
  out.content_type = "text/calendar; charset=utf-8";
  out.body = calendar_of(ctx, meetings, "Pacte — mes réunions");
  return Result::ok();
}

Result minutes_resource(Context& ctx, const pacte::ResourceRequest& req, pacte::Resource& out) {
  bool html = id_with_suffix(req.rest, ".html").has_value();
  auto m = visible_meeting(ctx, req, html ? id_with_suffix(req.rest, ".html") : id_with_suffix(req.rest, ".md"));
  if (!m) return resource_not_found();
  std::string base = "compte-rendu-" + std::to_string(m->id);
  if (html) {
    Json doc = minutes_doc(ctx, *m);
    if (m->minutes_hash) doc["hash"] = *m->minutes_hash;
    out.content_type = "text/html; charset=utf-8";
    out.body = render_minutes_html(doc);
  } else {
    out.content_type = "text/markdown; charset=utf-8";
    out.body = minutes_markdown(ctx, *m);
    out.filename = base + ".md";
  }
  return Result::ok();
}

// --- Scopes ---------------------------------------------------------------------------------

pacte::ScopeResolver scope_of(const char* sql) {
  return [sql](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
    auto& q = ctx.sql(sql);
    q.bind(1, id);
    std::optional<std::int64_t> ws;
    if (q.step()) ws = q.int64(0);
    q.reset();
    return ws;
  };
}

}  // namespace

std::string AgendaPlugin::name() const { return "agenda"; }
std::string AgendaPlugin::version() const { return PACTE_AGENDA_VERSION; }
std::string AgendaPlugin::title_fr() const { return "Réunions"; }
std::string AgendaPlugin::title_en() const { return "Meetings"; }

std::vector<pacte::Migration> AgendaPlugin::migrations() const {
  return {{1, R"SQL(
CREATE TABLE agenda_settings (
  pact_key TEXT PRIMARY KEY,             -- the pact file's "plugins"."agenda" section
  config TEXT NOT NULL,
  imported_at TEXT NOT NULL              -- reminders only for deadlines after this
);
CREATE TABLE agenda_meetings (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  uid TEXT NOT NULL UNIQUE,              -- iCalendar UID, stable for the meeting's life
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  start_local TEXT NOT NULL,             -- Europe/Paris wall clock, YYYY-MM-DDTHH:MM
  end_local TEXT NOT NULL,
  starts_at TEXT NOT NULL,               -- the same instants in RFC 3339 UTC
  ends_at TEXT NOT NULL,
  place TEXT,
  video_url TEXT,
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
  cancel_reason TEXT,
  sequence INTEGER NOT NULL DEFAULT 0,   -- iCalendar SEQUENCE, bumped on each change
  invited_people TEXT NOT NULL,          -- JSON array of person ids
  invited_organisations TEXT NOT NULL,   -- JSON array of organisation ids
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  current_item INTEGER,
  current_since TEXT,
  started_at TEXT,
  minutes_state TEXT NOT NULL CHECK (minutes_state IN ('draft', 'amended', 'approved', 'published')),
  minutes_hash TEXT,
  published_at TEXT
);
CREATE INDEX agenda_meetings_workspace ON agenda_meetings(workspace_id, starts_at);
CREATE TABLE agenda_items (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  parent_id INTEGER REFERENCES agenda_items(id),
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL,                    -- item | template | carry_over
  planned_minutes INTEGER,
  presenter_person INTEGER,
  presenter_organisation INTEGER,
  links TEXT NOT NULL DEFAULT '[]',      -- JSON [{kind: thread|document|url, ref, label}]
  spent_seconds INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, parent_id, position);
CREATE TABLE agenda_attendance (
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  person_id INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('present', 'excused', 'absent', 'represented')),
  proxy_id INTEGER,                      -- "a donné pouvoir à"
  PRIMARY KEY (meeting_id, person_id)
) WITHOUT ROWID;
CREATE TABLE agenda_org_presence (
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  organisation_id INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, organisation_id)
) WITHOUT ROWID;
CREATE TABLE agenda_decisions (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  item_id INTEGER NOT NULL REFERENCES agenda_items(id),
  workspace_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('adopted', 'rejected')),
  votes_for INTEGER,
  votes_against INTEGER,
  abstentions INTEGER,
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX agenda_decisions_meeting ON agenda_decisions(meeting_id);
CREATE TABLE agenda_actions (
  id INTEGER PRIMARY KEY,
  workspace_id INTEGER NOT NULL,
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  item_id INTEGER NOT NULL REFERENCES agenda_items(id),
  what TEXT NOT NULL,
  owner_person INTEGER,
  owner_organisation INTEGER,
  due TEXT,                              -- YYYY-MM-DD
  status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
  created_by INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX agenda_actions_workspace ON agenda_actions(workspace_id, status);
CREATE TABLE agenda_amendments (
  id INTEGER PRIMARY KEY,
  meeting_id INTEGER NOT NULL REFERENCES agenda_meetings(id),
  author_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE agenda_minutes (
  meeting_id INTEGER PRIMARY KEY REFERENCES agenda_meetings(id),
  document TEXT NOT NULL,                -- the frozen minutes (JSON)
  markdown TEXT NOT NULL,                -- its Markdown; hash = SHA-256 of these bytes
  hash TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by INTEGER NOT NULL
);
CREATE TABLE agenda_feeds (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,       -- SHA-256 of the secret; the secret itself is not stored
  label TEXT NOT NULL DEFAULT '',
  hint TEXT NOT NULL,                    -- the secret's first characters, to tell feeds apart
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE TABLE agenda_reminders (
  workspace_id INTEGER NOT NULL,
  year INTEGER NOT NULL,
  sent_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, year)
) WITHOUT ROWID;
)SQL"}};
}

// --- Slash commands (issue 12) ----------------------------------------------------------------

/// The next meeting of the workspace that has not ended (not cancelled), if any.
std::optional<Meeting> next_meeting(Context& ctx, std::int64_t ws) {
  auto& q = ctx.sql("SELECT id FROM agenda_meetings WHERE workspace_id = ? AND status = 'scheduled' AND ends_at >= ? "
                    "ORDER BY starts_at, id LIMIT 1");
  q.bind(1, ws).bind(2, ctx.now_text());
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  if (!id) return std::nullopt;
  return load_meeting(ctx, *id);
}

Result no_next_meeting(const Call& call) {
  bool en = call.caller.locale == "en";
  return Result::ok({{"visibility", "ephemeral"},
                     {"text", en ? "No meeting is planned in this workspace." : "Aucune réunion n'est prévue dans cet espace."}});
}

/// The meeting in progress: started (or starting within the hour) and not ended.
std::optional<Meeting> meeting_in_progress(Context& ctx, std::int64_t ws) {
  auto& q = ctx.sql(
      "SELECT id FROM agenda_meetings WHERE workspace_id = ? AND status = 'scheduled' "
      "AND ends_at >= ?2 AND (started_at IS NOT NULL OR starts_at <= ?3) ORDER BY starts_at LIMIT "
      "1");
  q.bind(1, ws).bind(2, ctx.now_text()).bind(3, format_time(ctx.now() + std::chrono::hours(1)));
  std::optional<std::int64_t> id;
  if (q.step()) id = q.int64(0);
  q.reset();
  if (!id) return std::nullopt;
  return load_meeting(ctx, *id);
}

Result not_in_progress() {
  return Result::fail(ErrorCode::conflict, "no meeting is in progress",
                      "aucune réunion n'est en cours");
}

static void register_commands(pacte::Registrar& r) {
  r.add_command({.command = "agenda", .sub = "next", .args = {},
                 .help_fr = "Affiche la prochaine réunion de l'espace", .help_en = "Shows the workspace's next meeting",
                 .rule = Rule::observer,
                 .run = [](Context& ctx, const Call& call, const Json&) {
                   auto m = next_meeting(ctx, call.workspace);
                   if (!m) return no_next_meeting(call);
                   bool en = call.caller.locale == "en";
                   std::string text = (en ? "Next meeting: **" : "Prochaine réunion : **") +
                                      m->title + "**, " + (en ? when_en(*m) : when_fr(*m));
                   if (m->place) text += " — " + *m->place;
                   return Result::ok({{"visibility", "ephemeral"}, {"text", text}, {"card", meeting_card(ctx, *m)}});
                 }});
  r.add_command({.command = "agenda", .sub = "add",
                 .args = {{.name = "titre", .type = "word", .choices = {}, .optional = false,
                           .help_fr = "Intitulé du point (entre guillemets s'il a des espaces)", .help_en = "Item title (quoted if it has spaces)"},
                          {.name = "durée", .type = "duration", .choices = {}, .optional = true,
                           .help_fr = "Durée prévue, ex. 20min", .help_en = "Planned duration, e.g. 20min"}},
                 .help_fr = "Ajoute un point à l'ordre du jour de la prochaine réunion",
                 .help_en = "Adds an item to the next meeting's agenda",
                 .rule = Rule::owner,
                 .run = [](Context& ctx, const Call& call, const Json& parsed) {
                   auto m = next_meeting(ctx, call.workspace);
                   if (!m) return no_next_meeting(call);
                   Json args = {{"meeting", m->id}, {"title", parsed["titre"]}};
                   if (parsed.contains("durée")) args["planned_minutes"] = parsed["durée"];
                   Result added = ctx.call("agenda.add_item", args);
                   if (!added.is_ok()) return added;
                   std::string number;
                   Json items = added.value()["items"];
                   for (auto& it : items)
                     if (it["id"] == added.value()["item"]["id"]) number = it["number"].get<std::string>();
                   std::string item =
                       "**" + number + ". " + parsed["titre"].get<std::string>() + "**";
                   if (parsed.contains("durée"))
                     item += " (" + std::to_string(parsed["durée"].get<int>()) + " min)";
                   std::string fr = "Point ajouté à « " + m->title + " » : " + item;
                   std::string en = "Item added to '" + m->title + "': " + item;
                   return Result::ok({{"visibility", "thread"},
                                      {"text", call.caller.locale == "en" ? en : fr},
                                      {"text_fr", fr},
                                      {"text_en", en},
                                      {"thread_key", meeting_thread(*m)},
                                      {"thread_title", "Réunion : " + m->title},
                                      {"thread_title_en", "Meeting: " + m->title}});
                 }});
  r.add_command(
      {.command = "agenda",
       .sub = "current",
       .args = {{.name = "n",
                 .type = "integer",
                 .choices = {},
                 .optional = true,
                 .help_fr = "Numéro du point (sans numéro : le point suivant)",
                 .help_en = "Item number (none: the next item)"}},
       .help_fr = "Passe au point n (ou au suivant) de la réunion en cours",
       .help_en = "Moves the meeting in progress to item n (or the next one)",
       .rule = Rule::owner,
       .run = [](Context& ctx, const Call& call, const Json& parsed) {
         auto m = meeting_in_progress(ctx, call.workspace);
         if (!m) return not_in_progress();
         bool en = call.caller.locale == "en";
         Json items = items_json(ctx, m->id);
         std::optional<std::size_t> pick;
         std::string wanted;
         if (parsed.contains("n")) {
           wanted = std::to_string(parsed["n"].get<std::int64_t>());
           for (std::size_t i = 0; i < items.size(); ++i)
             if (items[i]["number"] == wanted) pick = i;
         } else {
           std::size_t next = 0;
           for (std::size_t i = 0; i < items.size(); ++i)
             if (m->current_item && items[i]["id"] == *m->current_item) next = i + 1;
           if (next < items.size()) pick = next;
         }
         if (!pick) {
           if (!parsed.contains("n"))
             return Result::fail(ErrorCode::conflict,
                                 "/agenda current: the meeting is at its last item",
                                 "/agenda current : la réunion est à son dernier point");
           return Result::fail(
               ErrorCode::bad_request, "/agenda current: no item " + wanted + " in this meeting",
               "/agenda current : pas de point " + wanted + " dans cette réunion", "args.text");
         }
         const Json& it = items[*pick];
         Result set = ctx.call("agenda.set_current", {{"meeting", m->id}, {"item", it["id"]}});
         if (!set.is_ok()) return set;
         return Result::ok({{"visibility", "ephemeral"},
                            {"text", (en ? "Current item: " : "Point en cours : ") +
                                         it["number"].get<std::string>() + ". " +
                                         it["title"].get<std::string>()}});
       }});
  r.add_command(
      {.command = "agenda",
       .sub = "schedule",
       .args = {{.name = "date",
                 .type = "date",
                 .choices = {},
                 .optional = false,
                 .help_fr = "Jour de la réunion, ex. 12/03/2026, jeudi",
                 .help_en = "Day of the meeting, e.g. 12/03/2026, thursday"},
                {.name = "heure",
                 .type = "word",
                 .choices = {},
                 .optional = false,
                 .help_fr = "Heure de début, ex. 14h, 9h30, 14:00",
                 .help_en = "Start time, e.g. 14h, 9h30, 14:00"},
                {.name = "durée",
                 .type = "duration",
                 .choices = {},
                 .optional = false,
                 .help_fr = "Durée, ex. 2h",
                 .help_en = "Duration, e.g. 2h"},
                {.name = "titre",
                 .type = "rest",
                 .choices = {},
                 .optional = false,
                 .help_fr = "Intitulé de la réunion",
                 .help_en = "Title of the meeting"}},
       .help_fr = "Planifie une réunion de l'espace (heure de Paris)",
       .help_en = "Schedules a meeting of the workspace (Paris time)",
       .rule = Rule::owner,
       .run = [](Context& ctx, const Call& call, const Json& parsed) {
         static const std::regex time_re(R"(^(\d{1,2})(?:[hH:](\d{2})?)$)");
         std::string typed = parsed["heure"].get<std::string>();
         std::smatch tm;
         int hour = -1, minute = 0;
         if (std::regex_match(typed, tm, time_re)) {
           hour = std::stoi(tm[1]);
           minute = tm[2].matched ? std::stoi(tm[2]) : 0;
         }
         if (hour < 0 || hour > 23 || minute > 59)
           return Result::fail(
               ErrorCode::bad_request,
               "/agenda schedule: 'heure': give a time such as 14h, 9h30 or 14:00",
               "/agenda schedule : « heure » : donnez une heure comme 14h, 9h30 ou 14:00",
               "args.text");
         using namespace std::chrono;
         std::string day = parsed["date"].get<std::string>();
         year_month_day ymd{year{std::stoi(day.substr(0, 4))},
                            month{static_cast<unsigned>(std::stoi(day.substr(5, 2)))},
                            std::chrono::day{static_cast<unsigned>(std::stoi(day.substr(8, 2)))}};
         auto start = sys_days{ymd} + hours{hour} + minutes{minute};
         auto end = start + minutes{parsed["durée"].get<int>()};
         auto local = [](sys_time<minutes> t) {
           auto d = floor<days>(t);
           year_month_day y{d};
           hh_mm_ss hm{t - d};
           char buf[32];
           std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d", static_cast<int>(y.year()),
                         static_cast<unsigned>(y.month()), static_cast<unsigned>(y.day()),
                         static_cast<int>(hm.hours().count()),
                         static_cast<int>(hm.minutes().count()));
           return std::string(buf);
         };
         Result made = ctx.call("agenda.schedule", {{"workspace", call.workspace},
                                                    {"title", parsed["titre"]},
                                                    {"start", local(start)},
                                                    {"end", local(end)}});
         if (!made.is_ok()) return made;
         auto m = load_meeting(ctx, made.value()["meeting"]["id"].get<std::int64_t>());
         bool en = call.caller.locale == "en";
         std::string text = (en ? "Meeting scheduled: **" : "Réunion planifiée : **") + m->title +
                            "**, " + (en ? when_en(*m) : when_fr(*m)) + ".";
         return Result::ok(
             {{"visibility", "ephemeral"}, {"text", text}, {"card", meeting_card(ctx, *m)}});
       }});
  r.add_command(
      {.command = "agenda",
       .sub = "decide",
       .args = {{.name = "texte",
                 .type = "rest",
                 .choices = {},
                 .optional = false,
                 .help_fr = "La décision prise",
                 .help_en = "The decision taken"}},
       .help_fr = "Consigne une décision adoptée sur le point en cours",
       .help_en = "Records a decision adopted on the current item",
       .rule = Rule::member,
       .run = [](Context& ctx, const Call& call, const Json& parsed) {
         auto m = meeting_in_progress(ctx, call.workspace);
         if (!m) return not_in_progress();
         if (!m->current_item)
           return Result::fail(
               ErrorCode::conflict, "/agenda decide: no item is current; use /agenda current first",
               "/agenda decide : aucun point n'est en cours ; utilisez d'abord /agenda current");
         Result done = ctx.call(
             "agenda.add_decision",
             {{"item", *m->current_item}, {"text", parsed["texte"]}, {"outcome", "adopted"}});
         if (!done.is_ok()) return done;
         bool en = call.caller.locale == "en";
         return Result::ok({{"visibility", "ephemeral"},
                            {"text", (en ? "Decision recorded: " : "Décision consignée : ") +
                                         parsed["texte"].get<std::string>()}});
       }});
}

void AgendaPlugin::register_operations(pacte::Registrar& r) {
  register_commands(r);
  r.add_scope("meeting", scope_of("SELECT workspace_id FROM agenda_meetings WHERE id = ?"));
  r.add_scope("item", scope_of("SELECT m.workspace_id FROM agenda_items i JOIN agenda_meetings m ON m.id = i.meeting_id WHERE i.id = ?"));
  r.add_scope("decision", scope_of("SELECT workspace_id FROM agenda_decisions WHERE id = ?"));
  r.add_scope("action", scope_of("SELECT workspace_id FROM agenda_actions WHERE id = ?"));

  const Json local_time = {{"type", "string"}, {"minLength", 1}, {"maxLength", 19},
                           {"description", "Europe/Paris wall-clock time YYYY-MM-DDTHH:MM"}};
  const Json ids = {{"type", "array"}, {"maxItems", 200}, {"items", id_schema()}};
  const Json opt_id_schema = {{"type", "integer"}, {"minimum", 1}};
  const Json link = object_schema({{"kind", {{"type", "string"}, {"enum", {"thread", "document", "url"}}}},
                                   {"ref", string_schema(1, 500)},
                                   {"label", string_schema(0, 200)}},
                                  {"kind", "ref"});
  const Json links = {{"type", "array"}, {"maxItems", 20}, {"items", link}};
  const Json minutes = {{"type", "integer"}, {"minimum", 0}, {"maximum", 1440}};
  const Json count = {{"type", "integer"}, {"minimum", 0}, {"maximum", 100000}};
  Json meeting_fields = {{"title", string_schema(1, 200)},
                         {"description", string_schema(0, 5000)},
                         {"start", local_time},
                         {"end", local_time},
                         {"place", string_schema(0, 300)},
                         {"video_url", string_schema(0, 500)},
                         {"invite_people", ids},
                         {"invite_organisations", ids}};

  Json schedule_fields = meeting_fields;
  schedule_fields["workspace"] = id_schema();
  schedule_fields["use_template"] = {{"type", "boolean"}};
  r.add({.name = "agenda.schedule",
         .schema = object_schema(schedule_fields, {"workspace", "title", "start", "end"}),
         .rule = Rule::owner, .change = true, .handler = schedule_meeting});
  Json reschedule_fields = meeting_fields;
  reschedule_fields["meeting"] = id_schema();
  r.add({.name = "agenda.reschedule", .schema = object_schema(reschedule_fields, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = reschedule_meeting});
  r.add({.name = "agenda.cancel",
         .schema = object_schema({{"meeting", id_schema()}, {"reason", string_schema(1, 1000)}}, {"meeting", "reason"}),
         .rule = Rule::owner, .change = true, .handler = cancel_meeting});
  r.add({.name = "agenda.list", .schema = object_schema({{"workspace", id_schema()}}, {"workspace"}),
         .rule = Rule::observer, .handler = list_meetings});
  r.add({.name = "agenda.get", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::observer, .handler = get_meeting});

  Json item_fields = {{"title", string_schema(1, 300)},
                      {"description", string_schema(0, 5000)},
                      {"planned_minutes", minutes},
                      {"presenter_person", opt_id_schema},
                      {"presenter_organisation", opt_id_schema},
                      {"links", links}};
  Json add_fields = item_fields;
  add_fields["meeting"] = id_schema();
  add_fields["parent"] = opt_id_schema;
  add_fields["position"] = {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}};
  r.add({.name = "agenda.add_item", .schema = object_schema(add_fields, {"meeting", "title"}),
         .rule = Rule::member, .change = true, .handler = add_item});
  Json update_fields = item_fields;
  update_fields["item"] = id_schema();
  r.add({.name = "agenda.update_item", .schema = object_schema(update_fields, {"item"}),
         .rule = Rule::member, .change = true, .handler = update_item});
  r.add({.name = "agenda.move_item",
         .schema = object_schema({{"item", id_schema()},
                                  {"position", {{"type", "integer"}, {"minimum", 0}, {"maximum", 1000}}},
                                  {"parent", {{"type", "integer"}, {"minimum", 0}, {"description", "0: the top level"}}}},
                                 {"item", "position"}),
         .rule = Rule::member, .change = true, .handler = move_item});
  r.add({.name = "agenda.remove_item", .schema = object_schema({{"item", id_schema()}}, {"item"}),
         .rule = Rule::member, .change = true, .handler = remove_item});
  r.add({.name = "agenda.apply_template", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = apply_template_op});
  r.add({.name = "agenda.set_current",
         .schema = object_schema({{"meeting", id_schema()}, {"item", opt_id_schema}}, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = set_current});

  r.add({.name = "agenda.set_attendance",
         .schema = object_schema({{"meeting", id_schema()},
                                  {"person", id_schema()},
                                  {"status", {{"type", "string"}, {"enum", {"present", "excused", "absent", "represented", "unknown"}}}},
                                  {"proxy", opt_id_schema}},
                                 {"meeting", "person", "status"}),
         .rule = Rule::owner, .change = true, .handler = set_attendance});
  r.add({.name = "agenda.set_organisation_presence",
         .schema = object_schema({{"meeting", id_schema()}, {"organisation", id_schema()}, {"present", {{"type", "boolean"}}}},
                                 {"meeting", "organisation", "present"}),
         .rule = Rule::owner, .change = true, .handler = set_organisation_presence});

  r.add({.name = "agenda.add_decision",
         .schema = object_schema({{"item", id_schema()},
                                  {"text", string_schema(1, 5000)},
                                  {"outcome", {{"type", "string"}, {"enum", {"adopted", "rejected"}}}},
                                  {"votes_for", count},
                                  {"votes_against", count},
                                  {"abstentions", count}},
                                 {"item", "text", "outcome"}),
         .rule = Rule::member, .change = true, .handler = add_decision});
  r.add({.name = "agenda.open_notes",
         .schema = object_schema({{"item", id_schema()}}, {"item"}),
         .rule = Rule::member,
         .change = true,
         .handler = open_item_notes});
  r.add({.name = "agenda.remove_decision", .schema = object_schema({{"decision", id_schema()}}, {"decision"}),
         .rule = Rule::member, .change = true, .handler = remove_decision});
  r.add({.name = "agenda.add_action",
         .schema = object_schema({{"item", id_schema()},
                                  {"what", string_schema(1, 1000)},
                                  {"owner_person", opt_id_schema},
                                  {"owner_organisation", opt_id_schema},
                                  {"due", string_schema(0, 10)}},
                                 {"item", "what"}),
         .rule = Rule::member, .change = true, .handler = add_action});
  r.add({.name = "agenda.update_action",
         .schema = object_schema({{"action", id_schema()},
                                  {"what", string_schema(1, 1000)},
                                  {"due", string_schema(0, 10)},
                                  {"status", {{"type", "string"}, {"enum", {"open", "in_progress", "done", "dropped"}}}}},
                                 {"action"}),
         .rule = Rule::member, .change = true, .handler = update_action});
  r.add({.name = "agenda.actions",
         .schema = object_schema({{"workspace", id_schema()}, {"all", {{"type", "boolean"}}}}, {"workspace"}),
         .rule = Rule::observer, .handler = workspace_actions});
  r.add({.name = "agenda.my_actions", .schema = object_schema(Json::object(), {}),
         .rule = Rule::authenticated, .handler = my_actions});

  r.add({.name = "agenda.minutes", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::observer, .handler = get_minutes});
  r.add({.name = "agenda.amend_minutes",
         .schema = object_schema({{"meeting", id_schema()}, {"text", string_schema(1, 5000)}}, {"meeting", "text"}),
         .rule = Rule::member, .change = true, .handler = amend_minutes});
  r.add({.name = "agenda.approve_minutes", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = approve_minutes});
  r.add({.name = "agenda.reopen_minutes", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = reopen_minutes});
  r.add({.name = "agenda.publish_minutes", .schema = object_schema({{"meeting", id_schema()}}, {"meeting"}),
         .rule = Rule::owner, .change = true, .handler = publish_minutes});

  r.add({.name = "agenda.create_feed", .schema = object_schema({{"label", string_schema(0, 100)}}, {}),
         .rule = Rule::authenticated, .change = true, .handler = create_feed});
  r.add({.name = "agenda.feeds", .schema = object_schema(Json::object(), {}),
         .rule = Rule::authenticated, .handler = list_feeds});
  r.add({.name = "agenda.revoke_feed", .schema = object_schema({{"feed", id_schema()}}, {"feed"}),
         .rule = Rule::authenticated, .change = true, .handler = revoke_feed});

  r.add({.name = "agenda.cadence",
         .schema = object_schema({{"year", {{"type", "integer"}, {"minimum", 2000}, {"maximum", 2100}}},
                                  {"workspace", opt_id_schema}},
                                 {}),
         .rule = Rule::authenticated, .handler = cadence_dashboard});

  r.add_resource("meeting", meeting_resource);
  r.add_resource("feed", feed_resource);
  r.add_resource("minutes", minutes_resource);

  // The check itself runs once per hour of the server's clock (tests move a manual clock).
  r.add_timer("cadence_reminders", std::chrono::seconds(1), [this](Context& ctx) {
    auto hour = std::chrono::duration_cast<std::chrono::hours>(ctx.now().time_since_epoch()).count();
    if (hour == last_reminder_hour_) return;
    last_reminder_hour_ = hour;
    remind_cadence(ctx);
  });
}

// The person's own traces in the agenda: meetings they scheduled, their attendance (and the
// proxies given to them), the actions they own, their amendments and their calendar feeds
// (label and dates only: the secret is never stored).
pacte::Json AgendaPlugin::export_person(pacte::Context& ctx, std::int64_t person) {
  auto opt = [](pacte::Statement& q, int col) { return q.is_null(col) ? Json(nullptr) : Json(q.text(col)); };
  Json meetings = Json::array();
  auto& m = ctx.sql("SELECT id, workspace_id, title, start_local, status, created_at FROM agenda_meetings WHERE created_by = ? ORDER BY id");
  m.bind(1, person);
  while (m.step())
    meetings.push_back({{"meeting", m.int64(0)}, {"workspace", m.int64(1)}, {"title", m.text(2)}, {"start", m.text(3)},
                        {"status", m.text(4)}, {"created_at", m.text(5)}});
  m.reset();
  Json attendance = Json::array();
  auto& a = ctx.sql(
      "SELECT a.meeting_id, m.title, m.start_local, a.person_id, a.status, a.proxy_id FROM agenda_attendance a "
      "JOIN agenda_meetings m ON m.id = a.meeting_id WHERE a.person_id = ?1 OR a.proxy_id = ?1 ORDER BY a.meeting_id");
  a.bind(1, person);
  while (a.step()) {
    bool own = a.int64(3) == person;
    Json row = {{"meeting", a.int64(0)}, {"title", a.text(1)}, {"start", a.text(2)}};
    if (own) {
      row["status"] = a.text(4);
      row["proxy"] = a.is_null(5) ? Json(nullptr) : Json(a.int64(5));
    } else {
      row["proxy_for"] = a.int64(3);  // someone gave this person their proxy
    }
    attendance.push_back(std::move(row));
  }
  a.reset();
  Json actions = Json::array();
  auto& ac = ctx.sql("SELECT id, meeting_id, what, due, status, created_at FROM agenda_actions WHERE owner_person = ? ORDER BY id");
  ac.bind(1, person);
  while (ac.step())
    actions.push_back({{"action", ac.int64(0)}, {"meeting", ac.int64(1)}, {"what", ac.text(2)}, {"due", opt(ac, 3)},
                       {"status", ac.text(4)}, {"created_at", ac.text(5)}});
  ac.reset();
  Json amendments = Json::array();
  auto& am = ctx.sql(
      "SELECT x.meeting_id, m.title, x.text, x.created_at FROM agenda_amendments x JOIN agenda_meetings m ON m.id = x.meeting_id "
      "WHERE x.author_id = ? ORDER BY x.id");
  am.bind(1, person);
  while (am.step())
    amendments.push_back({{"meeting", am.int64(0)}, {"title", am.text(1)}, {"text", am.text(2)}, {"created_at", am.text(3)}});
  am.reset();
  Json feeds = Json::array();
  auto& f = ctx.sql("SELECT label, hint, created_at, last_used_at, revoked_at FROM agenda_feeds WHERE person_id = ? ORDER BY id");
  f.bind(1, person);
  while (f.step())
    feeds.push_back({{"label", f.text(0)}, {"hint", f.text(1)}, {"created_at", f.text(2)}, {"last_used_at", opt(f, 3)},
                     {"revoked_at", opt(f, 4)}});
  f.reset();
  if (meetings.empty() && attendance.empty() && actions.empty() && amendments.empty() && feeds.empty()) return nullptr;
  return {{"meetings_scheduled", meetings}, {"attendance", attendance}, {"actions_owned", actions},
          {"minutes_amendments", amendments}, {"calendar_feeds", feeds}};
}

// The calendar feeds are purely personal: they go. Everything else is the committee's record
// (who attended, who owns an action, who amended the minutes) and stays under the person's
// id; the agenda stores no names of its own (it reads people.name when it answers), so the
// core's pseudonym shows everywhere once it renames the person. Minutes already published are
// frozen and hashed: they keep the names they were published with, as a signed paper would.
void AgendaPlugin::erase_person(pacte::Context& ctx, std::int64_t person) {
  auto& d = ctx.sql("DELETE FROM agenda_feeds WHERE person_id = ?");
  d.bind(1, person).run();
}

pacte::Json AgendaPlugin::export_workspace(pacte::Context& ctx, std::int64_t workspace) {
  std::vector<std::int64_t> ids;
  auto& q = ctx.sql("SELECT id FROM agenda_meetings WHERE workspace_id = ? ORDER BY starts_at, id");
  q.bind(1, workspace);
  while (q.step()) ids.push_back(q.int64(0));
  q.reset();
  Json meetings = Json::array();
  for (auto id : ids) {
    auto m = load_meeting(ctx, id);
    if (!m) continue;
    Json j = meeting_json(*m);
    j["items"] = items_json(ctx, id);
    j["decisions"] = decisions_where(ctx, "meeting_id", id);
    j["actions"] = actions_where(ctx, "meeting_id", id);
    j["attendance"] = attendance_json(ctx, id);
    if (m->minutes_state == "published") j["minutes_markdown"] = minutes_markdown(ctx, *m);
    meetings.push_back(std::move(j));
  }
  return Json{{"meetings", meetings}};
}

void AgendaPlugin::import_pact(pacte::Context& ctx, const pacte::PactImport& pact) {
  if (!pact.config.is_object()) return;
  auto& q = ctx.sql("INSERT OR REPLACE INTO agenda_settings(pact_key, config, imported_at) VALUES (?,?,?)");
  q.bind(1, pact.pact_key).bind(2, pact.config.dump()).bind(3, ctx.now_text()).run();
}

}  // namespace pacte_agenda

std::unique_ptr<pacte::Plugin> make_plugin_agenda() { return std::make_unique<pacte_agenda::AgendaPlugin>(); }
