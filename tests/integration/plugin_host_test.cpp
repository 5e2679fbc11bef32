// The plugin host: discovery, the SDK version check, timers and export contributions.
#include <gtest/gtest.h>

#include "core/database.hpp"
#include "pacte/plugin.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {
struct FakePlugin : pacte::Plugin {
  int api = pacte::kSdkApiVersion;
  std::string plugin_name = "fake";
  int api_version() const override { return api; }
  std::string name() const override { return plugin_name; }
  std::string version() const override { return "0"; }
  std::string title_fr() const override { return "Faux"; }
  std::string title_en() const override { return "Fake"; }
  std::vector<pacte::Migration> migrations() const override { return {}; }
  void register_operations(pacte::Registrar&) override {}
};
}  // namespace

TEST(PluginHost, PluginFoldersAreDiscoveredAndRegistered) {
  auto plugins = pacte::Application::compiled_plugins();
  bool poll = false;
  for (auto& p : plugins) poll = poll || p->name() == "poll";
  EXPECT_TRUE(poll) << "plugins/poll/ holds a plugin.json: CMake must list it";
  std::filesystem::path dir;
  {
    TestServer server;
    server.keep_data();
    dir = server.data_dir();
    EXPECT_NE(server.app().dispatcher().find("poll.create"), nullptr);
    EXPECT_EQ(server.app().dispatcher().find("poll.create")->plugin, "poll");
  }
  // Its migrations ran once, under its own module name; a restart applies nothing again.
  auto versions = [&] {
    pacte::Database db((dir / "pacte.sqlite3").string(), pacte::DatabaseOptions{.read_only = true});
    auto& q = db.prepare("SELECT COUNT(*), MAX(version) FROM schema_migrations WHERE module = 'plugin:poll'");
    q.step();
    auto r = std::make_pair(q.int64(0), q.int64(1));
    q.reset();
    return r;
  };
  auto first = versions();
  EXPECT_GE(first.first, 1);
  EXPECT_EQ(first.first, first.second);  // versions 1..N, each once
  {
    TestServer again(dir, {});
    again.keep_data();
  }
  EXPECT_EQ(versions(), first);
  std::filesystem::remove_all(dir);
}

TEST(PluginHost, APluginBuiltForAnotherSdkVersionIsRefusedClearly) {
  FakePlugin old;
  old.api = pacte::kSdkApiVersion + 1;
  try {
    pacte::Application::check_plugin(old);
    FAIL() << "expected a refusal";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("SDK API version"), std::string::npos) << what;
    EXPECT_NE(what.find("rebuild"), std::string::npos) << what;
  }
  FakePlugin bad_name;
  bad_name.plugin_name = "Chat Plus";
  EXPECT_THROW(pacte::Application::check_plugin(bad_name), std::runtime_error);
  FakePlugin core_name;
  core_name.plugin_name = "chat";
  EXPECT_THROW(pacte::Application::check_plugin(core_name), std::runtime_error);
  FakePlugin fine;
  EXPECT_NO_THROW(pacte::Application::check_plugin(fine));
}

TEST(PluginHost, AConfiguredPluginThatIsNotCompiledInStopsTheStart) {
  EXPECT_THROW(TestServer({.configure = [](pacte::ServerConfig& c) { c.plugins.push_back("sondage-inexistant"); }}),
               pacte::ConfigError);
}

TEST(PluginHost, PluginsContributeToTheWorkspaceExport) {
  TestServer server;
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  auto created = api(server.port(), ville, "poll.create",
                     {{"workspace", copil}, {"question", "Quelle date ?"}, {"options", {"12 mars", "19 mars"}}}).json();
  ASSERT_EQ(created["ok"], true) << created;
  auto r = http(server.port(), "GET", "/export/" + std::to_string(copil) + ".tar", "", {{"Cookie", "pacte_session=" + ville}});
  ASSERT_EQ(r.status, 200);
  // workspace.json is the archive's first member: after its 512-byte header.
  auto size_field = r.body.substr(124, 11);
  std::size_t size = std::stoul(size_field, nullptr, 8);
  Json exported = Json::parse(r.body.substr(512, size));
  ASSERT_TRUE(exported["plugins"].contains("poll"));
  EXPECT_EQ(exported["plugins"]["poll"]["polls"][0]["question"], "Quelle date ?");
  // Disabled in the workspace: no contribution.
  api(server.port(), ville, "plugins.disable", {{"workspace", copil}, {"plugin", "poll"}});
  auto r2 = http(server.port(), "GET", "/export/" + std::to_string(copil) + ".tar", "", {{"Cookie", "pacte_session=" + ville}});
  std::size_t size2 = std::stoul(r2.body.substr(124, 11), nullptr, 8);
  EXPECT_FALSE(Json::parse(r2.body.substr(512, size2))["plugins"].contains("poll"));
}

TEST(Resume, BeyondTheReplayWindowTheClientIsToldToResync) {
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.replay_window = 10; }});
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  auto first = api(server.port(), ville, "chat.create_thread", {{"workspace", copil}, {"title", "t"}, {"body", "0"}}).json();
  std::int64_t seq = api(server.port(), ville, "workspaces.get", {{"workspace", copil}}).json()["result"]["workspace"]["last_seq"];
  for (int i = 0; i < 12; ++i)
    api(server.port(), ville, "chat.post", {{"thread", first["result"]["thread"]["id"]}, {"body", std::to_string(i)}});
  WsClient ws(server.port(), {.cookie = ville});
  ws.next();
  auto r = ws.subscribe({{std::to_string(copil), seq}});
  ASSERT_EQ(r["ok"], true);
  auto resync = ws.wait_event("resync_required");
  ASSERT_TRUE(resync);
  EXPECT_EQ((*resync)["workspace"], copil);
  EXPECT_EQ((*resync)["data"]["latest_seq"], seq + 12);
  for (auto& e : ws.events()) EXPECT_NE(e["event"], "chat.message_posted");  // no partial replay
}

namespace {
/// A plugin that uses the scheduling and deferring parts of the SDK.
struct SchedulingPlugin : FakePlugin {
  SchedulingPlugin() { plugin_name = "rappel"; }
  void register_operations(pacte::Registrar& r) override {
    r.on_schedule("ring", [](pacte::Context& ctx, const pacte::Json& payload) {
      ctx.append_event(payload["workspace"], "rappel.rang", {{"note", payload["note"]}});
    });
    r.add({.name = "rappel.set",
           .schema = {{"type", "object"}, {"properties", {{"workspace", {{"type", "integer"}}}, {"minutes", {{"type", "integer"}}}}}},
           .rule = pacte::Rule::member,
           .change = true,
           .handler = [](pacte::Context& ctx, const pacte::Call& call) {
             auto due = ctx.now() + std::chrono::minutes(call.args["minutes"].get<int>());
             std::int64_t id = ctx.schedule("rappel.ring", due, {{"workspace", call.workspace}, {"note", "c'est l'heure"}});
             return pacte::Result::ok({{"job", id}});
           }});
    r.add({.name = "rappel.cancel",
           .schema = {{"type", "object"}, {"properties", {{"workspace", {{"type", "integer"}}}, {"job", {{"type", "integer"}}}}}},
           .rule = pacte::Rule::member,
           .change = true,
           .handler = [](pacte::Context& ctx, const pacte::Call& call) {
             return pacte::Result::ok({{"cancelled", ctx.cancel_schedule(call.args["job"].get<std::int64_t>())}});
           }});
    r.add({.name = "rappel.digest",
           .schema = {{"type", "object"}, {"properties", {{"workspace", {{"type", "integer"}}}, {"fail", {{"type", "boolean"}}}}}},
           .rule = pacte::Rule::member,
           .change = true,
           .handler = [](pacte::Context& ctx, const pacte::Call& call) {
             std::int64_t ws = call.workspace;
             ctx.defer([] { return pacte::Json("résumé calculé hors du moteur"); },
                       [ws](pacte::Context& later, const pacte::Json& result) {
                         later.append_event(ws, "rappel.digested", {{"result", result}});
                       });
             if (call.args.value("fail", false))  // a failed request never starts its deferred work
               return pacte::Result::fail(pacte::ErrorCode::conflict, "refused");
             return pacte::Result::ok();
           }});
  }
};
}  // namespace

TEST(PluginHost, ScheduledJobsRunWhenDueCanBeCancelledAndDeferredWorkFollowsTheCommit) {
  pacte::ManualClock clock(std::chrono::system_clock::now());
  TestServer server({.configure = [](pacte::ServerConfig& c) { c.plugins.push_back("rappel"); },
                     .prepare = [](pacte::AppOptions& o) { o.extra_plugins.push_back(std::make_unique<SchedulingPlugin>()); },
                     .clock = &clock});
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  WsClient ws(server.port(), {.cookie = ville});
  ws.next();
  ws.subscribe();
  auto kept = ws.request("rappel.set", {{"workspace", copil}, {"minutes", 60}});
  auto dropped = ws.request("rappel.set", {{"workspace", copil}, {"minutes", 30}});
  ASSERT_EQ(kept["ok"], true) << kept;
  EXPECT_EQ(ws.request("rappel.cancel", {{"workspace", copil}, {"job", dropped["result"]["job"]}})["result"]["cancelled"], true);
  EXPECT_EQ(ws.request("rappel.cancel", {{"workspace", copil}, {"job", dropped["result"]["job"]}})["result"]["cancelled"], false);
  clock.advance(std::chrono::minutes(61));
  auto rang = ws.wait_event("rappel.rang", std::chrono::seconds(10));  // the job timer ticks every second
  ASSERT_TRUE(rang);
  EXPECT_EQ((*rang)["data"]["note"], "c'est l'heure");
  // Exactly one job ran: the cancelled one left no event behind it in the log.
  auto log = api(server.port(), ville, "workspaces.get", {{"workspace", copil}}).json();
  EXPECT_EQ((*rang)["seq"], log["result"]["workspace"]["last_seq"]);

  ASSERT_EQ(ws.request("rappel.digest", {{"workspace", copil}, {"fail", true}})["ok"], false);
  ASSERT_EQ(ws.request("rappel.digest", {{"workspace", copil}})["ok"], true);
  auto digested = ws.wait_event("rappel.digested");
  ASSERT_TRUE(digested);
  EXPECT_EQ((*digested)["data"]["result"], "résumé calculé hors du moteur");
  EXPECT_FALSE(ws.wait_event("rappel.digested", std::chrono::milliseconds(500)));  // only the committed one
}
