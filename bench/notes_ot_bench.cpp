// Live notes: how fast the OT core and the notes plugin are (docs/notes.md quotes it).
//  1. transforms, composes and applies per second for typical typing operations
//     (one code point inserted or deleted in a note of ~3,000 code points), one core;
//  2. joining a note (notes.open) with 10,000 operations of history, through the real
//     Engine and plugin on a durable SQLite file (synchronous=FULL);
//  3. acknowledgement latency with 20 people typing at once: open loop, each person sends
//     5 operations a second (typing speed) based on a slightly stale revision, so that
//     the server transforms; latency = reply time − intended send time (coordinated
//     omission corrected, as wrk2 does), in process (no network: the server's part).
//
//   ./build/release/bench/notes_ot_bench [--seconds 5] [--people 20] [--rate 5] [--synchronous
//   full|normal|off]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/dispatcher.hpp"
#include "core/engine.hpp"
#include "core/metrics.hpp"
#include "notes/notes_plugin.hpp"
#include "notes/text_operation.hpp"

using namespace pacte;
using pacte_notes::TextOperation;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point t0) {
  return std::chrono::duration<double>(Steady::now() - t0).count();
}

TextOperation typing(std::mt19937_64& rng, std::int64_t length) {
  std::int64_t at = std::uniform_int_distribution<std::int64_t>(0, length - 1)(rng);
  TextOperation op;
  if (rng() % 4 == 0)
    op.retain(at).remove(1).retain(length - at - 1);
  else
    op.retain(at).insert(rng() % 8 == 0 ? "😀" : "é").retain(length - at);
  return op;
}

void bench_core() {
  std::mt19937_64 rng(7);
  const std::int64_t length = 3000;
  std::vector<TextOperation> a, b;
  for (int i = 0; i < 1000; ++i) {
    a.push_back(typing(rng, length));
    b.push_back(typing(rng, length));
  }
  std::size_t sink = 0;
  auto t0 = Steady::now();
  long n = 0;
  while (seconds_since(t0) < 1.0) {
    for (int i = 0; i < 1000; ++i)
      sink += TextOperation::transform(a[i], b[i])->first.components().size();
    n += 1000;
  }
  double transforms = static_cast<double>(n) / seconds_since(t0);

  std::vector<TextOperation> c;
  for (int i = 0; i < 1000; ++i) c.push_back(typing(rng, a[i].target_length()));
  t0 = Steady::now();
  n = 0;
  while (seconds_since(t0) < 1.0) {
    for (int i = 0; i < 1000; ++i) sink += a[i].compose(c[i])->components().size();
    n += 1000;
  }
  double composes = static_cast<double>(n) / seconds_since(t0);

  std::string doc;
  for (int i = 0; i < length / 3; ++i) doc += i % 20 == 0 ? "\n😀é" : "abc";
  doc.resize(0);
  for (std::int64_t i = 0; i < length; ++i) doc += i % 40 == 0 ? "\n" : i % 7 == 0 ? "é" : "a";
  t0 = Steady::now();
  n = 0;
  while (seconds_since(t0) < 1.0) {
    for (int i = 0; i < 100; ++i) sink += a[i].apply(doc)->size();
    n += 100;
  }
  double applies = static_cast<double>(n) / seconds_since(t0);
  std::printf("OT core (one core, typing operations on a note of %lld code points):\n",
              static_cast<long long>(length));
  std::printf("  transform %.2f M/s   compose %.2f M/s   apply %.0f k/s   (checksum %zu)\n",
              transforms / 1e6, composes / 1e6, applies / 1e3, sink % 10);
}

/// The real Engine and notes plugin on a durable file database.
struct Server {
  std::filesystem::path dir;
  std::unique_ptr<Database> db;
  Dispatcher dispatcher;
  SystemClock clock;
  Metrics metrics;
  pacte_notes::NotesPlugin plugin;
  std::unique_ptr<Engine> engine;

  explicit Server(const std::string& synchronous = "full") {
    dir = std::filesystem::temp_directory_path() /
          ("pacte-notes-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    db = std::make_unique<Database>((dir / "bench.sqlite3").string(),
                                    DatabaseOptions{.synchronous = synchronous});
    db->migrate("core", core_migrations());
    db->migrate("plugin:notes", plugin.migrations());
    db->exec(
        "INSERT INTO people(id, email, name, created_at) VALUES (1, 'a@x', 'A', 'now');"
        "INSERT INTO workspaces(id, key, name, kind, created_at) VALUES (7, 'w', 'W', 'k', 'now');"
        "INSERT INTO workspace_members(workspace_id, person_id, role) VALUES (7, 1, 'member');"
        "INSERT INTO workspace_plugins(workspace_id, plugin, enabled) VALUES (7, 'notes', 1);");
    dispatcher.add_scope(
        "workspace", [](Context&, std::int64_t id) -> std::optional<std::int64_t> { return id; });
    dispatcher.set_current_plugin("notes");
    plugin.register_operations(dispatcher);
    engine = std::make_unique<Engine>(*db, dispatcher, clock, metrics);
    engine->set_sink([](Batch&& b) {
      for (auto& c : b.completions)
        if (c.on_done) c.on_done(c);
    });
  }
  ~Server() {
    engine->stop();
    engine.reset();
    db.reset();
    std::filesystem::remove_all(dir);
  }
  /// Runs one request on the engine thread and waits for its reply.
  Result call(const std::string& op, Json args, const std::string& id = {}) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    Result out;
    Inbound in;
    in.op = op;
    in.args = std::move(args);
    in.client_id = id;
    in.caller.person = 1;
    in.on_done = [&](Completion& c) {
      std::lock_guard lock(m);
      out = c.result;
      done = true;
      cv.notify_one();
    };
    engine->submit(std::move(in));
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
    return out;
  }
};

std::int64_t create_note(Server& s) {
  Result r = s.call("notes.create", {{"workspace", 7}, {"title", "Bench"}});
  return r.value()["note"]["id"];
}

void bench_join() {
  Server s;
  s.engine->start();
  std::int64_t note = create_note(s);
  // 10,000 operations of history, pipelined (each based on the revision before it), so
  // that the engine commits them in groups as it would for many typists.
  std::mt19937_64 rng(3);
  std::int64_t length = 0;
  std::atomic<int> done{0}, failed{0};
  auto t0 = Steady::now();
  for (int i = 0; i < 10000; ++i) {
    TextOperation op = length > 0 ? typing(rng, length) : TextOperation().insert("a");
    length = op.target_length();
    Inbound in;
    in.op = "notes.submit";
    in.args = {{"note", note},
               {"base_rev", i},
               {"client_id", "bench-history"},
               {"seq", i + 1},
               {"op", op.to_json()}};
    in.caller.person = 1;
    in.on_done = [&](Completion& c) {
      if (!c.result.is_ok()) ++failed;
      ++done;
    };
    s.engine->submit(std::move(in));
  }
  while (done < 10000) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (failed) std::printf("%d submits failed\n", failed.load());
  double fill = seconds_since(t0);
  std::vector<double> joins;
  for (int i = 0; i < 200; ++i) {
    auto t1 = Steady::now();
    Result r = s.call("notes.open", {{"note", note}});
    joins.push_back(seconds_since(t1) * 1e3);
    if (!r.is_ok() || r.value()["rev"] != 10000) std::printf("open failed\n");
  }
  std::vector<double> replays;
  for (int i = 0; i < 20; ++i) {
    auto t1 = Steady::now();
    Result r = s.call("notes.text_at", {{"note", note}, {"rev", 9999}});
    replays.push_back(seconds_since(t1) * 1e3);
  }
  std::sort(joins.begin(), joins.end());
  std::sort(replays.begin(), replays.end());
  std::printf(
      "Join a note with 10,000 operations of history (%lld code points; durable file; 10,000 "
      "pipelined "
      "submits took %.2f s, i.e. %.0f/s in group commits):\n",
      static_cast<long long>(length), fill, 10000 / fill);
  std::printf("  notes.open  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n", joins[joins.size() / 2],
              joins[joins.size() * 99 / 100], joins.back());
  std::printf(
      "  notes.text_at rev 9,999 (snapshot + replay of 199 operations)  p50 %.3f ms  max %.3f ms\n",
      replays[replays.size() / 2], replays.back());
}

void bench_typing(int people, double rate, double seconds, const std::string& synchronous) {
  Server s(synchronous);
  s.engine->start();
  std::int64_t note = create_note(s);
  std::atomic<std::int64_t> known_rev{0};
  std::mutex m;
  std::vector<double> latencies;
  std::atomic<long> acked{0}, failed{0};
  const auto start = Steady::now() + std::chrono::milliseconds(100);
  const long per_person = static_cast<long>(rate * seconds);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  std::vector<std::thread> threads;
  for (int p = 0; p < people; ++p) {
    threads.emplace_back([&, p] {
      std::mt19937_64 rng(100 + p);
      std::string client = "bench-typist-" + std::to_string(p);
      // Stagger the people across the interval.
      auto offset = std::chrono::duration_cast<Steady::duration>(interval *
                                                                 (static_cast<double>(p) / people));
      for (long i = 0; i < per_person; ++i) {
        auto intended =
            start + offset +
            std::chrono::duration_cast<Steady::duration>(interval * static_cast<double>(i));
        std::this_thread::sleep_until(intended);
        // Based on a revision a little behind (as a client that has not yet seen the
        // latest operations): every character typed is one code point, so the text at
        // revision r has r code points.
        std::int64_t base =
            std::max<std::int64_t>(0, known_rev.load() - static_cast<std::int64_t>(rng() % 5));
        std::int64_t at =
            base > 0 ? static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(base + 1)) : 0;
        TextOperation op;
        op.retain(at).insert(i % 10 == 0 ? "😀" : "e").retain(base - at);
        Inbound in;
        in.op = "notes.submit";
        in.args = {{"note", note},
                   {"base_rev", base},
                   {"client_id", client},
                   {"seq", i + 1},
                   {"op", op.to_json()}};
        in.client_id = client + "-" + std::to_string(i);
        in.caller.person = 1;
        in.on_done = [&, intended](Completion& c) {
          double ms = std::chrono::duration<double, std::milli>(Steady::now() - intended).count();
          if (!c.result.is_ok()) {
            ++failed;
            return;
          }
          std::int64_t rev = c.result.value()["rev"];
          std::int64_t seen = known_rev.load();
          while (rev > seen && !known_rev.compare_exchange_weak(seen, rev)) {
          }
          std::lock_guard lock(m);
          latencies.push_back(ms);
          ++acked;
        };
        s.engine->submit(std::move(in));
      }
    });
  }
  for (auto& t : threads) t.join();
  // Wait for the last replies.
  for (int i = 0; i < 500 && acked + failed < people * per_person; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::lock_guard lock(m);
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[std::min(latencies.size() - 1,
                                                  static_cast<std::size_t>(q * latencies.size()))];
  };
  std::printf(
      "%d people typing at once, %.0f operations/s each for %.0f s (file, synchronous=%s, in "
      "process):\n",
      people, rate, seconds, synchronous.c_str());
  std::printf(
      "  acknowledged %ld/%ld (failed %ld)   p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f "
      "ms\n",
      static_cast<long>(acked), static_cast<long>(people * per_person), static_cast<long>(failed),
      pct(0.5), pct(0.99), pct(0.999), latencies.empty() ? 0.0 : latencies.back());
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 5, rate = 5;
  int people = 20;
  std::string synchronous = "full";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (a == "--people")
      people = std::atoi(argv[i + 1]);
    else if (a == "--rate")
      rate = std::atof(argv[i + 1]);
    else if (a == "--synchronous")
      synchronous = argv[i + 1];
  }
  bench_core();
  bench_join();
  bench_typing(people, rate, seconds, synchronous);
  return 0;
}
