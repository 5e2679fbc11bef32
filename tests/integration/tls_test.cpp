// Native TLS: HTTPS and WSS on the same port, with a certificate made for the test.
#include <gtest/gtest.h>

#include <cstdlib>

#include "net/beast.hpp"
#include "support/test_server.hpp"

using namespace pacte::net;
using pacte::test::Json;
using pacte::test::kOrigin;
using pacte::test::kPassword;
using pacte::test::ServerOptions;
using pacte::test::TestServer;

namespace {

std::filesystem::path make_certificate() {
  auto dir = std::filesystem::temp_directory_path() / "pacte-tls-test";
  std::filesystem::create_directories(dir);
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout " +
                    (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a test certificate");
  return dir;
}

}  // namespace

TEST(Tls, ServesHttpsAndSecureWebSocketsAndMarksTheCookieSecure) {
  auto certs = make_certificate();
  TestServer server({.configure = [&](pacte::ServerConfig& c) {
    c.tls_certificate = (certs / "cert.pem").string();
    c.tls_private_key = (certs / "key.pem").string();
  }});
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_verify_mode(ssl::verify_none);  // self-signed for the test
  auto connect = [&] {
    TlsStream stream(io, ctx);
    beast::get_lowest_layer(stream).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    stream.handshake(ssl::stream_base::client);
    return stream;
  };
  // HTTPS sign-in: the cookie is Secure.
  TlsStream https = connect();
  http::request<http::string_body> req{http::verb::post, "/api/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.body() = Json{{"email", "equipe@ville-chambery.example"}, {"password", kPassword}}.dump();
  req.prepare_payload();
  http::write(https, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(https, buffer, res);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  std::string cookie(res[http::field::set_cookie]);
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  std::string token = cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);

  // WSS with that session.
  websocket::stream<TlsStream> wss(connect());
  wss.set_option(websocket::stream_base::decorator([&](websocket::request_type& r) {
    r.set(http::field::cookie, "pacte_session=" + token);
    r.set(http::field::origin, kOrigin);
  }));
  wss.handshake("127.0.0.1", "/ws");
  beast::flat_buffer frame;
  wss.read(frame);
  Json hello = Json::parse(beast::buffers_to_string(frame.data()));
  EXPECT_EQ(hello["event"], "hello");
  EXPECT_EQ(hello["data"]["person"]["name"], "Équipe Ville de Chambéry");

  // Plain HTTP on the TLS port is not served.
  EXPECT_THROW(pacte::test::http(server.port(), "GET", "/healthz"), std::exception);
}
