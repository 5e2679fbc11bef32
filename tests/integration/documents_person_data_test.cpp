// The documents plugin's personal-data hooks through the real server: a partner's proposal
// and comment appear in their "my data" export; after the administrator erases them, the
// negotiation record stays (accepted proposal, comment) under the pseudonymised person.
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

std::string name_of(TestServer& s, const Person& admin, std::int64_t person) {
  Json people = ok(s, admin, "admin.people.list", Json::object())["people"];
  for (auto& p : people)
    if (p["id"] == person) return p["name"];
  return {};
}

}  // namespace

TEST(DocumentsPersonData, ExportShowsProposalsAndCommentsErasureKeepsThemUnderThePseudonym) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");  // owner of 'pacte'
  Person aqcv = sign_in(server, "equipe@aqcv.example");             // member of 'pacte'
  std::int64_t pacte = workspace_id(server.port(), ville.token, "pacte");
  Json docs = ok(server, ville, "documents.list", {{"workspace", pacte}})["documents"];
  ASSERT_FALSE(docs.empty());
  std::int64_t document = docs[0]["id"], v1 = docs[0]["latest_version"];
  std::string title = docs[0]["title"];

  std::int64_t pid = ok(server, aqcv, "documents.propose",
                        {{"version", v1}, {"section", "art.6"}, {"kind", "delete"},
                         {"rationale", "Article redondant avec l'article 5."}})["proposal"]["id"];
  ok(server, aqcv, "documents.comment", {{"proposal", pid}, {"body", "Voir le compte rendu du comité."}});
  ok(server, ville, "documents.proposal.accept", {{"proposal", pid}});

  Json mine = ok(server, aqcv, "me.export", Json::object());
  ASSERT_TRUE(mine["plugins"].contains("documents")) << mine.dump().substr(0, 400);
  Json part = mine["plugins"]["documents"];
  ASSERT_EQ(part["proposals"].size(), 1u);
  EXPECT_EQ(part["proposals"][0]["document"], title);
  EXPECT_EQ(part["proposals"][0]["rationale"], "Article redondant avec l'article 5.");
  EXPECT_EQ(part["proposals"][0]["status"], "accepted");
  ASSERT_EQ(part["comments"].size(), 1u);
  EXPECT_EQ(part["comments"][0]["body"], "Voir le compte rendu du comité.");
  // The owner decided it and wrote the merged version: that is in the owner's export.
  Json theirs = ok(server, ville, "me.export", Json::object());
  EXPECT_EQ(theirs["plugins"]["documents"]["proposals_decided"].size(), 1u);
  EXPECT_FALSE(theirs["plugins"]["documents"]["versions_authored"].empty());

  Person admin = sign_in(server, "admin@pacte.example");
  ok(server, admin, "admin.people.erase", {{"person", aqcv.id}});
  EXPECT_EQ(name_of(server, admin, aqcv.id), "Personne supprimée " + std::to_string(aqcv.id));
  // The record stays, under the person's id, now a pseudonym.
  Json proposals = ok(server, ville, "documents.proposals", {{"document", document}})["proposals"];
  bool kept = false;
  for (auto& p : proposals)
    if (p["id"] == pid) kept = p["author"] == aqcv.id && p["status"] == "accepted";
  EXPECT_TRUE(kept) << proposals.dump().substr(0, 400);
  Json comments = ok(server, ville, "documents.comments", {{"proposal", pid}})["comments"];
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_EQ(comments[0]["author"], aqcv.id);
  // The erased person's session is gone: they cannot ask for their export any more.
  EXPECT_NE(api(server.port(), aqcv.token, "me.export").status, 200);
}
