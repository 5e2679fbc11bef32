#include "core/engine.hpp"

#include <gtest/gtest.h>

#include "core/accounts.hpp"

using namespace pacte;

namespace {

/// An engine on an in-memory database with one workspace and two people, run without a
/// thread (run_once) so that tests are deterministic.
struct EngineFixture : ::testing::Test {
  Database db{":memory:"};
  Dispatcher dispatcher;
  ManualClock clock{from_millis(1'700'000'000'000)};
  Metrics metrics;
  Engine engine{db, dispatcher, clock, metrics};
  std::vector<Batch> batches;

  void SetUp() override {
    db.migrate("core", core_migrations());
    db.exec(
        "INSERT INTO people(id, email, name, created_at) VALUES (1, 'a@x', 'A', 'now'), (2, 'b@x', 'B', 'now');"
        "INSERT INTO workspaces(id, key, name, kind, created_at) VALUES (7, 'w', 'W', 'k', 'now');"
        "INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (7, 1, 'member'), (7, 2, 'observer');"
        "CREATE TABLE notes(v TEXT)");
    dispatcher.add_scope("workspace", [](Context& ctx, std::int64_t id) -> std::optional<std::int64_t> {
      auto& q = ctx.sql("SELECT id FROM workspaces WHERE id = ?");
      q.bind(1, id);
      bool f = q.step();
      q.reset();
      return f ? std::optional<std::int64_t>(id) : std::nullopt;
    });
    Json schema = {{"type", "object"}, {"properties", {{"workspace", {{"type", "integer"}}}, {"v", {{"type", "string"}}}}}};
    dispatcher.add({.name = "t.write", .schema = schema, .rule = Rule::member, .change = true,
                    .handler = [](Context& ctx, const Call& call) {
                      auto& q = ctx.sql("INSERT INTO notes(v) VALUES (?)");
                      q.bind(1, call.args["v"].get<std::string>()).run();
                      std::int64_t seq = ctx.append_event(call.workspace, "t.written", {{"v", call.args["v"]}});
                      if (call.args["v"] == "fail") return Result::fail(ErrorCode::conflict, "refused");
                      if (call.args["v"] == "throw") throw std::runtime_error("plugin bug");
                      return Result::ok({{"seq", seq}});
                    }});
    dispatcher.add({.name = "t.read", .schema = schema, .rule = Rule::observer,
                    .handler = [](Context& ctx, const Call&) {
                      auto& q = ctx.sql("SELECT COUNT(*) FROM notes");
                      q.step();
                      Json n = q.int64(0);
                      q.reset();
                      return Result::ok({{"count", n}});
                    }});
    engine.set_sink([this](Batch&& b) { batches.push_back(std::move(b)); });
  }

  void submit(std::int64_t person, const std::string& op, Json args, const std::string& id = "") {
    Inbound in;
    in.op = op;
    in.args = std::move(args);
    in.client_id = id;
    in.caller.person = person;
    engine.submit(std::move(in));
  }
  std::int64_t count(const char* sql) {
    auto& q = db.prepare(sql);
    q.step();
    auto n = q.int64(0);
    q.reset();
    return n;
  }
};

}  // namespace

TEST_F(EngineFixture, GroupCommitIsolatesAFailingRequest) {
  submit(1, "t.write", {{"workspace", 7}, {"v", "one"}}, "r1");
  submit(1, "t.write", {{"workspace", 7}, {"v", "fail"}}, "r2");
  submit(1, "t.write", {{"workspace", 7}, {"v", "throw"}}, "r3");
  submit(1, "t.write", {{"workspace", 7}, {"v", "two"}}, "r4");
  engine.run_once();
  ASSERT_EQ(batches.size(), 1u);  // one transaction for the four
  auto& c = batches[0].completions;
  ASSERT_EQ(c.size(), 4u);
  EXPECT_TRUE(c[0].result.is_ok());
  EXPECT_EQ(c[1].result.error().code, ErrorCode::conflict);
  EXPECT_EQ(c[2].result.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(c[3].result.is_ok());
  // The failed requests left no row and no event; sequences stay gapless.
  EXPECT_EQ(count("SELECT COUNT(*) FROM notes"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), 2);
  EXPECT_EQ(count("SELECT MAX(seq) FROM events"), 2);
  EXPECT_EQ(batches[0].outputs.size(), 2u);
  EXPECT_EQ(c[3].result.value()["seq"], 2);
}

TEST_F(EngineFixture, SameIdReturnsTheFirstReplyAndADifferentBodyConflicts) {
  submit(1, "t.write", {{"workspace", 7}, {"v", "one"}}, "same");
  engine.run_once();
  submit(1, "t.write", {{"workspace", 7}, {"v", "one"}}, "same");
  submit(1, "t.write", {{"workspace", 7}, {"v", "other"}}, "same");
  engine.run_once();
  EXPECT_EQ(count("SELECT COUNT(*) FROM notes"), 1);
  auto& first = batches[0].completions[0];
  auto& retry = batches[1].completions[0];
  ASSERT_TRUE(retry.result.is_ok());
  EXPECT_EQ(retry.result.value(), first.result.value());
  EXPECT_TRUE(batches[1].outputs.empty());  // no second event
  EXPECT_EQ(batches[1].completions[1].result.error().code, ErrorCode::conflict);
}

TEST_F(EngineFixture, EnforcesRulesBeforeTheHandler) {
  submit(0, "t.read", {{"workspace", 7}});  // anonymous
  submit(2, "t.write", {{"workspace", 7}, {"v", "x"}});  // observer
  submit(2, "t.read", {{"workspace", 7}});  // observer reads
  submit(3, "t.read", {{"workspace", 7}});  // unknown person: non-member
  submit(1, "t.read", {{"workspace", 99}});  // no such workspace: same answer
  submit(1, "nope", Json::object());
  engine.run_once();
  auto& c = batches[0].completions;
  EXPECT_EQ(c[0].result.error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(c[1].result.error().code, ErrorCode::forbidden);
  EXPECT_TRUE(c[2].result.is_ok());
  EXPECT_EQ(c[3].result.error().code, ErrorCode::not_found);
  EXPECT_EQ(c[4].result.error().code, ErrorCode::not_found);
  EXPECT_EQ(c[4].result.error().message, c[3].result.error().message);
  EXPECT_EQ(c[5].result.error().code, ErrorCode::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM notes"), 0);
}

TEST_F(EngineFixture, ReadOnlyTokensCannotChange) {
  Inbound in;
  in.op = "t.write";
  in.args = {{"workspace", 7}, {"v", "x"}};
  in.caller.person = 1;
  in.caller.read_only = true;
  engine.submit(std::move(in));
  engine.run_once();
  EXPECT_EQ(batches[0].completions[0].result.error().code, ErrorCode::forbidden);
}

TEST_F(EngineFixture, EventsCarryTimeFromTheClock) {
  clock.set(from_millis(1'800'000'000'123));
  submit(1, "t.write", {{"workspace", 7}, {"v", "one"}});
  engine.run_once();
  auto& e = std::get<EventOut>(batches[0].outputs[0]);
  Json frame = Json::parse(*e.frame);
  EXPECT_EQ(frame["time"], "2027-01-15T08:00:00.123Z");
  EXPECT_EQ(frame["author"], 1);
  EXPECT_EQ(frame["workspace"], 7);
}

TEST(Tokens, OnlyTheHashIsStoredAndItIsSha256) {
  std::string t = random_token();
  EXPECT_EQ(t.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(token_hash(t).size(), 64u);
  EXPECT_NE(token_hash(t), t);
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Passwords, Argon2idHashesVerifyAndAskForRehashWhenLimitsChange) {
  std::string h = hash_password("s3cret", PasswordCost::test);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "s3cret"));
  EXPECT_FALSE(verify_password(h, "S3cret"));
  EXPECT_FALSE(password_needs_rehash(h, PasswordCost::test));
  EXPECT_TRUE(password_needs_rehash(h, PasswordCost::interactive));
}

TEST_F(EngineFixture, RetentionBlanksOldAddressesRemovesOldAuditEntriesAndNothingElseMay) {
  EngineContext ctx(db, clock, dispatcher);
  auto at = [&](int days_ago) { return format_time(clock.now() - std::chrono::hours(24 * days_ago)); };
  db.exec("INSERT INTO audit_log(at, actor_id, action, target, address) VALUES ('" + at(800) + "', 1, 'login', 'old', '10.0.0.1'), ('" +
          at(100) + "', 1, 'login', 'middle', '10.0.0.2'), ('" + at(1) + "', 1, 'login', 'recent', '10.0.0.3')");
  // Outside the retention pass, the log cannot be rewritten nor shortened.
  EXPECT_THROW(db.exec("UPDATE audit_log SET action = 'forged' WHERE target = 'recent'"), SqlError);
  EXPECT_THROW(db.exec("DELETE FROM audit_log WHERE target = 'old'"), SqlError);
  Accounts::apply_retention(ctx, Retention{.addresses_days = 90, .audit_days = 730});
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE target = 'old'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE target = 'middle' AND address IS NULL"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE target = 'recent' AND address = '10.0.0.3'"), 1);
  EXPECT_THROW(db.exec("DELETE FROM audit_log"), SqlError);  // the gate is closed again
}
