// Crash durability: what Pacte acknowledged survives a SIGKILL at any moment and a full
// disk, exactly once, in a database that passes SQLite's integrity check.
#include <gtest/gtest.h>

#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/database.hpp"
#include "support/server_process.hpp"
#include "support/test_server.hpp"

using namespace pacte::test;
using namespace std::chrono_literals;

namespace {

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

std::string integrity(const std::filesystem::path& db_path, bool read_only = true) {
  pacte::Database db(db_path.string(), pacte::DatabaseOptions{.read_only = read_only});
  auto& q = db.prepare("PRAGMA integrity_check");
  std::string out;
  while (q.step()) out += q.text(0);
  q.reset();
  return out;
}

/// Every workspace's and every person's event sequence is 1..last without a gap, and
/// matches the counter the next event will follow. Returns the problems found.
std::vector<std::string> sequence_gaps(const std::filesystem::path& db_path) {
  pacte::Database db(db_path.string(), pacte::DatabaseOptions{.read_only = true});
  std::vector<std::string> problems;
  auto& q = db.prepare(
      "SELECT w.id, w.last_seq, COUNT(e.seq), COALESCE(MIN(e.seq), 0), COALESCE(MAX(e.seq), 0) "
      "FROM workspaces w LEFT JOIN events e ON e.workspace_id = w.id GROUP BY w.id");
  while (q.step()) {
    std::int64_t last = q.int64(1), n = q.int64(2), lo = q.int64(3), hi = q.int64(4);
    if (n > 0 && (hi - lo + 1 != n || hi != last))
      problems.push_back("workspace " + std::to_string(q.int64(0)) + ": " + std::to_string(n) +
                         " events in " + std::to_string(lo) + ".." + std::to_string(hi) +
                         ", last_seq " + std::to_string(last));
  }
  q.reset();
  auto& p = db.prepare(
      "SELECT p.id, p.personal_seq, COUNT(e.seq), COALESCE(MIN(e.seq), 0), COALESCE(MAX(e.seq), 0) "
      "FROM people p LEFT JOIN personal_events e ON e.person_id = p.id GROUP BY p.id");
  while (p.step()) {
    std::int64_t last = p.int64(1), n = p.int64(2), lo = p.int64(3), hi = p.int64(4);
    if (n > 0 && (hi - lo + 1 != n || hi != last))
      problems.push_back("person " + std::to_string(p.int64(0)) + ": " + std::to_string(n) +
                         " personal events in " + std::to_string(lo) + ".." + std::to_string(hi) +
                         ", personal_seq " + std::to_string(last));
  }
  p.reset();
  return problems;
}

/// How many times each body starting with `prefix` is stored.
std::map<std::string, std::int64_t> stored_bodies(const std::filesystem::path& db_path,
                                                  const std::string& prefix) {
  pacte::Database db(db_path.string(), pacte::DatabaseOptions{.read_only = true});
  auto& q =
      db.prepare("SELECT body, COUNT(*) FROM messages WHERE substr(body, 1, ?) = ? GROUP BY body");
  q.bind(1, static_cast<std::int64_t>(prefix.size())).bind(2, prefix);
  std::map<std::string, std::int64_t> out;
  while (q.step()) out[q.text(0)] = q.int64(1);
  q.reset();
  return out;
}

/// What the clients know: the ids the server acknowledged, and those sent without an
/// answer (to be re-sent, with the same id, after the restart).
struct Ledger {
  std::mutex m;
  std::set<std::string> acked;
  std::map<std::string, std::string> pending;  // id -> body
  std::atomic<int> acked_this_round{0};
};

void post_until_cut(std::uint16_t port, const std::string& token, std::int64_t thread,
                    const std::string& prefix, Ledger& ledger, std::atomic<bool>& stop) {
  WsClient ws(port, {.cookie = token});
  if (!ws.next()) return;
  for (int n = 0; !stop; ++n) {
    std::string id = prefix + "-" + std::to_string(n);
    std::string body = "dur " + id;
    {
      std::lock_guard lock(ledger.m);
      ledger.pending[id] = body;
    }
    Json reply;
    try {
      reply = ws.request("chat.post", {{"thread", thread}, {"body", body}}, id);
    } catch (const std::exception&) {
      return;  // the server is gone: this one stays pending
    }
    if (reply["ok"] == true) {
      std::lock_guard lock(ledger.m);
      ledger.pending.erase(id);
      ledger.acked.insert(id);
      ++ledger.acked_this_round;
    }
  }
}

}  // namespace

TEST(Durability, SigkillAtRandomMomentsLosesNothingAcknowledgedAndDuplicatesNothing) {
  const std::int64_t rounds = env_int("PACTE_DURABILITY_ROUNDS", 20);
  const std::uint64_t seed =
      static_cast<std::uint64_t>(env_int("PACTE_DURABILITY_SEED", std::random_device{}()));
  std::printf("[ durability ] seed %llu, %lld rounds (PACTE_DURABILITY_SEED=%llu to replay)\n",
              static_cast<unsigned long long>(seed), static_cast<long long>(rounds),
              static_cast<unsigned long long>(seed));
  RecordProperty("seed", std::to_string(seed));
  auto dir =
      std::filesystem::temp_directory_path() / ("pacte-durability-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  auto db_path = dir / "pacte.sqlite3";
  Ledger ledger;
  std::size_t resent_total = 0;
  std::string token;
  std::int64_t thread = 0;
  const int clients = 3;
  for (std::int64_t round = 0; round < rounds; ++round) {
    std::mt19937_64 rng(seed + static_cast<std::uint64_t>(round));
    ServerProcess server(PACTE_BINARY, dir,
                         {{"requests_per_second", 100000}, {"request_burst", 100000}});
    if (token.empty()) {
      token = login(server.port(), "equipe@ville-chambery.example");
      std::int64_t copil = workspace_id(server.port(), token, "copil");
      thread = api(server.port(), token, "chat.threads", {{"workspace", copil}})
                   .json()["result"]["threads"][0]["id"];
    }
    // 1. What the last crash left unacknowledged is re-sent with the same ids.
    std::map<std::string, std::string> resend;
    {
      std::lock_guard lock(ledger.m);
      resend = ledger.pending;
    }
    resent_total += resend.size();
    if (!resend.empty()) {
      WsClient ws(server.port(), {.cookie = token});
      ASSERT_TRUE(ws.next());
      for (auto& [id, body] : resend) {
        auto r = ws.request("chat.post", {{"thread", thread}, {"body", body}}, id);
        ASSERT_EQ(r["ok"], true) << "round " << round << " seed " << seed << ": " << r;
        ledger.pending.erase(id);
        ledger.acked.insert(id);
      }
    }
    // 2. Everything acknowledged so far is stored exactly once; sequences have no gap.
    auto stored = stored_bodies(db_path, "dur ");
    EXPECT_EQ(stored.size(), ledger.acked.size()) << "round " << round << " seed " << seed;
    for (auto& id : ledger.acked) {
      auto it = stored.find("dur " + id);
      ASSERT_TRUE(it != stored.end())
          << "acknowledged but lost: " << id << " (seed " << seed << ")";
      EXPECT_EQ(it->second, 1) << "stored twice: " << id << " (seed " << seed << ")";
    }
    auto gaps = sequence_gaps(db_path);
    EXPECT_TRUE(gaps.empty()) << "round " << round << " seed " << seed << ": " << gaps.front();
    if (round == rounds - 1) {
      EXPECT_EQ(integrity(db_path), "ok");
      break;  // the last start only checks
    }
    // 3. Clients post steadily; the server is killed after a random number of
    //    acknowledgements, with requests in flight.
    ledger.acked_this_round = 0;
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    for (int k = 0; k < clients; ++k)
      workers.emplace_back(post_until_cut, server.port(), token, thread,
                           "r" + std::to_string(round) + "c" + std::to_string(k), std::ref(ledger),
                           std::ref(stop));
    int target = std::uniform_int_distribution<int>(1, 60)(rng);
    bool reached =
        wait_until([&] { return ledger.acked_this_round >= target; }, std::chrono::seconds(30));
    server.kill_hard();
    stop = true;
    for (auto& w : workers) w.join();
    ASSERT_TRUE(reached) << "round " << round << ": the clients got no acknowledgement";
    // 4. The file left by the crash (WAL not checkpointed) is sound.
    EXPECT_EQ(integrity(db_path), "ok") << "round " << round << " seed " << seed;
  }
  std::printf("[ durability ] %zu messages acknowledged, %zu re-sent after a crash\n",
              ledger.acked.size(), resent_total);
  EXPECT_GE(ledger.acked.size(), static_cast<std::size_t>(rounds - 1));
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir.string() + ".json");
  std::filesystem::remove(dir.string() + ".log");
}

// The data folder on a small tmpfs that fills up: writes are refused with `unavailable`,
// nothing refused is stored, nothing acknowledged is lost, the server stays up and takes
// writes again once space returns.
TEST(Durability, AFullDiskRefusesWritesWithUnavailableAndRecoversWhenSpaceReturns) {
  auto mount_point =
      std::filesystem::temp_directory_path() / ("pacte-full-" + std::to_string(::getpid()));
  std::filesystem::create_directories(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=24m") != 0) {
    int err = errno;
    std::filesystem::remove(mount_point);
    // CI runs as root, where this works; a developer's unprivileged shell cannot mount.
    GTEST_SKIP() << "cannot mount a tmpfs at " << mount_point << " (" << std::strerror(err)
                 << "): run as root (or with CAP_SYS_ADMIN) to test a full disk";
  }
  struct Unmount {
    std::filesystem::path p;
    ~Unmount() {
      ::umount2(p.c_str(), MNT_DETACH);
      std::error_code ec;
      std::filesystem::remove(p, ec);
    }
  } unmount{mount_point};
  auto data = mount_point / "data";
  std::filesystem::create_directories(data);
  std::set<std::string> acked, refused;
  {
    TestServer server(data, {.configure = [](pacte::ServerConfig& c) {
                        c.limits.request_burst = 100000;
                        c.limits.requests_per_second = 100000;
                      }});
    server.keep_data();  // checked after it stops; the tmpfs goes with the test
    std::string token = login(server.port(), "equipe@ville-chambery.example");
    std::int64_t copil = workspace_id(server.port(), token, "copil");
    std::int64_t thread = api(server.port(), token, "chat.threads", {{"workspace", copil}})
                              .json()["result"]["threads"][0]["id"];
    WsClient ws(server.port(), {.cookie = token});
    ASSERT_TRUE(ws.next());
    ASSERT_EQ(
        ws.request("chat.post", {{"thread", thread}, {"body", "full ok-before"}}, "before")["ok"],
        true);
    acked.insert("before");
    // Fill what is left of the tmpfs.
    auto filler = mount_point / "filler";
    {
      std::ofstream f(filler, std::ios::binary);
      std::string chunk(64 * 1024, 'f');
      while (f.write(chunk.data(), static_cast<std::streamsize>(chunk.size()))) f.flush();
    }
    // Write until the store refuses (the WAL may still have room for a few).
    std::string pad(4000, 'p');
    for (int i = 0; i < 2000 && refused.size() < 5; ++i) {
      std::string id = "full-" + std::to_string(i);
      auto r =
          ws.request("chat.post", {{"thread", thread}, {"body", "full " + id + " " + pad}}, id);
      if (r["ok"] == true) {
        acked.insert(id);
      } else {
        EXPECT_EQ(r["error"]["code"], "unavailable") << r;
        refused.insert(id);
      }
    }
    ASSERT_FALSE(refused.empty()) << "the disk never filled up";
    // Still up: reads are served, the health check answers, other connections work.
    EXPECT_EQ(ws.request("session.me")["ok"], true);
    EXPECT_EQ(http(server.port(), "GET", "/healthz").status, 200);
    WsClient other(server.port(), {.cookie = token});
    ASSERT_TRUE(other.connected());
    {
      auto while_full = stored_bodies(data / "pacte.sqlite3", "full ");
      for (auto& id : refused)
        EXPECT_EQ(while_full.count("full " + id + " " + pad), 0u) << "refused but stored: " << id;
      for (auto& id : acked)
        EXPECT_EQ(while_full[id == "before" ? "full ok-before" : "full " + id + " " + pad], 1)
            << "acknowledged but lost: " << id;
    }
    // Space returns: the refused requests are re-sent with the same ids and now land.
    std::filesystem::remove(filler);
    for (auto& id : refused) {
      auto r =
          ws.request("chat.post", {{"thread", thread}, {"body", "full " + id + " " + pad}}, id);
      ASSERT_EQ(r["ok"], true) << id << ": " << r;
    }
    auto stored = stored_bodies(data / "pacte.sqlite3", "full ");
    EXPECT_EQ(stored.size(), acked.size() + refused.size());
    for (auto& id : acked) {
      std::string body = id == "before" ? "full ok-before" : "full " + id + " " + pad;
      EXPECT_EQ(stored[body], 1) << id;
    }
    for (auto& id : refused) EXPECT_EQ(stored["full " + id + " " + pad], 1) << id;
    EXPECT_TRUE(sequence_gaps(data / "pacte.sqlite3").empty());
  }
  EXPECT_EQ(integrity(data / "pacte.sqlite3", false), "ok");
}
