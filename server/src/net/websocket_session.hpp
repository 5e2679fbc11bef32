// One WebSocket connection: reads frames, validates them, hands requests to the engine,
// and writes replies and events with one write in flight and a bounded queue.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include "net/shared_state.hpp"

namespace pacte::net {

class WebsocketSession : public std::enable_shared_from_this<WebsocketSession> {
 public:
  WebsocketSession(tcp::socket&& socket, SharedState& state, Caller caller);
  ~WebsocketSession();

  /// Accepts the upgrade request (already authenticated) and starts reading.
  void run(http::request<http::string_body> request);
  /// Queues a frame; closes the connection with 4008 when the client is not keeping up.
  void send(std::shared_ptr<const std::string> frame);
  /// Closes with a WebSocket close code, after what is queued.
  void close(std::uint16_t code, const std::string& reason);

  const Caller& caller() const { return caller_; }
  struct Subscription {
    std::int64_t from;  // last sequence delivered
    Role role;
  };
  std::unordered_map<std::int64_t, Subscription>& subscriptions() { return subs_; }
  std::int64_t personal_from = -1;  // -1: not yet subscribed
  bool synced = false;              // has sent sync.subscribe

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle_text(const std::string& text);
  void reply_error(const std::string& id, const Error& e);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  bool take_token();

  websocket::stream<beast::tcp_stream> ws_;
  SharedState& state_;
  Caller caller_;
  beast::flat_buffer buffer_;
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

}  // namespace pacte::net
