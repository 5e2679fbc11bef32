// Administration: invitations and one-time links, disabling, GDPR export and erasure.
#include <gtest/gtest.h>

#include "core/database.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {
std::string token_of(const std::string& link) {
  auto eq = link.rfind('=');
  return link.substr(eq + 1);
}
}  // namespace

TEST(Admin, AnOwnerInvitesAPartnerWhoSetsAPasswordOnceAndSeesTheWorkspace) {
  TestServer server;
  std::string owner = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), owner, "copil");
  auto r = api(server.port(), owner, "invitations.create",
               {{"workspace", copil}, {"email", "Nouvelle.Elue@ville-chambery.example"}, {"name", "Nouvelle Élue"},
                {"title", "Adjointe"}, {"role", "member"}}).json();
  ASSERT_EQ(r["ok"], true) << r;
  std::string link = r["result"]["invitation_link"];
  EXPECT_EQ(link.rfind(kOrigin, 0), 0u);
  // Before accepting, nobody can sign in with that email.
  EXPECT_THROW(login(server.port(), "nouvelle.elue@ville-chambery.example", "anything-long"), std::runtime_error);
  auto weak = http(server.port(), "POST", "/api/password.set", Json{{"token", token_of(link)}, {"password", "short"}}.dump());
  EXPECT_EQ(weak.status, 400);
  auto set = http(server.port(), "POST", "/api/password.set", Json{{"token", token_of(link)}, {"password", "un mot de passe solide"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_NE(set.headers["set-cookie"].find("pacte_session="), std::string::npos);
  // The link works once.
  auto again = http(server.port(), "POST", "/api/password.set", Json{{"token", token_of(link)}, {"password", "un autre mot de passe"}}.dump());
  EXPECT_EQ(again.status, 404);
  std::string invited = login(server.port(), "nouvelle.elue@ville-chambery.example", "un mot de passe solide");
  EXPECT_EQ(workspace_id(server.port(), invited, "copil"), copil);
  EXPECT_EQ(api(server.port(), invited, "chat.threads", {{"workspace", copil}}).status, 200);
  // Only the token's hash is stored.
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM invitations WHERE token_hash = '" + token_of(link) + "'"), 0);
}

TEST(Admin, AnOwnerCannotObtainALinkForAnExistingAccount) {
  TestServer server;
  std::string admin = login(server.port(), "admin@pacte.example");
  std::string owner = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), owner, "copil");
  // An account created by an admin, whose person has not chosen a password yet.
  auto added = api(server.port(), admin, "admin.people.add", {{"email", "pending@example.org"}, {"name", "En attente"}}).json();
  ASSERT_EQ(added["ok"], true);
  auto invited = api(server.port(), owner, "invitations.create",
                     {{"workspace", copil}, {"email", "pending@example.org"}, {"name", "X"}, {"role", "member"}}).json();
  ASSERT_EQ(invited["ok"], true) << invited;
  EXPECT_FALSE(invited["result"].contains("invitation_link"));  // added to the workspace, no takeover
  auto existing = api(server.port(), owner, "invitations.create",
                      {{"workspace", copil}, {"email", "daniel.bret@federation-cs-2savoie.example"}, {"name", "X"}, {"role", "observer"}}).json();
  EXPECT_FALSE(existing["result"].contains("invitation_link"));
}

TEST(Admin, AMemberCannotInviteAndAnExpiredLinkIsRefused) {
  pacte::ManualClock clock(std::chrono::system_clock::now());
  TestServer server({.clock = &clock});
  std::string member = login(server.port(), "equipe@biollay.example");
  std::string admin = login(server.port(), "admin@pacte.example");
  std::int64_t copil = workspace_id(server.port(), member, "copil");
  auto refused = api(server.port(), member, "invitations.create",
                     {{"workspace", copil}, {"email", "x@example.org"}, {"name", "X"}, {"role", "member"}});
  EXPECT_EQ(refused.status, 403);
  auto added = api(server.port(), admin, "admin.people.add", {{"email", "late@example.org"}, {"name", "Retard"}}).json();
  ASSERT_EQ(added["ok"], true) << added;
  auto dup = api(server.port(), admin, "admin.people.add", {{"email", "LATE@example.org"}, {"name", "Retard"}});
  EXPECT_EQ(dup.status, 409);
  clock.advance(std::chrono::hours(24 * 8));
  auto late = http(server.port(), "POST", "/api/password.set",
                   Json{{"token", token_of(added["result"]["invitation_link"])}, {"password", "assez long pour passer"}}.dump());
  EXPECT_EQ(late.status, 404);
}

TEST(Admin, DisablingAPersonClosesTheirSocketsAndRefusesThem) {
  TestServer server;
  std::string admin = login(server.port(), "admin@pacte.example");
  std::string token = login(server.port(), "equipe@aqcv.example");
  auto me = api(server.port(), token, "session.me").json();
  WsClient ws(server.port(), {.cookie = token});
  ws.next();
  auto r = api(server.port(), admin, "admin.people.disable", {{"person", me["result"]["person"]["id"]}, {"disabled", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ws.wait_close(), 4001);
  EXPECT_EQ(api(server.port(), token, "session.me").status, 401);
  EXPECT_THROW(login(server.port(), "equipe@aqcv.example"), std::runtime_error);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.disable'"), 1);
}

TEST(Admin, APasswordResetLinkEndsTheOtherSessions) {
  TestServer server;
  std::string admin = login(server.port(), "admin@pacte.example");
  std::string old_session = login(server.port(), "equipe@aqcv.example");
  auto me = api(server.port(), old_session, "session.me").json();
  WsClient ws(server.port(), {.cookie = old_session});
  ws.next();
  auto link = api(server.port(), admin, "admin.people.reset_link", {{"person", me["result"]["person"]["id"]}}).json();
  auto set = http(server.port(), "POST", "/api/password.set",
                  Json{{"token", token_of(link["result"]["reset_link"])}, {"password", "nouveau mot de passe"}}.dump());
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(ws.wait_close(), 4001);
  EXPECT_EQ(api(server.port(), old_session, "session.me").status, 401);
  EXPECT_THROW(login(server.port(), "equipe@aqcv.example"), std::runtime_error);  // old password
  EXPECT_NO_THROW(login(server.port(), "equipe@aqcv.example", "nouveau mot de passe"));
}

TEST(Admin, APersonDownloadsTheirDataAndAnAdminErasesThem) {
  TestServer server;
  std::string admin = login(server.port(), "admin@pacte.example");
  std::string token = login(server.port(), "equipe@aqcv.example");
  std::int64_t copil = workspace_id(server.port(), token, "copil");
  api(server.port(), token, "chat.create_thread", {{"workspace", copil}, {"title", "Mon sujet"}, {"body", "Mon message"}});
  auto data = api(server.port(), token, "me.export").json()["result"];
  EXPECT_EQ(data["person"]["email"], "equipe@aqcv.example");
  bool found = false;
  for (auto& m : data["messages"]) found = found || m["body"] == "Mon message";
  EXPECT_TRUE(found);
  EXPECT_FALSE(data["sessions"].empty());
  std::int64_t id = data["person"]["id"];
  ASSERT_EQ(api(server.port(), admin, "admin.people.erase", {{"person", id}}).status, 200);
  EXPECT_EQ(api(server.port(), token, "session.me").status, 401);
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM people WHERE email = 'equipe@aqcv.example'"), 0);
  // The partners keep the discussion, under a neutral name.
  auto found_msgs = api(server.port(), admin, "chat.search", {{"query", "Mon message"}}).json();
  auto hist = api(server.port(), admin, "chat.history", {{"thread", found_msgs["result"]["messages"][0]["thread"]}}).json();
  EXPECT_EQ(hist["result"]["messages"][0]["author_name"], "Personne supprimée " + std::to_string(id));
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.erase'"), 1);
  // Nor does the event log keep their name.
  EXPECT_EQ(scalar(server, "SELECT COUNT(*) FROM events WHERE data LIKE '%Équipe AQCV%'"), 0);
}
