// The agenda plugin (plugins/agenda/) through the real server and real clients: meetings
// with their iCalendar files (parsed back by an independent parser, python3-icalendar),
// agendas and the live current item, decisions and actions with carry-over, minutes
// states and hash, permissions, and the pact's cadence on constructed years.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/application.hpp"
#include "core/clock.hpp"
#include "pacte/plugin.hpp"
#include "pacte/util.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;

namespace {

const char* kVille = "equipe@ville-chambery.example";              // owner of the copil
const char* kCsab = "equipe@biollay.example";                      // member of the copil
const char* kFederation = "equipe@federation-cs-2savoie.example";  // not in the copil
const char* kAqcv = "equipe@aqcv.example";

std::string code_of(const Json& reply) {
  return reply.value("ok", false) ? "ok" : reply["error"]["code"].get<std::string>();
}

Json call(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  return api(s.port(), p.token, op, args).json();
}

Json ok(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  Json r = call(s, p, op, args);
  EXPECT_EQ(r["ok"], true) << op << " " << r.dump();
  return r["result"];
}

HttpResponse get(TestServer& s, const std::string& target, const std::string& token = {}) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["cookie"] = "pacte_session=" + token;
  return http(s.port(), "GET", target, {}, headers);
}

/// Parses iCalendar text with tests/tools/parse_ics.py (python3-icalendar).
Json parse_ics(const std::string& body) {
  auto path = std::filesystem::temp_directory_path() / ("agenda-test-" + std::to_string(::getpid()) + ".ics");
  {
    std::ofstream f(path, std::ios::binary);
    f << body;
  }
  std::string cmd = "/usr/bin/python3 " + std::string(PACTE_SOURCE_DIR) + "/tests/tools/parse_ics.py " + path.string();
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe.get())) out += buf;
  std::filesystem::remove(path);
  Json j = Json::parse(out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "parser output: " << out;
  return j;
}

std::int64_t org_id(TestServer& s, const std::string& key) {
  return scalar(s, "SELECT id FROM organisations WHERE key = '" + key + "'");
}

pacte::TimePoint at(const std::string& rfc3339) { return *pacte::parse_time(rfc3339); }

}  // namespace

TEST(Agenda, ScheduleRescheduleCancelWithIcsParsedByAnIndependentParser) {
  TestServer server;
  Person a = sign_in(server, kVille);
  Person b = sign_in(server, kCsab);
  Person outsider = sign_in(server, kFederation);
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  WsClient wb(server.port(), {.cookie = b.token});
  wb.next();
  wb.subscribe();

  // A title and description that need escaping and folding (commas, semicolons,
  // backslashes, new lines, accents beyond 75 octets).
  std::string title = "Comité de pilotage; bilan, suite \\ 2026";
  std::string description = std::string("Ordre du jour : évaluation qualitative et quantitative, construction des outils ") +
                            "et indicateurs ; « partage des enjeux » — élu·es, CAF, centres.\nDeuxième ligne.";
  Json scheduled = ok(server, a, "agenda.schedule",
                      {{"workspace", copil}, {"title", title}, {"description", description},
                       {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T16:30"},
                       {"place", "Hôtel de ville, salle des délibérations"}, {"video_url", "https://visio.example/copil"}});
  Json m = scheduled["meeting"];
  std::int64_t id = m["id"];
  EXPECT_EQ(m["start"], "2026-06-12T12:00:00.000Z");  // Paris summer time: UTC+2
  EXPECT_EQ(m["end"], "2026-06-12T14:30:00.000Z");
  EXPECT_EQ(m["start_local"], "2026-06-12T14:00");
  EXPECT_EQ(m["sequence"], 0);
  EXPECT_EQ(m["status"], "scheduled");
  // The comité de pilotage's template from article 4 (config/pacts/chambery-2023.json).
  ASSERT_EQ(m["items"].size(), 4u) << m["items"];
  EXPECT_EQ(m["items"][0]["title"], "Partager des enjeux");
  EXPECT_EQ(m["items"][1]["title"], "Suivi du pacte de coopération");

  auto ev = wb.wait_event("agenda.meeting_scheduled");
  ASSERT_TRUE(ev);
  EXPECT_EQ((*ev)["data"]["meeting"]["id"], id);
  auto note = wb.wait_event("notification.created");
  ASSERT_TRUE(note) << "the invitee is notified";
  EXPECT_EQ((*note)["data"]["notification"]["kind"], "meeting");

  // The .ics, for members only.
  EXPECT_EQ(get(server, "/p/agenda/meeting/" + std::to_string(id) + ".ics").status, 404);
  EXPECT_EQ(get(server, "/p/agenda/meeting/" + std::to_string(id) + ".ics", outsider.token).status, 404);
  auto ics = get(server, "/p/agenda/meeting/" + std::to_string(id) + ".ics", b.token);
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.headers["content-type"].rfind("text/calendar", 0), 0u);
  EXPECT_NE(ics.body.find("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n"), std::string::npos);
  Json parsed = parse_ics(ics.body);
  EXPECT_EQ(parsed["checks"]["crlf"], true);
  EXPECT_EQ(parsed["checks"]["ends_with_crlf"], true);
  EXPECT_LE(parsed["checks"]["max_octets"].get<int>(), 75);
  EXPECT_EQ(parsed["checks"]["utf8"], true);
  EXPECT_EQ(parsed["calendar"]["version"], "2.0");
  EXPECT_EQ(parsed["timezones"], Json::array({"Europe/Paris"}));
  ASSERT_EQ(parsed["events"].size(), 1u);
  Json e = parsed["events"][0];
  EXPECT_EQ(e["uid"], m["uid"]);
  EXPECT_EQ(e["dtstart_tzid"], "Europe/Paris");
  EXPECT_EQ(e["dtstart_local"], "2026-06-12T14:00");
  EXPECT_EQ(e["dtstart_utc"], "2026-06-12T12:00:00Z");
  EXPECT_EQ(e["dtend_utc"], "2026-06-12T14:30:00Z");
  EXPECT_EQ(e["sequence"], 0);
  EXPECT_EQ(e["status"], "CONFIRMED");
  EXPECT_EQ(e["summary"], title);  // escaped and folded, read back identical
  EXPECT_NE(e["description"].get<std::string>().find(description), std::string::npos);
  EXPECT_EQ(e["location"], "Hôtel de ville, salle des délibérations");

  // Reschedule into winter time: SEQUENCE bumped, same UID.
  Json moved = ok(server, a, "agenda.reschedule", {{"meeting", id}, {"start", "2026-11-05T09:30"}, {"end", "2026-11-05T12:00"}})["meeting"];
  EXPECT_EQ(moved["sequence"], 1);
  EXPECT_EQ(moved["start"], "2026-11-05T08:30:00.000Z");  // UTC+1
  ASSERT_TRUE(wb.wait_event("agenda.meeting_updated"));
  e = parse_ics(get(server, "/p/agenda/meeting/" + std::to_string(id) + ".ics", a.token).body)["events"][0];
  EXPECT_EQ(e["uid"], m["uid"]);
  EXPECT_EQ(e["sequence"], 1);
  EXPECT_EQ(e["dtstart_utc"], "2026-11-05T08:30:00Z");

  // Bad input gets clear errors.
  EXPECT_EQ(code_of(call(server, a, "agenda.reschedule", {{"meeting", id}, {"start", "2026-03-29T02:30"}, {"end", "2026-03-29T04:00"}})),
            "bad_request");  // that hour does not exist in Paris
  EXPECT_EQ(code_of(call(server, a, "agenda.reschedule", {{"meeting", id}, {"end", "2026-11-05T09:00"}})), "bad_request");
  EXPECT_EQ(code_of(call(server, a, "agenda.reschedule", {{"meeting", id}, {"start", "demain"}})), "bad_request");
  // Only an owner schedules; a non-member does not see the workspace.
  EXPECT_EQ(code_of(call(server, b, "agenda.schedule", {{"workspace", copil}, {"title", "x"}, {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T15:00"}})),
            "forbidden");
  EXPECT_EQ(code_of(call(server, outsider, "agenda.get", {{"meeting", id}})), "not_found");

  // Cancel: STATUS:CANCELLED, SEQUENCE bumped again.
  EXPECT_EQ(code_of(call(server, a, "agenda.cancel", {{"meeting", id}, {"reason", "  "}})), "bad_request");
  Json cancelled = ok(server, a, "agenda.cancel", {{"meeting", id}, {"reason", "Élections : report"}})["meeting"];
  EXPECT_EQ(cancelled["status"], "cancelled");
  EXPECT_EQ(cancelled["sequence"], 2);
  e = parse_ics(get(server, "/p/agenda/meeting/" + std::to_string(id) + ".ics", b.token).body)["events"][0];
  EXPECT_EQ(e["status"], "CANCELLED");
  EXPECT_EQ(e["sequence"], 2);
  EXPECT_EQ(code_of(call(server, a, "agenda.cancel", {{"meeting", id}, {"reason", "encore"}})), "conflict");
}

TEST(Agenda, PersonalFeedListsTheMeetingsOfEveryWorkspaceSeenAndCanBeRevoked) {
  TestServer server;
  Person a = sign_in(server, kVille);
  Person b = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  std::int64_t ct = workspace_id(server.port(), b.token, "ct-csab");
  std::int64_t ct_aqcv = workspace_id(server.port(), a.token, "ct-aqcv");
  ok(server, a, "agenda.schedule", {{"workspace", copil}, {"title", "Copil"}, {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T16:00"}});
  ok(server, b, "agenda.schedule", {{"workspace", ct}, {"title", "CT Biollay"}, {"start", "2026-04-02T10:00"}, {"end", "2026-04-02T12:00"}});
  Person aqcv = sign_in(server, kAqcv);
  ok(server, aqcv, "agenda.schedule", {{"workspace", ct_aqcv}, {"title", "CT AQCV"}, {"start", "2026-04-03T10:00"}, {"end", "2026-04-03T12:00"}});

  Json feed = ok(server, b, "agenda.create_feed", {{"label", "Agenda du téléphone"}});
  std::string path = feed["path"];
  auto r = get(server, path);  // no session: the secret is the credential
  ASSERT_EQ(r.status, 200) << r.body;
  Json parsed = parse_ics(r.body);
  std::vector<std::string> titles;
  for (auto& e : parsed["events"]) titles.push_back(e["summary"]);
  EXPECT_EQ(titles, (std::vector<std::string>{"CT Biollay", "Copil"}));  // not the AQCV's bilateral committee
  EXPECT_EQ(ok(server, b, "agenda.feeds", Json::object())["feeds"].size(), 1u);
  // Only its owner revokes it.
  std::int64_t feed_id = feed["feed"]["id"];
  EXPECT_EQ(code_of(call(server, a, "agenda.revoke_feed", {{"feed", feed_id}})), "not_found");
  ok(server, b, "agenda.revoke_feed", {{"feed", feed_id}});
  EXPECT_EQ(get(server, path).status, 404);
  EXPECT_EQ(get(server, "/p/agenda/feed/" + std::string(64, 'a')).status, 404);
}

TEST(Agenda, ItemsReorderAndTheLiveCurrentItemWithTimeSpent) {
  pacte::ManualClock clock(at("2026-06-12T11:55:00Z"));
  TestServer server({.clock = &clock});
  Person a = sign_in(server, kVille);
  Person b = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  WsClient wa(server.port(), {.cookie = a.token});
  WsClient wb(server.port(), {.cookie = b.token});
  wa.next();
  wb.next();
  wa.subscribe();
  wb.subscribe();

  std::int64_t id = ok(server, a, "agenda.schedule",
                       {{"workspace", copil}, {"title", "Copil"}, {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T16:00"},
                        {"use_template", false}})["meeting"]["id"];
  EXPECT_EQ(ok(server, a, "agenda.get", {{"meeting", id}})["meeting"]["items"].size(), 0u);
  auto add = [&](const Person& p, const Json& extra) {
    Json args = {{"meeting", id}};
    args.update(extra);
    return ok(server, p, "agenda.add_item", args)["item"]["id"].get<std::int64_t>();
  };
  std::int64_t i1 = add(a, {{"title", "Accueil"}, {"planned_minutes", 10}});
  std::int64_t i2 = add(b, {{"title", "Bilan de l'année"}, {"planned_minutes", 30}, {"presenter_organisation", org_id(server, "csab")}});
  std::int64_t i3 = add(a, {{"title", "Questions diverses"}, {"planned_minutes", 5}, {"presenter_person", b.id},
                            {"links", {{{"kind", "url"}, {"ref", "https://example.org/doc"}, {"label", "Document"}}}}});
  std::int64_t sub = add(a, {{"title", "Budget"}, {"parent", i2}});
  std::int64_t thread = ok(server, a, "chat.create_thread", {{"workspace", copil}, {"title", "Préparation"}, {"body", "Documents"}})["thread"]["id"];
  Json linked = ok(server, b, "agenda.update_item", {{"item", i2}, {"links", {{{"kind", "thread"}, {"ref", std::to_string(thread)}, {"label", "Préparation"}}}}})["items"];
  EXPECT_EQ(linked[1]["links"][0]["ref"], std::to_string(thread));
  EXPECT_EQ(code_of(call(server, b, "agenda.update_item", {{"item", i2}, {"links", {{{"kind", "thread"}, {"ref", "999999"}}}}})), "bad_request");
  EXPECT_EQ(code_of(call(server, a, "agenda.add_item", {{"meeting", id}, {"title", "x"}, {"parent", sub}})), "bad_request");
  EXPECT_EQ(code_of(call(server, a, "agenda.add_item", {{"meeting", id}, {"title", "x"},
                                                        {"links", {{{"kind", "url"}, {"ref", "javascript:alert(1)"}}}}})),
            "bad_request");

  // Move "Questions diverses" first; the sub-item follows its parent.
  Json items = ok(server, a, "agenda.move_item", {{"item", i3}, {"position", 0}})["items"];
  std::vector<std::string> order;
  for (auto& it : items) order.push_back(it["number"].get<std::string>() + " " + it["title"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"1 Questions diverses", "2 Accueil", "3 Bilan de l'année", "3.1 Budget"}));
  EXPECT_EQ(items[0]["presenter_name"].get<std::string>().empty(), false);
  EXPECT_EQ(items[2]["presenter_name"], "Centre Social et d'Animation du Biollay");
  auto changed = wb.wait_event("agenda.items_changed");
  ASSERT_TRUE(changed);

  // The owner runs the meeting; the other client sees the current item live.
  clock.set(at("2026-06-12T12:00:00Z"));
  EXPECT_EQ(code_of(call(server, b, "agenda.set_current", {{"meeting", id}, {"item", i1}})), "forbidden");
  ok(server, a, "agenda.set_current", {{"meeting", id}, {"item", i1}});
  Json seen;
  while (auto e = wb.wait_event("agenda.current")) {
    seen = *e;
    if ((*e)["data"]["item"] == i1) break;
  }
  EXPECT_EQ(seen["data"]["item"], i1);
  clock.advance(12min);
  ok(server, a, "agenda.set_current", {{"meeting", id}, {"item", i2}});
  auto e2 = wb.wait_event("agenda.current");
  ASSERT_TRUE(e2);
  EXPECT_EQ((*e2)["data"]["item"], i2);
  EXPECT_EQ((*e2)["data"]["spent"][std::to_string(i1)], 12 * 60);
  clock.advance(31min);
  ok(server, a, "agenda.set_current", {{"meeting", id}});
  Json got = ok(server, a, "agenda.get", {{"meeting", id}})["meeting"];
  EXPECT_TRUE(got["current_item"].is_null());
  for (auto& it : got["items"])
    if (it["id"] == i2) {
      EXPECT_EQ(it["spent_seconds"], 31 * 60);
      EXPECT_EQ(it["planned_minutes"], 30);
    }
  // Removing an item renumbers the rest.
  items = ok(server, a, "agenda.remove_item", {{"item", i1}})["items"];
  EXPECT_EQ(items[1]["number"], "2");
  EXPECT_EQ(items[1]["title"], "Bilan de l'année");
}

TEST(Agenda, AttendanceProxiesQuorumDecisionsActionsCarryOverAndMinutes) {
  TestServer server;
  Person a = sign_in(server, kVille);
  Person b = sign_in(server, kCsab);
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  WsClient wb(server.port(), {.cookie = b.token});
  wb.next();
  wb.subscribe();
  Json first = ok(server, a, "agenda.schedule", {{"workspace", copil}, {"title", "Copil <printemps>"}, {"start", "2026-03-10T14:00"}, {"end", "2026-03-10T16:00"}})["meeting"];
  std::int64_t m1 = first["id"];
  std::int64_t item = first["items"][1]["id"];

  // Attendance: present, excused, a proxy ("a donné pouvoir à").
  ok(server, a, "agenda.set_attendance", {{"meeting", m1}, {"person", a.id}, {"status", "present"}});
  EXPECT_EQ(code_of(call(server, a, "agenda.set_attendance", {{"meeting", m1}, {"person", b.id}, {"status", "represented"}})), "bad_request");
  Json att = ok(server, a, "agenda.set_attendance", {{"meeting", m1}, {"person", b.id}, {"status", "represented"}, {"proxy", a.id}});
  bool proxy_seen = false;
  for (auto& row : att["attendance"])
    if (row["person"] == b.id) proxy_seen = row["proxy"] == a.id && !row["proxy_name"].get<std::string>().empty();
  EXPECT_TRUE(proxy_seen);
  // Ville and CSAB of five organisations: no quorum (more than half required).
  EXPECT_EQ(att["quorum"]["expected"], 5);
  EXPECT_EQ(att["quorum"]["present"], 2);
  EXPECT_EQ(att["quorum"]["met"], false);
  att = ok(server, a, "agenda.set_organisation_presence", {{"meeting", m1}, {"organisation", org_id(server, "caf")}, {"present", true}});
  EXPECT_EQ(att["quorum"]["present"], 3);
  EXPECT_EQ(att["quorum"]["met"], true);
  EXPECT_EQ(code_of(call(server, a, "agenda.set_organisation_presence", {{"meeting", m1}, {"organisation", org_id(server, "federation")}, {"present", true}})),
            "bad_request");

  // A decision and two actions on the item; one is done, one stays open.
  Json decision = ok(server, b, "agenda.add_decision", {{"item", item}, {"text", "Le calendrier des rencontres thématiques est adopté."},
                                                        {"outcome", "adopted"}, {"votes_for", 9}, {"votes_against", 0}, {"abstentions", 1}})["decision"];
  EXPECT_EQ(decision["outcome"], "adopted");
  EXPECT_EQ(code_of(call(server, b, "agenda.add_action", {{"item", item}, {"what", "x"}})), "bad_request");  // no owner
  EXPECT_EQ(code_of(call(server, b, "agenda.add_action", {{"item", item}, {"what", "x"}, {"owner_person", b.id}, {"due", "31/12/2026"}})), "bad_request");
  Json open_action = ok(server, b, "agenda.add_action", {{"item", item}, {"what", "Envoyer les indicateurs"}, {"owner_organisation", org_id(server, "caf")}, {"due", "2026-04-30"}})["action"];
  Json done_action = ok(server, a, "agenda.add_action", {{"item", item}, {"what", "Réserver la salle"}, {"owner_person", a.id}})["action"];
  EXPECT_EQ(open_action["owner_name"], "Caisse d'Allocations Familiales de la Savoie");
  ok(server, b, "agenda.update_action", {{"action", done_action["id"]}, {"status", "done"}});
  ASSERT_TRUE(wb.wait_event("agenda.action_changed"));

  // The open-actions register, per workspace and across the caller's workspaces.
  Json reg = ok(server, b, "agenda.actions", {{"workspace", copil}})["actions"];
  ASSERT_EQ(reg.size(), 1u);
  EXPECT_EQ(reg[0]["id"], open_action["id"]);
  Json mine = ok(server, b, "agenda.my_actions", Json::object())["actions"];
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["workspace"], copil);
  EXPECT_EQ(ok(server, sign_in(server, kFederation), "agenda.my_actions", Json::object())["actions"].size(), 0u);

  // Carry-over: the next meeting of the committee opens with the open actions.
  Json next = ok(server, a, "agenda.schedule", {{"workspace", copil}, {"title", "Copil d'automne"}, {"start", "2026-10-06T14:00"}, {"end", "2026-10-06T16:00"}})["meeting"];
  EXPECT_EQ(next["items"][0]["kind"], "carry_over");
  EXPECT_EQ(next["items"][0]["title"], "Suivi des actions en cours");
  EXPECT_NE(next["items"][0]["description"].get<std::string>().find("Envoyer les indicateurs"), std::string::npos);
  EXPECT_EQ(next["items"][0]["description"].get<std::string>().find("Réserver la salle"), std::string::npos);
  Json carried = ok(server, a, "agenda.get", {{"meeting", next["id"]}})["meeting"]["carry_over_actions"];
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0]["id"], open_action["id"]);
  // An action recorded afterwards on the earlier meeting joins the proposed item of the
  // meeting being prepared; once dropped (or done) it leaves it.
  Json late = ok(server, b, "agenda.add_action", {{"item", item}, {"what", "Relancer le Département"}, {"owner_person", b.id}})["action"];
  Json next_items = ok(server, a, "agenda.get", {{"meeting", next["id"]}})["meeting"]["items"];
  EXPECT_NE(next_items[0]["description"].get<std::string>().find("Relancer le Département"), std::string::npos);
  ok(server, b, "agenda.update_action", {{"action", late["id"]}, {"status", "dropped"}});
  next_items = ok(server, a, "agenda.get", {{"meeting", next["id"]}})["meeting"]["items"];
  EXPECT_EQ(next_items[0]["description"].get<std::string>().find("Relancer le Département"), std::string::npos);
  EXPECT_EQ(next_items[0]["kind"], "carry_over");

  // Minutes: draft -> amended (by a member) -> approved -> published (frozen, hashed).
  Json minutes = ok(server, b, "agenda.minutes", {{"meeting", m1}});
  EXPECT_EQ(minutes["state"], "draft");
  std::string md = minutes["markdown"];
  EXPECT_NE(md.find("Le calendrier des rencontres thématiques est adopté"), std::string::npos);
  EXPECT_NE(md.find("a donné pouvoir à"), std::string::npos);
  EXPECT_NE(md.find("Envoyer les indicateurs"), std::string::npos);
  EXPECT_EQ(code_of(call(server, a, "agenda.publish_minutes", {{"meeting", m1}})), "conflict");  // approve first
  EXPECT_EQ(code_of(call(server, b, "agenda.approve_minutes", {{"meeting", m1}})), "forbidden");
  EXPECT_EQ(ok(server, b, "agenda.amend_minutes", {{"meeting", m1}, {"text", "Ajouter l'excuse de la CAF."}})["state"], "amended");
  ASSERT_TRUE(wb.wait_event("agenda.minutes"));
  EXPECT_EQ(ok(server, a, "agenda.approve_minutes", {{"meeting", m1}})["state"], "approved");
  EXPECT_EQ(code_of(call(server, b, "agenda.amend_minutes", {{"meeting", m1}, {"text", "trop tard"}})), "conflict");
  Json published = ok(server, a, "agenda.publish_minutes", {{"meeting", m1}});
  EXPECT_EQ(published["state"], "published");
  std::optional<Json> told;
  while ((told = wb.wait_event("notification.created")))
    if ((*told)["data"]["notification"]["title"].get<std::string>().rfind("Compte rendu publié", 0) == 0) break;
  ASSERT_TRUE(told) << "the invitees are told that the minutes are published";
  EXPECT_EQ((*told)["data"]["notification"]["kind"], "meeting");
  std::string hash = published["hash"];
  auto md_file = get(server, "/p/agenda/minutes/" + std::to_string(m1) + ".md", b.token);
  ASSERT_EQ(md_file.status, 200);
  EXPECT_EQ(pacte::sha256_hex(md_file.body), hash);
  EXPECT_NE(md_file.body.find("Ajouter l'excuse de la CAF"), std::string::npos);
  // Frozen: the meeting no longer changes, the export stays identical.
  EXPECT_EQ(code_of(call(server, a, "agenda.add_item", {{"meeting", m1}, {"title", "après coup"}})), "conflict");
  EXPECT_EQ(code_of(call(server, b, "agenda.add_decision", {{"item", item}, {"text", "x"}, {"outcome", "rejected"}})), "conflict");
  EXPECT_EQ(code_of(call(server, a, "agenda.publish_minutes", {{"meeting", m1}})), "conflict");
  ok(server, b, "agenda.update_action", {{"action", open_action["id"]}, {"status", "in_progress"}});  // follow-up goes on
  EXPECT_EQ(get(server, "/p/agenda/minutes/" + std::to_string(m1) + ".md", b.token).body, md_file.body);
  EXPECT_EQ(ok(server, b, "agenda.minutes", {{"meeting", m1}})["hash"], hash);
  // Printable HTML: everything escaped; members only.
  auto html = get(server, "/p/agenda/minutes/" + std::to_string(m1) + ".html", b.token);
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.body.find("<printemps>"), std::string::npos);
  EXPECT_NE(html.body.find("Copil &lt;printemps&gt;"), std::string::npos);
  EXPECT_NE(html.body.find(hash), std::string::npos);
  EXPECT_EQ(get(server, "/p/agenda/minutes/" + std::to_string(m1) + ".html", sign_in(server, kFederation).token).status, 404);
}

TEST(AgendaCadence, DashboardOnConstructedYearsAndRemindersToTheConvener) {
  pacte::ManualClock clock(at("2027-01-05T09:00:00Z"));
  TestServer server({.clock = &clock});
  Person ville = sign_in(server, kVille);
  Person csab = sign_in(server, kCsab);
  Person aqcv = sign_in(server, kAqcv);
  auto ws = [&](const Person& p, const char* key) { return workspace_id(server.port(), p.token, key); };
  std::int64_t copil = ws(ville, "copil"), ct_csab = ws(csab, "ct-csab"), cf_csab = ws(csab, "cf-csab");
  std::int64_t ct_aqcv = ws(aqcv, "ct-aqcv"), cf_aqcv = ws(aqcv, "cf-aqcv");
  auto schedule = [&](const Person& p, std::int64_t w, const std::string& day) {
    return ok(server, p, "agenda.schedule", {{"workspace", w}, {"title", "Réunion"}, {"start", day + "T10:00"}, {"end", day + "T12:00"}})["meeting"]["id"].get<std::int64_t>();
  };
  // CSAB: the comité des financeurs comes BEFORE the comité technique (order violated once it is held).
  schedule(csab, cf_csab, "2027-02-01");
  schedule(csab, ct_csab, "2027-03-01");
  // AQCV: comité technique first (order met), a cancelled meeting does not count.
  schedule(aqcv, ct_aqcv, "2027-02-10");
  schedule(aqcv, cf_aqcv, "2027-05-10");
  std::int64_t cancelled = schedule(aqcv, cf_aqcv, "2027-01-20");
  ok(server, aqcv, "agenda.cancel", {{"meeting", cancelled}, {"reason", "doublon"}});
  // A meeting of the previous year does not count for 2027 (but shows that the copil keeps
  // its meetings here, so its conveners get reminders); likewise for one thematic meeting.
  schedule(ville, copil, "2026-12-15");
  std::int64_t rt_ressources = ws(ville, "rt-ressources"), rt_participation = ws(ville, "rt-participation");
  schedule(ville, rt_ressources, "2026-11-10");

  auto dashboard = [&](const Person& p, int year) {
    std::map<std::string, Json> rows;
    Json result = ok(server, p, "agenda.cadence", {{"year", year}});
    for (auto& r : result["workspaces"]) rows[r["key"]] = r;
    return rows;
  };
  auto d = dashboard(ville, 2027);
  EXPECT_EQ(d["copil"]["required"], 1);
  EXPECT_EQ(d["copil"]["held"], 0);
  EXPECT_EQ(d["copil"]["scheduled"], 0);
  EXPECT_EQ(d["copil"]["missing"], 1);
  EXPECT_EQ(d["copil"]["status"], "missing");
  EXPECT_EQ(d["copil"]["late_to_schedule"], false);  // not before 31 March
  EXPECT_EQ(d["ct-csab"]["scheduled"], 1);
  EXPECT_EQ(d["ct-csab"]["status"], "on_track");
  EXPECT_EQ(d["ct-csab"]["order"]["status"], "at_risk");  // the financeurs' meeting is first, still to come
  EXPECT_EQ(d["ct-aqcv"]["order"]["status"], "met");
  EXPECT_EQ(d["cf-aqcv"]["scheduled"], 1);  // the cancelled one is not counted
  EXPECT_EQ(d["rt-participation"]["required"], 1);
  EXPECT_EQ(d["rt-participation"]["max"], 3);
  EXPECT_EQ(d.count("pacte"), 0u);  // no cadence
  // The CSAB does not see the AQCV's bilateral committees.
  auto dc = dashboard(csab, 2027);
  EXPECT_EQ(dc.count("ct-aqcv"), 0u);
  EXPECT_EQ(dc.count("ct-csab"), 1u);
  EXPECT_EQ(dashboard(ville, 2026)["copil"]["held"], 1);

  // Mid-April: the financeurs' meeting was held before any comité technique: violated.
  WsClient wv(server.port(), {.cookie = ville.token});
  wv.next();
  wv.subscribe();
  clock.set(at("2027-04-15T09:00:00Z"));
  ville = sign_in(server, kVille);  // the earlier session expired over three months
  d = dashboard(ville, 2027);
  EXPECT_EQ(d["ct-csab"]["held"], 1);
  EXPECT_EQ(d["ct-csab"]["status"], "met");
  EXPECT_EQ(d["ct-csab"]["order"]["status"], "violated");
  EXPECT_EQ(d["cf-csab"]["status"], "met");
  EXPECT_EQ(d["copil"]["late_to_schedule"], true);  // 31 March passed with nothing scheduled
  // The timer reminds the copil's convener (the Ville, its owner) once.
  std::optional<Json> reminder;
  while ((reminder = wv.wait_event("notification.created", 10s)))
    if ((*reminder)["data"]["notification"]["kind"] == "cadence" && (*reminder)["data"]["notification"]["workspace"] == copil) break;
  ASSERT_TRUE(reminder) << "a cadence reminder reaches the convener";
  EXPECT_NE((*reminder)["data"]["notification"]["title"].get<std::string>().find("Comité de pilotage"), std::string::npos);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM agenda_reminders WHERE year = 2027 AND workspace_id = " + std::to_string(copil)), 1);
  EXPECT_EQ(dashboard(ville, 2027)["copil"]["reminded"], true);
  EXPECT_EQ(dashboard(ville, 2027)["ct-aqcv"]["reminded"], false);

  // 2 July: both thematic meetings' deadline (30 June) has passed with nothing scheduled;
  // only the one that keeps its meetings in Pacte is reminded (same timer run).
  // (The Ville's socket belongs to a session that has expired by now: the reminders table
  // is read instead; the timer's run is awaited as a condition, up to 10 s.)
  clock.set(at("2027-07-02T09:00:00Z"));
  auto reminded = [&](std::int64_t w) {
    return scalar(server, "SELECT COUNT(*) FROM agenda_reminders WHERE year = 2027 AND workspace_id = " + std::to_string(w));
  };
  wait_until([&] { return reminded(rt_ressources) != 0; }, 10s);
  ASSERT_EQ(reminded(rt_ressources), 1) << "the thematic meeting's convener is reminded";
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM agenda_reminders WHERE workspace_id = " + std::to_string(rt_participation)), 0);

  // After the year: what was never held is overdue.
  clock.set(at("2028-01-10T09:00:00Z"));
  ville = sign_in(server, kVille);
  d = dashboard(ville, 2027);
  EXPECT_EQ(d["copil"]["status"], "overdue");
  EXPECT_EQ(d["rt-acces-droits"]["status"], "overdue");
  EXPECT_EQ(d["ct-aqcv"]["status"], "met");
  EXPECT_EQ(d["cf-aqcv"]["status"], "met");
}

// The minutes with the real notes plugin: tests/integration/plugins_together_test.cpp.
