// The password worker pool under a sign-in flood (issue 14): when its bounded queue is full,
// a sign-in gets `rate_limited` at once, the rest of the server keeps answering, and once
// the queue drains the sign-ins that were queued succeed and new ones work again; work
// deferred by a committed request (Context::defer, which the outbox uses to send email)
// is not lost to the full queue. The pool's only worker is held by a job waiting on a
// latch, so the queue's state is known exactly: nothing depends on how fast hashing is.
#include <gtest/gtest.h>

#include <latch>
#include <thread>
#include <vector>

#include "core/worker_pool.hpp"
#include "pacte/plugin.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {

HttpResponse sign_in_request(std::uint16_t port, const std::string& email) {
  return http(port, "POST", "/api/login", Json{{"email", email}, {"password", kPassword}}.dump(),
              {{"Origin", kOrigin}});
}

/// Holds the pool's only worker until released (also when the test ends early, so that
/// the server can stop).
class HeldWorker {
 public:
  explicit HeldWorker(pacte::WorkerPool& pool) {
    bool posted = pool.post([this] {
      held_.count_down();
      release_.wait();
    });
    if (!posted) {
      ADD_FAILURE() << "the pool refused the holding job";
      return;  // nothing to wait for
    }
    held_.wait();
  }
  ~HeldWorker() { release(); }
  void release() {
    if (!released_) release_.count_down();
    released_ = true;
  }

 private:
  std::latch held_{1};
  std::latch release_{1};
  bool released_ = false;
};

TEST(PasswordPool, AFullQueueAnswersRateLimitedAndSignInsWorkAgainOnceItDrains) {
  constexpr std::size_t kQueue = 3;
  TestServer server({.configure = [](pacte::ServerConfig& c) {
    c.password_workers = 1;
    c.limits.password_queue_max = kQueue;
  }});
  auto port = server.port();
  auto& pool = server.app().worker_pool();
  ASSERT_EQ(pool.max_queue(), kQueue);
  // Signed in before the flood: must keep being served during it.
  Person member = sign_in(server, "equipe@aqcv.example");

  const std::vector<std::string> queued_emails = {"equipe@biollay.example", "admin@pacte.example",
                                                  "equipe@ville-chambery.example"};
  std::vector<HttpResponse> queued_replies(queued_emails.size());
  std::vector<std::jthread> clients;  // declared first: joined once `worker` is released
  HeldWorker worker(pool);

  // Sign-ins fill the queue: each waits for its answer on a client thread.
  for (std::size_t i = 0; i < queued_emails.size(); ++i)
    clients.emplace_back([&, i] { queued_replies[i] = sign_in_request(port, queued_emails[i]); });
  ASSERT_TRUE(wait_until([&] { return pool.queued() == kQueue; }))
      << pool.queued() << " jobs queued";

  // The next sign-ins are refused at once, more of them than the per-account failure limit
  // (5): a refusal for a busy server must not count as a failed password.
  const std::string refused_email = "Agnes.Daffos@cs-moulins.example";
  for (int i = 0; i < 7; ++i) {
    auto r = sign_in_request(port, refused_email);
    EXPECT_EQ(r.status, 429) << r.body;
    EXPECT_EQ(r.json()["ok"], false);
    EXPECT_EQ(r.json()["error"]["code"], "rate_limited") << r.body;
    EXPECT_EQ(r.json()["error"]["retry_after"], 1) << r.body;
    EXPECT_EQ(r.headers["retry-after"], "1");
    EXPECT_EQ(r.headers.count("set-cookie"), 0u);
  }
  EXPECT_EQ(pool.queued(), kQueue) << "a refused sign-in was queued";

  // Everything that needs no hashing is still served, over HTTP and WebSocket.
  auto me = api(port, member.token, "session.me");
  EXPECT_EQ(me.status, 200) << me.body;
  WsClient ws(port, {.cookie = member.token});
  ASSERT_TRUE(ws.connected());
  auto ws_me = ws.request("session.me");
  EXPECT_EQ(ws_me["ok"], true) << ws_me.dump();

  // Released, the worker answers every queued sign-in.
  worker.release();
  for (auto& c : clients) c.join();
  for (std::size_t i = 0; i < queued_emails.size(); ++i) {
    EXPECT_EQ(queued_replies[i].status, 200) << queued_emails[i] << ": " << queued_replies[i].body;
    EXPECT_NE(queued_replies[i].headers["set-cookie"].find("pacte_session="), std::string::npos)
        << queued_emails[i];
  }
  EXPECT_EQ(pool.queued(), 0u);

  // And the refused person signs in normally: not throttled, not locked out.
  auto again = sign_in_request(port, refused_email);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["result"]["person"]["name"], "Agnès Daffos");
  EXPECT_EQ(
      scalar(server,
             "SELECT COUNT(*) FROM audit_log WHERE action IN ('login.failed', 'login.throttled')"),
      0);
}

/// A plugin whose one operation defers work to the pool, then records its result as an
/// event of the workspace.
struct DeferringPlugin : pacte::Plugin {
  int api_version() const override { return pacte::kSdkApiVersion; }
  std::string name() const override { return "differe"; }
  std::string version() const override { return "0"; }
  std::string title_fr() const override { return "Différé"; }
  std::string title_en() const override { return "Deferred"; }
  std::vector<pacte::Migration> migrations() const override { return {}; }
  void register_operations(pacte::Registrar& r) override {
    r.add({.name = "differe.digest",
           .schema = {{"type", "object"}, {"properties", {{"workspace", {{"type", "integer"}}}}}},
           .rule = pacte::Rule::member,
           .change = true,
           .handler = [](pacte::Context& ctx, const pacte::Call& call) {
             std::int64_t ws = call.workspace;
             ctx.defer([] { return pacte::Json("fait"); },
                       [ws](pacte::Context& later, const pacte::Json& result) {
                         later.append_event(ws, "differe.done", {{"result", result}});
                       });
             return pacte::Result::ok();
           }});
  }
};

TEST(PasswordPool, WorkDeferredByACommittedRequestIsNotLostToAFullQueue) {
  constexpr std::size_t kQueue = 2;
  TestServer server({.configure =
                         [](pacte::ServerConfig& c) {
                           c.password_workers = 1;
                           c.limits.password_queue_max = kQueue;
                           c.plugins.push_back("differe");
                         },
                     .prepare =
                         [](pacte::AppOptions& o) {
                           o.extra_plugins.push_back(std::make_unique<DeferringPlugin>());
                         }});
  auto& pool = server.app().worker_pool();
  std::string ville = login(server.port(), "equipe@ville-chambery.example");
  std::int64_t copil = workspace_id(server.port(), ville, "copil");
  WsClient ws(server.port(), {.cookie = ville});
  ws.subscribe();

  HeldWorker worker(pool);
  for (std::size_t i = 0; i < kQueue; ++i) ASSERT_TRUE(pool.post([] {}));
  ASSERT_FALSE(pool.post([] {})) << "the queue should be full";
  auto reply = ws.request("differe.digest", {{"workspace", copil}});
  ASSERT_EQ(reply["ok"], true) << reply.dump();

  worker.release();
  auto done = ws.wait_event("differe.done");
  ASSERT_TRUE(done) << "the deferred work was dropped";
  EXPECT_EQ((*done)["data"]["result"], "fait");
}

}  // namespace
