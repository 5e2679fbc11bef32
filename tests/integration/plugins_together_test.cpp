// The plugins with each other, as compiled into the server (no stand-ins): the demo
// signature campaign targets the documents plugin's frozen version, and a meeting's
// minutes include the live notes written on its items.
#include <gtest/gtest.h>

#include "pacte/util.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {

Json ok(TestServer& s, const Person& p, const std::string& op, const Json& args) {
  auto r = api(s.port(), p.token, op, args);
  EXPECT_EQ(r.status, 200) << op << " → " << r.body;
  return r.json()["result"];
}

}  // namespace

TEST(PluginsTogether, TheDemoCampaignSignsTheFrozenVersionOfThePact) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  std::int64_t pacte = workspace_id(server.port(), ville.token, "pacte");
  Json docs = ok(server, ville, "documents.list", {{"workspace", pacte}})["documents"];
  ASSERT_EQ(docs.size(), 1u) << docs;
  ASSERT_TRUE(docs[0]["frozen_version"].is_number()) << docs;
  Json version = ok(server, ville, "documents.version.get", {{"version", docs[0]["frozen_version"]}})["version"];
  EXPECT_EQ(version["status"], "frozen");
  EXPECT_EQ(version["hash"], pacte::sha256_hex(version["canonical"].get<std::string>()));

  Json campaigns = ok(server, ville, "signatures.campaign.list", {{"workspace", pacte}})["campaigns"];
  ASSERT_EQ(campaigns.size(), 1u) << campaigns;
  Json campaign = ok(server, ville, "signatures.campaign.get", {{"campaign", campaigns[0]["id"]}})["campaign"];
  EXPECT_EQ(campaign["version_hash"], version["hash"]);
  EXPECT_EQ(campaign["signatories"].size(), 14u);
  // The boards' validations recorded on that version travel with the campaign.
  EXPECT_EQ(campaign["validations"].size(), 4u) << campaign["validations"];

  // What a signatory opens is the frozen text itself.
  Person maire = sign_in(server, "thierry.repentin@ville-chambery.example");
  auto opened = api(server.port(), maire.token, "signatures.open", {{"campaign", campaigns[0]["id"]}});
  ASSERT_EQ(opened.status, 200) << opened.body;
  Json o = opened.json()["result"];
  EXPECT_EQ(o.value("text", o.value("canonical", Json())), version["canonical"]) << o.dump().substr(0, 400);
}

TEST(PluginsTogether, MeetingMinutesIncludeTheLiveNotesOfEachItem) {
  TestServer server;
  Person a = sign_in(server, "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), a.token, "copil");
  Json meeting = ok(server, a, "agenda.schedule",
                    {{"workspace", copil}, {"title", "Comité de pilotage"}, {"start", "2026-06-12T14:00"}, {"end", "2026-06-12T16:00"}})["meeting"];
  Json added = ok(server, a, "agenda.add_item", {{"meeting", meeting["id"]}, {"title", "Bilan des actions"}, {"planned_minutes", 20}});
  std::int64_t item = added["item"]["id"];
  Json note = ok(server, a, "notes.create", {{"workspace", copil}, {"title", "Notes du bilan"}, {"agenda_item", item}})["note"];
  std::string typed = "Accord sur le calendrier 📅 — relance des partenaires.";
  Json ack = ok(server, a, "notes.submit",
                {{"note", note["id"]}, {"base_rev", 0}, {"client_id", "client-minutes-1"}, {"seq", 1}, {"op", Json::array({typed})}});
  EXPECT_EQ(ack["rev"], 1);
  Json minutes = ok(server, a, "agenda.minutes", {{"meeting", meeting["id"]}});
  std::string markdown = minutes["markdown"];
  EXPECT_NE(markdown.find("Bilan des actions"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find(typed), std::string::npos) << markdown;
}

TEST(PluginsTogether, ErasingASignatoryKeepsTheEvidenceButDropsTheirConnectionDetails) {
  TestServer server;
  Person ville = sign_in(server, "equipe@ville-chambery.example");
  std::int64_t pacte = workspace_id(server.port(), ville.token, "pacte");
  std::int64_t campaign = ok(server, ville, "signatures.campaign.list", {{"workspace", pacte}})["campaigns"][0]["id"];
  Person agnes = sign_in(server, "agnes.daffos@cs-moulins.example");
  Json opened = ok(server, agnes, "signatures.open", {{"campaign", campaign}});
  ok(server, agnes, "signatures.sign",
     {{"campaign", campaign}, {"version_hash", opened["version_hash"]}, {"consent_hash", opened["consent"]["hash"]}});

  // Right of access: the signature and the connection recorded with it.
  Json mine = ok(server, agnes, "me.export", Json::object());
  ASSERT_TRUE(mine["plugins"].contains("signatures")) << mine.dump().substr(0, 300);
  Json sig = mine["plugins"]["signatures"]["signatures"][0];
  EXPECT_EQ(sig["status"], "signed");
  ASSERT_EQ(sig["recorded_connection"].size(), 1u);
  EXPECT_EQ(sig["recorded_connection"][0]["address"], "127.0.0.1");

  // Erasure: the connection details go; the signed trail stays and still verifies.
  Person admin = sign_in(server, "admin@pacte.example");
  ok(server, admin, "admin.people.erase", {{"person", agnes.id}});
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM signatures_personal p JOIN signatures_signatories s ON s.id = p.signatory_id "
                           "WHERE s.person_id = " + std::to_string(agnes.id) + " AND (p.address IS NOT NULL OR p.user_agent IS NOT NULL)"),
            0);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM signatures_signatories WHERE status = 'signed' AND person_id = " +
                               std::to_string(agnes.id)),
            1);
  Json verified = ok(server, ville, "signatures.verify", {{"campaign", campaign}});
  EXPECT_EQ(verified["ok"], true) << verified.dump();
}
