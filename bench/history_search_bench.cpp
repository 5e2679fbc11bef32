// History and search at scale: the latest 50 messages of a thread, and the 50 most recent
// matches of a search, among N stored messages (1,000,000 by default), through the real
// engine and handlers. Prints p50/p99/max per query kind.
//
//   ./build/release/bench/history_search_bench [--messages N] [--db PATH]
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/accounts.hpp"
#include "core/chat.hpp"
#include "core/engine.hpp"
#include "core/workspaces.hpp"

using namespace pacte;
using Clock_ = std::chrono::steady_clock;

namespace {

const char* kWords[] = {"le", "la", "les", "des", "centre", "social", "ville", "caf", "comité", "pilotage",
                        "subvention", "budget", "habitants", "bénévoles", "projet", "convention", "partenaires",
                        "calendrier", "ordre", "jour", "bilan", "action", "quartier", "famille", "jeunesse",
                        "accès", "droits", "participation", "financement", "rencontre", "proposition", "avis",
                        "document", "version", "signature", "article", "délai", "préavis", "avance", "animation"};

struct Stats {
  std::vector<double> ms;
  void print(const char* name) {
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
    std::printf("%-34s n=%4zu  p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms\n", name, ms.size(), at(0.5), at(0.99), ms.back());
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  long n = 1'000'000;
  std::string path = (std::filesystem::temp_directory_path() / "pacte-bench-history.sqlite3").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--messages") n = std::stol(argv[i + 1]);
    else if (a == "--db") path = argv[i + 1];
  }
  const int threads = 1000;
  bool fresh = !std::filesystem::exists(path);
  Database db(path, DatabaseOptions{.synchronous = "normal"});
  db.migrate("core", core_migrations());
  db.migrate("chat", Chat::migrations());
  if (fresh) {
    auto t0 = Clock_::now();
    db.exec("INSERT INTO people(id, email, name, created_at) VALUES (1, 'bench@example.org', 'Bench', 'now');"
            "INSERT INTO workspaces(id, key, name, kind, created_at) VALUES (1, 'w', 'W', 'k', 'now');"
            "INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (1, 1, 'member')");
    db.exec("BEGIN");
    for (int t = 1; t <= threads; ++t) {
      auto& q = db.prepare("INSERT INTO threads(id, workspace_id, title, created_by, created_at, last_message_at) VALUES (?,1,?,1,'2026-01-01','2026-01-01')");
      q.bind(1, t).bind(2, "fil " + std::to_string(t)).run();
    }
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> word(0, sizeof kWords / sizeof *kWords - 1), len(6, 30), thread(1, threads);
    for (long i = 1; i <= n; ++i) {
      std::string body;
      int words = len(rng);
      for (int w = 0; w < words; ++w) {
        body += kWords[word(rng)];
        body += ' ';
      }
      if (i % 10000 == 0) body += "quorumrare";  // a rare word: 0.01 % of messages
      auto& q = db.prepare("INSERT INTO messages(thread_id, workspace_id, author_id, body, created_at) VALUES (?,1,1,?,'2026-01-01')");
      q.bind(1, thread(rng)).bind(2, body).run();
      if (i % 100000 == 0) {
        db.exec("COMMIT; BEGIN");
        std::fprintf(stderr, "\r%ld messages", i);
      }
    }
    db.exec("COMMIT");
    std::fprintf(stderr, "\rinserted %ld messages in %.1f s\n", n,
                 std::chrono::duration<double>(Clock_::now() - t0).count());
  }

  Dispatcher dispatcher;
  Workspaces workspaces({}, 10000);
  workspaces.register_operations(dispatcher);
  Chat chat;
  chat.register_operations(dispatcher);
  SystemClock clock;
  Metrics metrics;
  Engine engine(db, dispatcher, clock, metrics);
  Completion last;
  engine.set_sink([&](Batch&& b) { last = std::move(b.completions.at(0)); });
  auto run = [&](const std::string& op, Json args) {
    Inbound in;
    in.op = op;
    in.args = std::move(args);
    in.caller.person = 1;
    auto t0 = Clock_::now();
    engine.submit(std::move(in));
    engine.run_once();
    double ms = std::chrono::duration<double, std::milli>(Clock_::now() - t0).count();
    if (!last.result.is_ok()) {
      std::fprintf(stderr, "%s failed: %s\n", op.c_str(), last.result.error().message.c_str());
      std::exit(1);
    }
    return ms;
  };
  std::printf("history and search among %ld messages in %d threads (%s)\n", n, threads, path.c_str());
  Stats history, older, rare, common, accent;
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> thread(1, threads);
  for (int i = 0; i < 200; ++i) history.ms.push_back(run("chat.history", {{"thread", thread(rng)}, {"limit", 50}}));
  for (int i = 0; i < 200; ++i) older.ms.push_back(run("chat.history", {{"thread", thread(rng)}, {"before", n / 2}, {"limit", 50}}));
  for (int i = 0; i < 50; ++i) rare.ms.push_back(run("chat.search", {{"query", "quorumrare"}, {"limit", 50}}));
  std::size_t rare_hits = last.result.value()["messages"].size();
  for (int i = 0; i < 50; ++i) common.ms.push_back(run("chat.search", {{"query", "subvention"}, {"limit", 50}}));
  for (int i = 0; i < 50; ++i) accent.ms.push_back(run("chat.search", {{"query", "comite pilotage"}, {"limit", 50}}));
  history.print("latest 50 of a thread");
  older.print("50 before the middle of history");
  rare.print("search: rare word (50 newest)");
  common.print("search: common word (50 newest)");
  accent.print("search: 2 words, accents folded");
  std::printf("rare word hits returned: %zu\n", rare_hits);
  return 0;
}
