#include "support/test_server.hpp"

#include <sodium.h>

#include <random>
#include <stdexcept>

#include "net/beast.hpp"
#include "core/database.hpp"
#include "pacte/plugin.hpp"

namespace pacte::test {

using namespace pacte::net;

namespace {
std::filesystem::path fresh_dir() {
  static std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("pacte-test-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}
}  // namespace

TestServer::TestServer(ServerOptions options) : data_dir_(fresh_dir()) { start(std::move(options)); }

TestServer::TestServer(const std::filesystem::path& data_dir, ServerOptions options) : data_dir_(data_dir) {
  start(std::move(options));
}

void TestServer::start(ServerOptions options) {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init");
  AppOptions o;
  ServerConfig& c = o.config;
  c.base_dir = PACTE_SOURCE_DIR;
  c.listen_address = "127.0.0.1";
  c.listen_port = 0;
  c.data_dir = data_dir_;
  c.web_root = data_dir_ / "web";
  c.allowed_origins = {kOrigin};
  c.public_url = kOrigin;
  c.log_level = "error";
  c.pacts = {"config/pacts/chambery-2023.json"};
  c.password_workers = 1;
  for (auto& p : Application::compiled_plugins()) c.plugins.push_back(p->name());  // all of them
  if (options.configure) options.configure(c);
  std::filesystem::create_directories(c.web_root);
  o.demo_password = kPassword;
  o.cost = PasswordCost::test;
  o.clock = options.clock;
  if (options.prepare) options.prepare(o);
  app_ = std::make_unique<Application>(std::move(o));
  port_ = app_->bind();
  thread_ = std::thread([this] { app_->run(false); });
}

void TestServer::stop() {
  if (!thread_.joinable()) return;
  app_->stop();
  thread_.join();
}

TestServer::~TestServer() {
  stop();
  app_.reset();
  if (!keep_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

HttpResponse http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                  const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    if (!headers.count("Content-Type")) req.set(http::field::content_type, "application/json");
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code ec;
  http::read(stream, buffer, parser, ec);
  HttpResponse out;
  if (ec) throw std::runtime_error("http read: " + ec.message());
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers[name] = std::string(f.value());
  }
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

std::string login(std::uint16_t port, const std::string& email, const std::string& password) {
  auto r = http(port, "POST", "/api/login", Json{{"email", email}, {"password", password}}.dump(), {{"Origin", kOrigin}});
  if (r.status != 200) throw std::runtime_error("login failed for " + email + ": " + r.body);
  std::string cookie = r.headers["set-cookie"];
  auto start = cookie.find('=') + 1;
  return cookie.substr(start, cookie.find(';') - start);
}

HttpResponse api(std::uint16_t port, const std::string& token, const std::string& op, const Json& args) {
  return http(port, "POST", "/api/" + op, args.dump(), {{"Cookie", "pacte_session=" + token}, {"Origin", kOrigin}});
}

Person sign_in(TestServer& s, const std::string& email) {
  Person p;
  p.token = login(s.port(), email);
  p.id = api(s.port(), p.token, "session.me").json()["result"]["person"]["id"];
  return p;
}

std::int64_t scalar(TestServer& s, const std::string& sql) {
  Database db((s.data_dir() / "pacte.sqlite3").string(), DatabaseOptions{.read_only = true});
  auto& q = db.prepare(sql);
  q.step();
  auto v = q.int64(0);
  q.reset();
  return v;
}

std::int64_t workspace_id(std::uint16_t port, const std::string& token, const std::string& key) {
  auto r = api(port, token, "workspaces.list").json();
  for (auto& w : r["result"]["workspaces"])
    if (w["key"] == key) return w["id"].get<std::int64_t>();
  throw std::runtime_error("no workspace " + key);
}

struct WsClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  bool reading = false;
  bool ready = false;
  beast::error_code ec;
};

WsClient::WsClient(std::uint16_t port, Options options) : impl_(std::make_unique<Impl>()) {
  auto& ws = impl_->ws;
  beast::get_lowest_layer(ws).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::get_lowest_layer(ws).socket().set_option(tcp::no_delay(true));
  ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& req) {
    if (!options.cookie.empty()) req.set(http::field::cookie, "pacte_session=" + options.cookie);
    if (!options.bearer.empty()) req.set(http::field::authorization, "Bearer " + options.bearer);
    if (!options.origin.empty()) req.set(http::field::origin, options.origin);
  }));
  ws.read_message_max(16 << 20);
  websocket::response_type res;
  beast::error_code ec;
  ws.handshake(res, "127.0.0.1", "/ws", ec);
  if (ec) {
    refused_status_ = static_cast<int>(res.result_int());
    if (refused_status_ == 0) refused_status_ = -1;
  }
}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
}

// A write may fail when the server has just closed the connection (e.g. on an oversized
// frame): the test then observes the close with wait_close().
void WsClient::send_text(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
}

void WsClient::send_binary(const std::string& data) {
  beast::error_code ec;
  impl_->ws.binary(true);
  impl_->ws.write(asio::buffer(data), ec);
}

std::optional<Json> WsClient::next(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  auto& im = *impl_;
  // One read stays outstanding across calls: cancelling a WebSocket read would break the
  // stream, so a timeout just leaves it pending for the next call.
  if (!im.reading) {
    im.reading = true;
    im.ready = false;
    im.ws.async_read(im.buffer, [&im](beast::error_code ec, std::size_t) {
      im.ready = true;
      im.ec = ec;
    });
  }
  im.io.restart();
  if (timeout.count() <= 0) im.io.poll();
  else im.io.run_for(timeout);
  if (!im.ready) return std::nullopt;
  im.reading = false;
  if (im.ec) {
    closed_ = true;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(im.buffer.data());
  im.buffer.consume(im.buffer.size());
  return Json::parse(text);
}

Json WsClient::request(const std::string& op, const Json& args, std::string id) {
  if (id.empty()) id = "t-" + std::to_string(++counter_) + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this) % 100000);
  send_text(Json{{"id", id}, {"op", op}, {"args", args}}.dump());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    auto f = next(std::chrono::seconds(10));
    if (!f) break;
    if (f->contains("id") && (*f)["id"] == id) return *f;
    events_.push_back(*f);
  }
  throw std::runtime_error("no reply to " + op);
}

std::optional<Json> WsClient::wait_event(const std::string& type, std::chrono::milliseconds timeout) {
  for (auto it = events_.begin(); it != events_.end(); ++it)
    if (it->value("event", "") == type) {
      Json e = *it;
      events_.erase(it);
      return e;
    }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto f = next(left);
    if (!f) return std::nullopt;
    if (f->value("event", "") == type) return f;
    events_.push_back(*f);
  }
  return std::nullopt;
}

std::optional<int> WsClient::wait_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_ && std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto f = next(left);
    if (f) events_.push_back(*f);
  }
  if (!closed_) return std::nullopt;
  return static_cast<int>(impl_->ws.reason().code);
}

void WsClient::drop() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
  closed_ = true;
}

Json WsClient::subscribe(const Json& since) {
  Json args = {{"since", since}};
  return request("sync.subscribe", args);
}

}  // namespace pacte::test
