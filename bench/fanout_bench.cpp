// Fan-out: one member posts in the comité de pilotage at a fixed rate (open loop); N
// connections of members receive each message. Latency = receive time − intended send
// time (coordinated-omission corrected, as wrk2 does). Persistence is durable
// (synchronous=FULL). Prints p50/p99/p99.9/max and delivered/expected.
//
//   ./build/release/bench/fanout_bench [--members 100] [--rate 20] [--seconds 10]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "net/beast.hpp"
#include "support/test_server.hpp"

using namespace pacte;
using namespace pacte::net;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Receiver : std::enable_shared_from_this<Receiver> {
  websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
  std::vector<double>* latencies;
  std::atomic<long>* delivered;
  Receiver(asio::io_context& io, std::vector<double>* l, std::atomic<long>* d) : ws(io), latencies(l), delivered(d) {}
  void read() {
    ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      auto now = SteadyClock::now().time_since_epoch().count();
      std::string text = beast::buffers_to_string(self->buffer.data());
      self->buffer.consume(self->buffer.size());
      auto pos = text.find("\"body\":\"t=");
      if (pos != std::string::npos && text.find("chat.message_posted") != std::string::npos) {
        long long intended = std::stoll(text.substr(pos + 10));
        self->latencies->push_back(static_cast<double>(now - intended) / 1e6);
        ++*self->delivered;
      }
      self->read();
    });
  }
};

double pct(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int members = 100, seconds = 10;
  double rate = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--members") members = std::stoi(argv[i + 1]);
    else if (a == "--rate") rate = std::stod(argv[i + 1]);
    else if (a == "--seconds") seconds = std::stoi(argv[i + 1]);
  }
  test::TestServer server({.configure = [](ServerConfig& c) {
    c.limits.max_sockets_per_person = 100000;
    c.limits.requests_per_second = 100000;
    c.limits.request_burst = 100000;
    c.limits.send_queue_max = 100000;
    c.synchronous = "full";
  }});
  std::uint16_t port = server.port();
  // Every demo person who is a member of the comité de pilotage.
  std::vector<std::string> tokens;
  for (auto email : {"equipe@ville-chambery.example", "equipe@caf73.example", "equipe@biollay.example", "equipe@aqcv.example",
                     "equipe@cs-moulins.example", "thierry.repentin@ville-chambery.example", "alain.collet@caf73.example",
                     "vincent.clerc@caf73.example", "corinne.mezrich@biollay.example", "martine.wadier@aqcv.example",
                     "agnes.daffos@cs-moulins.example", "henry.magnin@cs-moulins.example"})
    tokens.push_back(test::login(port, email));
  std::int64_t copil = test::workspace_id(port, tokens[0], "copil");
  auto t = test::api(port, tokens[0], "chat.create_thread", {{"workspace", copil}, {"title", "bench"}, {"body", "start"}}).json();
  std::int64_t thread = t["result"]["thread"]["id"];

  asio::io_context io;
  std::vector<double> latencies;
  latencies.reserve(static_cast<std::size_t>(members * rate * seconds));
  std::atomic<long> delivered{0};
  std::vector<std::shared_ptr<Receiver>> receivers;
  for (int i = 0; i < members; ++i) {
    auto r = std::make_shared<Receiver>(io, &latencies, &delivered);
    beast::get_lowest_layer(r->ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    std::string token = tokens[static_cast<std::size_t>(i) % tokens.size()];
    r->ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& req) {
      req.set(http::field::cookie, "pacte_session=" + token);
      req.set(http::field::origin, test::kOrigin);
    }));
    r->ws.handshake("127.0.0.1", "/ws");
    r->ws.write(asio::buffer(std::string(R"({"id":"s","op":"sync.subscribe","args":{}})")));
    receivers.push_back(r);
    r->read();
  }
  std::thread receiving([&] { io.run(); });

  test::WsClient sender(port, {.cookie = tokens[0]});
  sender.next();
  long total = static_cast<long>(rate * seconds);
  auto start = SteadyClock::now() + std::chrono::milliseconds(500);
  for (long i = 0; i < total; ++i) {
    auto intended = start + std::chrono::nanoseconds(static_cast<long long>(1e9 * static_cast<double>(i) / rate));
    std::this_thread::sleep_until(intended);
    sender.send_text(test::Json{{"id", "b" + std::to_string(i)}, {"op", "chat.post"},
                                {"args", {{"thread", thread}, {"body", "t=" + std::to_string(intended.time_since_epoch().count())}}}}
                         .dump());
    while (sender.next(std::chrono::milliseconds(0))) {
    }
  }
  long expected = total * members;
  auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  while (delivered < expected && SteadyClock::now() < deadline) {
    sender.next(std::chrono::milliseconds(20));
  }
  io.stop();
  receiving.join();
  std::sort(latencies.begin(), latencies.end());
  std::printf("fan-out: %d members, %.0f msg/s for %d s, durable commits\n", members, rate, seconds);
  std::printf("delivered %ld / %ld expected\n", delivered.load(), expected);
  std::printf("latency ms: p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", pct(latencies, 0.5), pct(latencies, 0.99),
              pct(latencies, 0.999), latencies.empty() ? 0 : latencies.back());
  std::printf("{\"scenario\":\"fanout\",\"members\":%d,\"rate\":%.0f,\"seconds\":%d,\"delivered\":%ld,\"expected\":%ld,"
              "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
              members, rate, seconds, delivered.load(), expected, pct(latencies, 0.5), pct(latencies, 0.99),
              pct(latencies, 0.999), latencies.empty() ? 0 : latencies.back());
  return delivered == expected ? 0 : 1;
}
