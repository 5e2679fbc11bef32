// One HTTP connection: static files, health, metrics, the HTTP API, and the WebSocket
// upgrade (authenticated before any WebSocket frame).
#pragma once

#include <array>
#include <memory>
#include <optional>

#include "net/shared_state.hpp"

namespace pacte::net {

class WebsocketSession;

/// The HTTP logic of a connection; the stream I/O (plain TCP or TLS) is supplied by
/// HttpStreamSession<Stream> below, so that this logic is compiled once.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  explicit HttpSession(SharedState& state) : state_(state) {}
  virtual ~HttpSession() = default;
  /// Starts serving (after the TLS handshake, under TLS).
  virtual void run() = 0;

 protected:
  // I/O of the concrete stream.
  virtual void async_read_header() = 0;
  virtual void async_read_rest() = 0;
  virtual void async_write_response(std::shared_ptr<http::response<http::string_body>> res) = 0;
  virtual void shutdown() = 0;
  virtual void set_deadline(std::chrono::seconds seconds) = 0;
  virtual std::string peer_address() const = 0;
  /// Hands the connection over to a WebSocket session (the upgrade was accepted).
  virtual std::shared_ptr<WebsocketSession> into_websocket(Caller caller) = 0;
  /// After refusing a request whose body was not read: reads and discards what the client
  /// still sends (bounded by the header deadline) so that closing does not reset the
  /// connection before the client has read the refusal.
  virtual void linger() = 0;

  void do_read();
  void on_header(beast::error_code ec);
  void on_read(beast::error_code ec);
  void on_write(bool keep_alive, beast::error_code ec);

  SharedState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;

 private:
  void handle();
  /// Checks an upload's credential, origin and role from its headers alone, then reads
  /// the body only if it may be stored.
  void authorize_upload();
  void refuse_unread(http::status status, const Json& body);
  void serve_static(const http::request<http::string_body>& req);
  void handle_api(const std::string& op);
  void handle_upgrade();
  void handle_upload();
  void handle_download(std::int64_t id);
  void handle_export(std::int64_t workspace);
  void handle_resource(const std::string& path);
  std::string credential() const;
  void respond(http::response<http::string_body> res);
  void respond_json(http::status status, const Json& body, const std::string& set_cookie = {});
  std::string address() const;

  http::request<http::string_body> req_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
  bool linger_ = false;              // the request's body was left unread
};

/// An HTTP session over a concrete stream: beast::tcp_stream, or TlsStream.
template <class Stream>
class HttpStreamSession final : public HttpSession {
 public:
  HttpStreamSession(Stream&& stream, SharedState& state) : HttpSession(state), stream_(std::move(stream)) {}
  void run() override;

 private:
  std::shared_ptr<HttpStreamSession> self() {
    return std::static_pointer_cast<HttpStreamSession>(shared_from_this());
  }
  void async_read_header() override;
  void async_read_rest() override;
  void async_write_response(std::shared_ptr<http::response<http::string_body>> res) override;
  void shutdown() override;
  void set_deadline(std::chrono::seconds seconds) override;
  std::string peer_address() const override;
  std::shared_ptr<WebsocketSession> into_websocket(Caller caller) override;
  void linger() override;

  Stream stream_;
  std::array<char, 4096> discard_{};
};

/// Extracts the value of a cookie from a Cookie header, empty if absent.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace pacte::net
