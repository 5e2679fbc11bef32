// Backups taken while the server runs and writes, and their restoration.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/backup.hpp"
#include "core/database.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;

namespace {
std::int64_t count(const std::filesystem::path& db_path, const char* sql) {
  pacte::Database db(db_path.string(), pacte::DatabaseOptions{.read_only = true});
  auto& q = db.prepare(sql);
  q.step();
  auto n = q.int64(0);
  q.reset();
  return n;
}
}  // namespace

TEST(Backup, ASnapshotUnderWritesIsConsistentAndRestores) {
  auto backup_dir = std::filesystem::temp_directory_path() / ("pacte-backup-" + std::to_string(::getpid()));
  std::filesystem::remove_all(backup_dir);
  std::filesystem::path restored;
  std::int64_t acknowledged_before = 0, in_backup = 0;
  std::string sha;
  {
    TestServer server({.configure = [](pacte::ServerConfig& c) { c.limits.request_burst = 100000; c.limits.requests_per_second = 100000; }});
    std::string token = login(server.port(), "equipe@ville-chambery.example");
    std::int64_t copil = workspace_id(server.port(), token, "copil");
    auto up = http(server.port(), "POST", "/api/attachments.upload?workspace=" + std::to_string(copil) + "&name=cr.txt", "compte rendu",
                   {{"Cookie", "pacte_session=" + token}, {"Origin", kOrigin}, {"Content-Type", "text/plain"}}).json();
    Json att = up["result"]["attachment"];
    sha = att["sha256"];
    WsClient ws(server.port(), {.cookie = token});
    ws.next();
    auto t = ws.request("chat.create_thread", {{"workspace", copil}, {"title", "Charge"}, {"body", "début"}, {"attachments", {att["id"]}}});
    std::int64_t thread = t["result"]["thread"]["id"];
    std::atomic<bool> stop{false};
    std::atomic<std::int64_t> acked{0};
    std::thread writer([&] {
      int i = 0;
      while (!stop) {
        if (ws.request("chat.post", {{"thread", thread}, {"body", "message " + std::to_string(i++)}})["ok"] == true) ++acked;
      }
    });
    while (acked < 50) std::this_thread::yield();
    acknowledged_before = acked;
    pacte::Backup::create(server.data_dir(), backup_dir);  // while the writer keeps writing
    stop = true;
    writer.join();
    in_backup = count(backup_dir / "pacte.sqlite3", "SELECT COUNT(*) FROM messages WHERE body LIKE 'message %'");
    EXPECT_GE(in_backup, acknowledged_before);  // everything acknowledged before the snapshot
    EXPECT_LE(in_backup, acked.load());
    // Restoring onto the data folder of a running server is refused.
    EXPECT_THROW(pacte::Backup::restore(backup_dir, server.data_dir()), std::runtime_error);
    restored = server.data_dir().string() + "-restored";
  }
  pacte::Backup::restore(backup_dir, restored);
  {
    // The restored database is sound as SQLite sees it, not only as our counts see it.
    pacte::Database db((restored / "pacte.sqlite3").string(), pacte::DatabaseOptions{.read_only = true});
    auto& q = db.prepare("PRAGMA integrity_check");
    ASSERT_TRUE(q.step());
    EXPECT_EQ(q.text(0), "ok");
    q.reset();
  }
  EXPECT_TRUE(std::filesystem::exists(restored / "attachments" / sha.substr(0, 2) / sha));
  TestServer again(restored, {});
  std::string token = login(again.port(), "equipe@ville-chambery.example");
  auto found = api(again.port(), token, "chat.search", {{"query", "début"}}).json();
  ASSERT_EQ(found["result"]["messages"].size(), 1u);
  EXPECT_EQ(count(restored / "pacte.sqlite3", "SELECT COUNT(*) FROM messages WHERE body LIKE 'message %'"), in_backup);
  auto file = http(again.port(), "GET", found["result"]["messages"][0]["attachments"][0]["url"], "",
                   {{"Cookie", "pacte_session=" + token}});
  EXPECT_EQ(file.body, "compte rendu");
  std::filesystem::remove_all(backup_dir);
}

TEST(Backup, TwoServersCannotShareADataFolder) {
  TestServer first;
  pacte::test::ServerOptions o;
  EXPECT_THROW(TestServer second(first.data_dir(), o), std::runtime_error);
}
