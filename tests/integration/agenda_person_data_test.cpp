// The agenda plugin's personal-data hooks through the real server: a member's attendance,
// action, amendment and calendar feed appear in their "my data" export; after the
// administrator erases them, the feed is gone and the committee's record (attendance,
// action, amendment) stays under the pseudonymised person.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/test_server.hpp"

using namespace pacte::test;

namespace {

Json ok(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  Json r = api(s.port(), p.token, op, args).json();
  EXPECT_EQ(r["ok"], true) << op << " " << r.dump();
  return r["result"];
}

}  // namespace

TEST(AgendaPersonData, ExportShowsTheMembersTracesErasureDropsTheFeedAndKeepsTheRecord) {
  TestServer server;
  Person a = sign_in(server, "equipe@ville-chambery.example");  // owner of the copil
  Person b = sign_in(server, "equipe@biollay.example");         // member of the copil
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  Json meeting = ok(server, a, "agenda.schedule",
                    {{"workspace", copil}, {"title", "Copil de printemps"}, {"start", "2026-03-10T14:00"},
                     {"end", "2026-03-10T16:00"}})["meeting"];
  std::int64_t m = meeting["id"], item = meeting["items"][0]["id"];
  ok(server, a, "agenda.set_attendance", {{"meeting", m}, {"person", b.id}, {"status", "present"}});
  ok(server, a, "agenda.add_action", {{"item", item}, {"what", "Envoyer les indicateurs"}, {"owner_person", b.id}});
  ok(server, b, "agenda.amend_minutes", {{"meeting", m}, {"text", "Préciser le calendrier."}});
  Json feed = ok(server, b, "agenda.create_feed", {{"label", "Agenda du téléphone"}});
  std::string path = feed["path"];
  ASSERT_EQ(http(server.port(), "GET", path).status, 200);

  Json mine = ok(server, b, "me.export", Json::object());
  ASSERT_TRUE(mine["plugins"].contains("agenda")) << mine.dump().substr(0, 400);
  Json part = mine["plugins"]["agenda"];
  ASSERT_EQ(part["attendance"].size(), 1u);
  EXPECT_EQ(part["attendance"][0]["title"], "Copil de printemps");
  EXPECT_EQ(part["attendance"][0]["status"], "present");
  ASSERT_EQ(part["actions_owned"].size(), 1u);
  EXPECT_EQ(part["actions_owned"][0]["what"], "Envoyer les indicateurs");
  ASSERT_EQ(part["minutes_amendments"].size(), 1u);
  EXPECT_EQ(part["minutes_amendments"][0]["text"], "Préciser le calendrier.");
  ASSERT_EQ(part["calendar_feeds"].size(), 1u);
  EXPECT_EQ(part["calendar_feeds"][0]["label"], "Agenda du téléphone");
  EXPECT_EQ(part["calendar_feeds"][0].dump().find(feed["token"].get<std::string>()), std::string::npos);
  EXPECT_TRUE(part["meetings_scheduled"].empty());
  Json theirs = ok(server, a, "me.export", Json::object());
  EXPECT_EQ(theirs["plugins"]["agenda"]["meetings_scheduled"][0]["title"], "Copil de printemps");

  Person admin = sign_in(server, "admin@pacte.example");
  ok(server, admin, "admin.people.erase", {{"person", b.id}});
  // Purely personal: the calendar feed is gone, its secret no longer opens anything.
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM agenda_feeds WHERE person_id = " + std::to_string(b.id)), 0);
  EXPECT_EQ(http(server.port(), "GET", path).status, 404);
  // The committee's record stays under the person's id, shown with the pseudonym.
  std::string pseudonym = "Personne supprimée " + std::to_string(b.id);
  Json actions = ok(server, a, "agenda.actions", {{"workspace", copil}, {"all", true}})["actions"];
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0]["owner_name"], pseudonym);
  std::string md = ok(server, a, "agenda.minutes", {{"meeting", m}})["markdown"];
  EXPECT_NE(md.find(pseudonym), std::string::npos) << md;
  EXPECT_NE(md.find("Préciser le calendrier."), std::string::npos) << md;
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM agenda_attendance WHERE person_id = " + std::to_string(b.id)), 1);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM agenda_amendments WHERE author_id = " + std::to_string(b.id)), 1);
}
