// One HTTP connection: static files, health, metrics, the HTTP API, and the WebSocket
// upgrade (authenticated before any WebSocket frame).
#pragma once

#include <memory>
#include <optional>

#include "net/shared_state.hpp"

namespace pacte::net {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, SharedState& state);
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle();
  void serve_static(const http::request<http::string_body>& req);
  void handle_api(const std::string& op);
  void handle_upgrade();
  void respond(http::response<http::string_body> res);
  void respond_json(http::status status, const Json& body, const std::string& set_cookie = {});
  void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
  std::string address() const;

  beast::tcp_stream stream_;
  SharedState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> req_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
};

/// Extracts the value of a cookie from a Cookie header, empty if absent.
std::string cookie_value(std::string_view header, std::string_view name);

}  // namespace pacte::net
