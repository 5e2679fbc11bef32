// One WebSocket connection: reads frames, validates them, hands requests to the engine,
// and writes replies and events with one write in flight and a bounded queue.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include "net/shared_state.hpp"

namespace pacte::net {

/// The protocol logic of a connection; the stream I/O (plain TCP or TLS) is supplied by
/// WebsocketStreamSession<Stream> below, so that this logic is compiled once.
class WebsocketSession : public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(SharedState& state, Caller caller);
  virtual ~WebsocketSession();

  /// Accepts the upgrade request (already authenticated) and starts reading.
  virtual void run(http::request<http::string_body> request) = 0;
  /// Queues a frame; closes the connection with 4008 when the client is not keeping up.
  void send(std::shared_ptr<const std::string> frame);
  /// Closes with a WebSocket close code, after what is queued.
  void close(std::uint16_t code, const std::string& reason);

  const Caller& caller() const { return caller_; }
  /// The hub is going away (end of shutdown): this session must not leave it later.
  void detach() { joined_ = false; }
  struct Subscription {
    std::int64_t from;  // last sequence delivered
    Role role;
  };
  std::unordered_map<std::int64_t, Subscription>& subscriptions() { return subs_; }
  std::int64_t personal_from = -1;  // -1: not yet subscribed
  bool synced = false;              // has sent sync.subscribe

 protected:
  // I/O of the concrete stream.
  virtual void do_read() = 0;
  virtual void do_write(const std::string& frame) = 0;
  virtual void do_close(const websocket::close_reason& reason) = 0;
  // What the I/O reports back.
  void on_accept(beast::error_code ec);
  void on_read(beast::error_code ec, bool is_text);
  void on_write(beast::error_code ec);

  SharedState& state_;
  beast::flat_buffer buffer_;

 private:
  void handle_text(const std::string& text);
  void reply_error(const std::string& id, const Error& e);
  void write_next();
  bool take_token();

  Caller caller_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closing_ = false;
  std::optional<websocket::close_reason> pending_close_;
  bool joined_ = false;
  std::unordered_map<std::int64_t, Subscription> subs_;
  double tokens_;
  std::chrono::steady_clock::time_point last_refill_;
  int refused_in_row_ = 0;
  std::chrono::steady_clock::time_point last_typing_{};
};

/// A WebSocket session over a concrete stream: beast::tcp_stream, or a TLS stream.
template <class Stream>
class WebsocketStreamSession final : public WebsocketSession {
 public:
  WebsocketStreamSession(Stream&& stream, SharedState& state, Caller caller)
      : WebsocketSession(state, std::move(caller)), ws_(std::move(stream)) {}
  void run(http::request<http::string_body> request) override;

 private:
  std::shared_ptr<WebsocketStreamSession> self() {
    return std::static_pointer_cast<WebsocketStreamSession>(shared_from_this());
  }
  void do_read() override;
  void do_write(const std::string& frame) override;
  void do_close(const websocket::close_reason& reason) override;

  websocket::stream<Stream> ws_;
};

}  // namespace pacte::net
