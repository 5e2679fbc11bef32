// The foundation as a client sees it: health, metrics, static files, the dispatcher over
// WebSocket and HTTP, every protocol limit, graceful shutdown.
#include <gtest/gtest.h>

#include <fstream>

#include "support/test_server.hpp"

using namespace pacte::test;

namespace {

struct ServerTest : ::testing::Test {
  static inline std::unique_ptr<TestServer> server;
  static inline std::string token;
  static void SetUpTestSuite() {
    server = std::make_unique<TestServer>(ServerOptions{.configure = [](pacte::ServerConfig& c) {
      c.limits.max_frame_bytes = 4096;
    }});
    std::ofstream(server->app().config().web_root / "index.html") << "<!doctype html><title>Pacte</title>";
    std::filesystem::create_directories(server->app().config().web_root / "assets");
    std::ofstream(server->app().config().web_root / "assets" / "app-abc123.js") << "console.log(1)";
    std::ofstream(server->data_dir() / "secret.txt") << "do not serve";
    token = login(server->port(), "equipe@ville-chambery.example");
  }
  static void TearDownTestSuite() { server.reset(); }
  std::uint16_t port() { return server->port(); }
};

}  // namespace

TEST_F(ServerTest, HealthAndMetrics) {
  auto h = http(port(), "GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.json()["status"], "ok");
  api(port(), token, "workspaces.list");
  auto m = http(port(), "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.headers["content-type"].find("text/plain"), std::string::npos);
  for (auto name : {"pacte_connections ", "pacte_requests_total ", "pacte_request_seconds_bucket{le=",
                    "pacte_commit_seconds_count ", "pacte_frames_received_total "})
    EXPECT_NE(m.body.find(name), std::string::npos) << name;
}

TEST_F(ServerTest, ServesTheClientWithTypesCachingAndNoTraversal) {
  auto index = http(port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(index.headers["cache-control"], "no-cache");
  EXPECT_NE(index.headers["content-security-policy"].find("default-src 'self'"), std::string::npos);
  auto asset = http(port(), "GET", "/assets/app-abc123.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_NE(asset.headers["cache-control"].find("immutable"), std::string::npos);
  // Client-side routes get the application; missing files with an extension do not.
  EXPECT_EQ(http(port(), "GET", "/w/12/t/3").body, index.body);
  EXPECT_EQ(http(port(), "GET", "/missing.js").status, 404);
  for (auto bad : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt"}) {
    auto r = http(port(), "GET", bad);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_EQ(r.body.find("do not serve"), std::string::npos) << bad;
  }
}

TEST_F(ServerTest, RoundTripOverWebSocketAndHttp) {
  WsClient ws(port(), {.cookie = token});
  ASSERT_TRUE(ws.connected());
  auto hello = ws.next();
  ASSERT_TRUE(hello);
  EXPECT_EQ((*hello)["event"], "hello");
  EXPECT_EQ((*hello)["data"]["person"]["name"], "Équipe Ville de Chambéry");
  auto me = ws.request("session.me");
  EXPECT_EQ(me["ok"], true);
  EXPECT_EQ(me["result"]["person"]["email"], "equipe@ville-chambery.example");
  auto viaHttp = api(port(), token, "session.me");
  EXPECT_EQ(viaHttp.status, 200);
  EXPECT_EQ(viaHttp.json()["result"]["person"], me["result"]["person"]);
}

TEST_F(ServerTest, BadRequestsGetAnErrorAndKeepTheConnection) {
  WsClient ws(port(), {.cookie = token});
  ws.next();
  ws.send_text("{not json");
  auto r = ws.next();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["error"]["code"], "bad_request");
  auto unknown = ws.request("no.such_op");
  EXPECT_EQ(unknown["error"]["code"], "not_found");
  auto wrong = ws.request("chat.threads", {{"workspace", "seven"}});
  EXPECT_EQ(wrong["error"]["code"], "bad_request");
  EXPECT_EQ(wrong["error"]["field"], "args.workspace");
  EXPECT_FALSE(wrong["error"]["message_fr"].get<std::string>().empty());
  auto huge = ws.request("chat.threads", Json::parse(R"({"workspace": 123456789012345678901234567890})"));
  EXPECT_EQ(huge["error"]["code"], "bad_request");
  std::string deep = R"({"id":"d","op":"session.me","args":{"x":)" + std::string(10000, '[') + std::string(10000, ']') + "}}";
  ws.send_text(deep);  // 20 KB, over this server's 4 KiB frame limit
  // Closed (1009; or reset, when the server closes while the client is still writing a
  // frame this large: the exact code is checked with a smaller frame below).
  EXPECT_TRUE(ws.wait_close(std::chrono::seconds(5)));
  WsClient ws2(port(), {.cookie = token});
  ws2.next();
  std::string nested = R"({"id":"d","op":"session.me","args":{"x":)" + std::string(40, '[') + std::string(40, ']') + "}}";
  ws2.send_text(nested);
  auto depth = ws2.next();
  ASSERT_TRUE(depth);
  EXPECT_EQ((*depth)["error"]["code"], "bad_request");
  EXPECT_EQ(ws2.request("session.me")["ok"], true);  // still connected
}

TEST_F(ServerTest, ProtocolViolationsCloseWithTheRfc6455Code) {
  {
    WsClient ws(port(), {.cookie = token});
    ws.next();
    ws.send_binary("\x01\x02");
    EXPECT_EQ(ws.wait_close(), 1003);
  }
  {
    WsClient ws(port(), {.cookie = token});
    ws.next();
    ws.send_text(std::string(5000, 'a'));
    EXPECT_EQ(ws.wait_close(), 1009);
  }
  {
    WsClient ws(port(), {.cookie = token});
    ws.next();
    ws.send_text("{\"id\":\"\xff\xfe\"}");
    EXPECT_EQ(ws.wait_close(), 1007);
  }
}

TEST_F(ServerTest, HttpApiMapsErrorsToStatuses) {
  EXPECT_EQ(api(port(), token, "no.such").status, 404);
  EXPECT_EQ(api(port(), token, "chat.threads", {{"workspace", "x"}}).status, 400);
  auto anon = http(port(), "POST", "/api/session.me", "{}");
  EXPECT_EQ(anon.status, 401);
  EXPECT_EQ(anon.json()["error"]["code"], "unauthenticated");
  auto get = http(port(), "GET", "/api/session.me");
  EXPECT_EQ(get.status, 405);
  auto malformed = http(port(), "POST", "/api/session.me", "[1,2",
                        {{"Cookie", "pacte_session=" + token}, {"Origin", kOrigin}});
  EXPECT_EQ(malformed.status, 400);
}

TEST(ServerShutdown, InFlightRequestsAreAnsweredThenSocketsCloseWithGoingAway) {
  TestServer server;
  std::string token = login(server.port(), "equipe@ville-chambery.example");
  WsClient ws(server.port(), {.cookie = token});
  ws.next();
  ws.subscribe();
  std::int64_t copil = workspace_id(server.port(), token, "copil");
  auto threads = api(server.port(), token, "chat.threads", {{"workspace", copil}}).json();
  std::int64_t thread = threads["result"]["threads"][0]["id"];
  ws.send_text(Json{{"id", "inflight"}, {"op", "chat.post"}, {"args", {{"thread", thread}, {"body", "dernier message"}}}}.dump());
  std::thread stopper([&] { server.stop(); });
  // The reply arrives (after its commit), then the close with 1001.
  bool replied = false, ok = false;
  for (int i = 0; i < 10 && !replied; ++i) {
    auto f = ws.next();
    if (!f) break;
    if (f->value("id", "") == "inflight") {
      replied = true;
      ok = (*f)["ok"] == true;
    }
  }
  auto code = ws.wait_close();
  stopper.join();
  EXPECT_TRUE(replied);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 1001);
  // Acknowledged means stored, exactly once; refused (unavailable) means not stored.
  pacte::Database db((server.data_dir() / "pacte.sqlite3").string(), pacte::DatabaseOptions{.read_only = true});
  auto& q = db.prepare("SELECT COUNT(*) FROM messages WHERE body = 'dernier message'");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.int64(0), ok ? 1 : 0);
}
