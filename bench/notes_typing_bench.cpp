// Live notes over the network: N people type in one note at once through the real server
// (WebSocket, engine, SQLite with synchronous=FULL). Open loop: each typist sends one
// operation every 1/rate s, one in flight at a time like the web client (based on the
// latest revision it knows, so the server transforms); latency = reply time − intended
// send time (coordinated omission corrected, as wrk2 does). Prints p50/p99/p99.9/max and
// acknowledged/expected, then checks that the server's text has every character typed.
//
//   ./build/release/bench/notes_typing_bench [--people 20] [--rate 5] [--seconds 10]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/test_server.hpp"

using namespace pacte;
using Steady = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int people = 20;
  double rate = 5, seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--people")
      people = std::stoi(argv[i + 1]);
    else if (a == "--rate")
      rate = std::stod(argv[i + 1]);
    else if (a == "--seconds")
      seconds = std::stod(argv[i + 1]);
  }
  test::TestServer server({.configure = [](ServerConfig& c) {
    c.limits.max_sockets_per_person = 1000;
    c.limits.requests_per_second = 100000;
    c.limits.request_burst = 100000;
    c.limits.send_queue_max = 100000;
    c.synchronous = "full";
  }});
  std::uint16_t port = server.port();
  // The demo members of the comité de pilotage, several connections each if needed.
  std::vector<std::string> tokens;
  for (auto email : {"equipe@ville-chambery.example", "equipe@caf73.example",
                     "equipe@biollay.example", "equipe@aqcv.example", "equipe@cs-moulins.example",
                     "thierry.repentin@ville-chambery.example", "alain.collet@caf73.example",
                     "vincent.clerc@caf73.example", "corinne.mezrich@biollay.example",
                     "martine.wadier@aqcv.example"})
    tokens.push_back(test::login(port, email));
  std::int64_t copil = test::workspace_id(port, tokens[0], "copil");
  auto created =
      test::api(port, tokens[0], "notes.create", {{"workspace", copil}, {"title", "bench"}}).json();
  std::int64_t note = created["result"]["note"]["id"];

  std::mutex m;
  std::vector<double> latencies;
  std::atomic<long> failed{0};
  const long per_person = static_cast<long>(rate * seconds);
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  const auto start = Steady::now() + std::chrono::milliseconds(500);
  std::vector<std::thread> threads;
  for (int p = 0; p < people; ++p) {
    threads.emplace_back([&, p] {
      test::WsClient ws(port, {.cookie = tokens[static_cast<std::size_t>(p) % tokens.size()]});
      ws.next();
      ws.subscribe();
      std::mt19937_64 rng(static_cast<std::uint64_t>(p) + 1);
      std::string client = "typing-bench-" + std::to_string(p);
      std::int64_t known = 0;
      auto offset = std::chrono::duration_cast<Steady::duration>(interval *
                                                                 (static_cast<double>(p) / people));
      std::vector<double> mine;
      for (long i = 0; i < per_person; ++i) {
        auto intended =
            start + offset +
            std::chrono::duration_cast<Steady::duration>(interval * static_cast<double>(i));
        std::this_thread::sleep_until(intended);
        // The text at revision r has r code points (every operation inserts one).
        for (auto& e : ws.events())
          if (e.value("event", "") == "notes.op")
            known = std::max<std::int64_t>(known, e["data"]["rev"]);
        ws.events().clear();
        std::int64_t at = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(known + 1));
        test::Json op = test::Json::array();
        if (at > 0) op.push_back(at);
        op.push_back(i % 10 == 0 ? "😀" : "e");
        if (known - at > 0) op.push_back(known - at);
        auto reply = ws.request("notes.submit", {{"note", note},
                                                 {"base_rev", known},
                                                 {"client_id", client},
                                                 {"seq", i + 1},
                                                 {"op", op}});
        double ms = std::chrono::duration<double, std::milli>(Steady::now() - intended).count();
        if (reply.value("ok", false)) {
          known = std::max<std::int64_t>(known, reply["result"]["rev"]);
          mine.push_back(ms);
        } else {
          ++failed;
        }
      }
      std::lock_guard lock(m);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double q) {
    return latencies.empty() ? 0.0
                             : latencies[std::min(latencies.size() - 1,
                                                  static_cast<std::size_t>(q * latencies.size()))];
  };
  long expected = people * per_person;
  auto open = test::api(port, tokens[0], "notes.open", {{"note", note}}).json();
  std::int64_t rev = open["result"]["rev"];
  std::printf(
      "notes: %d people typing at once, %.0f operations/s each, %.0f s, over WebSocket, "
      "synchronous=FULL\n",
      people, rate, seconds);
  std::printf("  acknowledged %zu/%ld (failed %ld), server at revision %lld\n", latencies.size(),
              expected, failed.load(), static_cast<long long>(rev));
  std::printf("  acknowledgement latency p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms\n",
              pct(0.5), pct(0.99), pct(0.999), latencies.empty() ? 0.0 : latencies.back());
  return rev == expected && failed == 0 ? 0 : 1;
}
