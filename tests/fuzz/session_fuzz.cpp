// Fuzz target: the network layer's session logic, HTTP (HttpSession: routing, the HTTP
// API, static files, the WebSocket upgrade) then WebSocket (WebsocketSession: frames,
// limits, validation), over Beast's in-memory test stream against the in-memory server
// (fuzz_server.hpp). Input: the bytes a client sends on one connection; "@TOKEN@" is
// replaced by a signed-in member's session token, so that seeds can upgrade and then
// send frames (masked with key 0, readable). The I/O glue below mirrors the production
// HttpStreamSession / WebsocketStreamSession templates (server/src/net/) for a
// test::stream; the logic under test is the production base classes.
#include <boost/beast/_experimental/test/stream.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_check.hpp"
#include "fuzz_server.hpp"
#include "net/http_session.hpp"
#include "net/websocket_session.hpp"

using namespace pacte;
using namespace pacte::net;
using pacte_fuzz::FuzzServer;
using TestStream = beast::test::stream;

namespace {

class FuzzWebsocketSession final : public WebsocketSession {
 public:
  FuzzWebsocketSession(TestStream&& stream, SharedState& state, Caller caller)
      : WebsocketSession(state, std::move(caller)), ws_(std::move(stream)) {}
  void run(http::request<http::string_body> request) override {
    ws_.read_message_max(state_.config.limits.max_frame_bytes);
    ws_.async_accept(request, [self = self()](beast::error_code ec) { self->on_accept(ec); });
  }

 private:
  std::shared_ptr<FuzzWebsocketSession> self() {
    return std::static_pointer_cast<FuzzWebsocketSession>(shared_from_this());
  }
  void do_read() override {
    ws_.async_read(buffer_, [self = self()](beast::error_code ec, std::size_t) {
      self->on_read(ec, self->ws_.got_text());
    });
  }
  void do_write(const std::string& frame) override {
    ws_.text(true);
    ws_.async_write(asio::buffer(frame),
                    [self = self()](beast::error_code ec, std::size_t) { self->on_write(ec); });
  }
  void do_close(const websocket::close_reason& reason) override {
    ws_.async_close(reason, [self = self()](beast::error_code) {});
  }
  websocket::stream<TestStream> ws_;
};

class FuzzHttpSession final : public HttpSession {
 public:
  FuzzHttpSession(TestStream&& stream, SharedState& state)
      : HttpSession(state), stream_(std::move(stream)) {}
  void run() override {
    asio::dispatch(stream_.get_executor(), [self = self()] { self->do_read(); });
  }

 private:
  std::shared_ptr<FuzzHttpSession> self() {
    return std::static_pointer_cast<FuzzHttpSession>(shared_from_this());
  }
  void async_read_header() override {
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = self()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }
  void async_read_rest() override {
    http::async_read(stream_, buffer_, *parser_,
                     [self = self()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }
  void async_write_response(std::shared_ptr<http::response<http::string_body>> res) override {
    http::async_write(stream_, *res, [self = self(), res](beast::error_code ec, std::size_t) {
      self->on_write(res->keep_alive(), ec);
    });
  }
  void shutdown() override { stream_.close(); }
  // Nothing to drain from an in-memory stream: close, as the TLS session does.
  void linger() override { stream_.close(); }
  void set_deadline(std::chrono::seconds) override {}  // no clock in memory: input ends with EOF
  std::string peer_address() const override { return "127.0.0.1"; }
  std::shared_ptr<WebsocketSession> into_websocket(Caller caller) override {
    return std::make_shared<FuzzWebsocketSession>(std::move(stream_), state_, std::move(caller));
  }
  TestStream stream_;
};

struct Harness {
  Harness()
      : state(server.app().config(), server.engine(), server.app().dispatcher(),
              server.app().accounts(), server.app().attachments(), server.app().metrics(), io) {
    // Committed batches reach the sessions on the "network thread" (this one), in order.
    server.engine().set_sink([this](Batch&& batch) {
      auto shared = std::make_shared<Batch>(std::move(batch));
      asio::post(io, [this, shared] { state.apply(*shared); });
    });
  }
  FuzzServer& server = FuzzServer::get();
  asio::io_context io{1};
  SharedState state;
};

Harness& harness() {
  static Harness h;
  return h;
}

/// Runs the network loop and the engine until neither has anything left to do.
void pump(Harness& h) {
  for (int round = 0; round < 10'000; ++round) {
    h.io.restart();
    std::size_t ran = h.io.poll();
    bool queued = h.server.engine().queue_depth() > 0;
    h.server.drain();
    if (ran == 0 && !queued) break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Harness& h = harness();
  std::string input(reinterpret_cast<const char*>(data), size);
  for (std::size_t at = input.find("@TOKEN@"); at != std::string::npos;
       at = input.find("@TOKEN@", at))
    input.replace(at, 7, h.server.token());
  {
    TestStream client(h.io);
    TestStream server_end(h.io);
    client.connect(server_end);
    std::make_shared<FuzzHttpSession>(std::move(server_end), h.state)->run();
    asio::write(client, asio::buffer(input));
    pump(h);
    // Then the client goes away: the session sees EOF once it has read everything.
    client.close();
    pump(h);
  }
  h.io.restart();
  h.io.poll();
  pacte_fuzz::check(h.state.session_count() == 0, "a WebSocket session outlived its connection");
  return 0;
}
