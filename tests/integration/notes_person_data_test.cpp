// The notes plugin's personal-data hooks through the real server: a member's note, typing
// and named version appear in their "my data" export (counts and titles, not the log);
// after the administrator erases them the shared text and its history stay, under the
// person's id, which now carries the pseudonym.
#include <gtest/gtest.h>

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

TEST(NotesPersonData, ExportCountsTheMembersOperationsErasureKeepsTheSharedText) {
  TestServer server;
  Person a = sign_in(server, "equipe@ville-chambery.example");  // owner of the copil
  Person b = sign_in(server, "equipe@biollay.example");         // member of the copil
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  std::int64_t note = ok(server, b, "notes.create", {{"workspace", copil}, {"title", "Relevé du copil"}})["note"]["id"];
  ok(server, b, "notes.submit",
     {{"note", note}, {"base_rev", 0}, {"client_id", "client-b-0001"}, {"seq", 1}, {"op", {"Présents : "}}});
  ok(server, b, "notes.submit",
     {{"note", note}, {"base_rev", 1}, {"client_id", "client-b-0001"}, {"seq", 2}, {"op", {11, "CSAB."}}});
  ok(server, a, "notes.submit",
     {{"note", note}, {"base_rev", 2}, {"client_id", "client-a-0001"}, {"seq", 1}, {"op", {16, " Ville."}}});
  ok(server, b, "notes.version.name", {{"note", note}, {"name", "Avant relecture"}});

  Json mine = ok(server, b, "me.export", Json::object());
  ASSERT_TRUE(mine["plugins"].contains("notes")) << mine.dump().substr(0, 400);
  Json part = mine["plugins"]["notes"];
  ASSERT_EQ(part["notes_created"].size(), 1u);
  EXPECT_EQ(part["notes_created"][0]["title"], "Relevé du copil");
  ASSERT_EQ(part["operations_authored"].size(), 1u);
  EXPECT_EQ(part["operations_authored"][0]["title"], "Relevé du copil");
  EXPECT_EQ(part["operations_authored"][0]["operations"], 2);  // not the owner's one
  EXPECT_EQ(part.dump().find("Présents"), std::string::npos);  // counts, not the log
  ASSERT_EQ(part["versions_named"].size(), 1u);
  EXPECT_EQ(part["versions_named"][0]["name"], "Avant relecture");
  EXPECT_EQ(ok(server, a, "me.export", Json::object())["plugins"]["notes"]["operations_authored"][0]["operations"], 1);

  Person admin = sign_in(server, "admin@pacte.example");
  ok(server, admin, "admin.people.erase", {{"person", b.id}});
  // The workspace's text and history stay whole, under the erased person's id.
  EXPECT_EQ(ok(server, a, "notes.open", {{"note", note}})["text"], "Présents : CSAB. Ville.");
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM notes_ops WHERE author_id = " + std::to_string(b.id)), 2);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM notes_versions WHERE created_by = " + std::to_string(b.id)), 1);
  Json people = ok(server, admin, "admin.people.list", Json::object())["people"];
  std::string name;
  for (auto& p : people)
    if (p["id"] == b.id) name = p["name"];
  EXPECT_EQ(name, "Personne supprimée " + std::to_string(b.id));
}
