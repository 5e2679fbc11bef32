// Sign-in, sessions and their refusals, as a client meets them.
#include <gtest/gtest.h>

#include "core/database.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

TEST(Auth, LoginSetsAHardenedCookieAndTheDatabaseHoldsOnlyItsHash) {
  TestServer server;
  auto r = http(server.port(), "POST", "/api/login",
                Json{{"email", "Agnes.Daffos@cs-moulins.example"}, {"password", kPassword}}.dump(), {{"Origin", kOrigin}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["result"]["person"]["name"], "Agnès Daffos");
  std::string cookie = r.headers["set-cookie"];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  std::string token = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  EXPECT_EQ(token.size(), 43u);
  pacte::Database db((server.data_dir() / "pacte.sqlite3").string(), pacte::DatabaseOptions{.read_only = true});
  auto& q = db.prepare("SELECT COUNT(*) FROM sessions WHERE token_hash = ?");
  q.bind(1, token);
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), 0);  // the token itself is not stored
  q.reset();
  auto& h = db.prepare("SELECT COUNT(*) FROM sessions WHERE token_hash = ?");
  h.bind(1, pacte::token_hash(token));
  ASSERT_TRUE(h.step());
  EXPECT_EQ(h.int64(0), 1);
  h.reset();
  auto& a = db.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'login'");
  ASSERT_TRUE(a.step());
  EXPECT_EQ(a.int64(0), 1);
}

TEST(Auth, UnknownEmailAndWrongPasswordLookTheSame) {
  TestServer server;
  auto wrong = http(server.port(), "POST", "/api/login",
                    Json{{"email", "equipe@aqcv.example"}, {"password", "nope"}}.dump());
  auto unknown = http(server.port(), "POST", "/api/login",
                      Json{{"email", "nobody@aqcv.example"}, {"password", "nope"}}.dump());
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.headers.count("set-cookie"), 0u);
}

TEST(Auth, RepeatedFailuresAreThrottledPerAccount) {
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.login_failures_per_account = 3; }});
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(http(server.port(), "POST", "/api/login", Json{{"email", "equipe@aqcv.example"}, {"password", "x"}}.dump()).status, 401);
  // Even the right password is refused while throttled, with a retry-after.
  auto r = http(server.port(), "POST", "/api/login", Json{{"email", "equipe@aqcv.example"}, {"password", kPassword}}.dump());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json()["error"]["code"], "rate_limited");
  EXPECT_GT(r.json()["error"]["retry_after"].get<int>(), 0);
  EXPECT_FALSE(r.headers["retry-after"].empty());
  // Another account is unaffected.
  EXPECT_NO_THROW(login(server.port(), "equipe@biollay.example"));
}

TEST(Auth, WebSocketUpgradeNeedsCredentialsAndAnAllowedOrigin) {
  TestServer server;
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  EXPECT_EQ(WsClient(server.port(), {.cookie = ""}).refused_status(), 401);
  EXPECT_EQ(WsClient(server.port(), {.cookie = "forged-token"}).refused_status(), 401);
  EXPECT_EQ(WsClient(server.port(), {.cookie = token, .origin = "http://evil.example"}).refused_status(), 403);
  EXPECT_EQ(WsClient(server.port(), {.cookie = token, .origin = ""}).refused_status(), 403);
  WsClient ok(server.port(), {.cookie = token});
  EXPECT_TRUE(ok.connected());
}

TEST(Auth, CrossSiteApiPostsWithACookieAreRefused) {
  TestServer server;
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  auto r = http(server.port(), "POST", "/api/session.me", "{}",
                {{"Cookie", "pacte_session=" + token}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  auto login_csrf = http(server.port(), "POST", "/api/login",
                         Json{{"email", "equipe@aqcv.example"}, {"password", kPassword}}.dump(), {{"Origin", "http://evil.example"}});
  EXPECT_EQ(login_csrf.status, 403);
}

TEST(Auth, LogoutEndsTheSessionAndClosesItsSockets) {
  TestServer server;
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  std::string other = login(server.port(), "equipe@ville-chambery.example");
  WsClient tab1(server.port(), {.cookie = token});
  WsClient tab2(server.port(), {.cookie = token});
  WsClient elsewhere(server.port(), {.cookie = other});
  tab1.next();
  tab2.next();
  elsewhere.next();
  auto r = http(server.port(), "POST", "/api/logout", "{}", {{"Cookie", "pacte_session=" + token}, {"Origin", kOrigin}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(tab1.wait_close(), 4001);
  EXPECT_EQ(tab2.wait_close(), 4001);
  EXPECT_EQ(api(server.port(), token, "session.me").status, 401);
  // The other session of the same person is untouched.
  EXPECT_EQ(elsewhere.request("session.me")["ok"], true);
}

TEST(Auth, SessionsExpireWhenIdle) {
  pacte::ManualClock clock(std::chrono::system_clock::now());
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.session_idle_hours = 1; }, .clock = &clock});
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  EXPECT_EQ(api(server.port(), token, "session.me").status, 200);
  clock.advance(std::chrono::minutes(59));
  EXPECT_EQ(api(server.port(), token, "session.me").status, 200);  // activity renews it
  clock.advance(std::chrono::minutes(61));
  EXPECT_EQ(api(server.port(), token, "session.me").status, 401);
  EXPECT_EQ(WsClient(server.port(), {.cookie = token}).refused_status(), 401);
}

TEST(Auth, ApiTokensAuthenticateScriptsAndReadTokensCannotWrite) {
  TestServer server;
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  auto created = api(server.port(), token, "tokens.create", {{"name", "script"}, {"scope", "read"}}).json();
  std::string pat = created["result"]["token"];
  auto me = http(server.port(), "POST", "/api/session.me", "{}", {{"Authorization", "Bearer " + pat}});
  EXPECT_EQ(me.status, 200);
  std::int64_t copil = workspace_id(server.port(), token, "copil");
  auto write = http(server.port(), "POST", "/api/chat.create_thread",
                    Json{{"workspace", copil}, {"title", "t"}, {"body", "b"}}.dump(), {{"Authorization", "Bearer " + pat}});
  EXPECT_EQ(write.status, 403);
  WsClient bot(server.port(), {.bearer = pat, .origin = ""});
  EXPECT_TRUE(bot.connected());
  bot.next();
  api(server.port(), token, "tokens.revoke", {{"id", created["result"]["id"]}});
  EXPECT_EQ(bot.wait_close(), 4001);  // its open socket closes at once
  EXPECT_EQ(http(server.port(), "POST", "/api/session.me", "{}", {{"Authorization", "Bearer " + pat}}).status, 401);
}
