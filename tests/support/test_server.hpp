// Starts the real server (Application) on an ephemeral loopback port, in a thread, with
// the demo pact and a known password; and small real HTTP and WebSocket clients (Beast).
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/application.hpp"

namespace pacte::test {

using Json = nlohmann::json;
inline constexpr const char* kPassword = "test-pass";
inline constexpr const char* kOrigin = "http://pacte.test";

struct ServerOptions {
  std::function<void(ServerConfig&)> configure{};  // adjust limits etc.
  std::function<void(AppOptions&)> prepare{};      // e.g. add a test plugin
  const Clock* clock = nullptr;
};

class TestServer {
 public:
  explicit TestServer(ServerOptions options = {});
  /// Reuses the data folder of `previous` (restarts), which must be stopped.
  TestServer(const std::filesystem::path& data_dir, ServerOptions options);
  ~TestServer();

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  Application& app() { return *app_; }
  /// Graceful stop (as on SIGTERM); waits for the server thread.
  void stop();
  /// Keeps the data folder after destruction (for restarts).
  void keep_data() { keep_ = true; }

 private:
  void start(ServerOptions options);
  std::filesystem::path data_dir_;
  std::unique_ptr<Application> app_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  bool keep_ = false;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  Json json() const { return Json::parse(body, nullptr, false); }
};

/// One HTTP/1.1 request on a fresh connection.
HttpResponse http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {});
/// Signs in; returns the session token (cookie value), or throws.
std::string login(std::uint16_t port, const std::string& email, const std::string& password = kPassword);
/// POST /api/<op> with a session cookie and our Origin.
HttpResponse api(std::uint16_t port, const std::string& token, const std::string& op, const Json& args = Json::object());

/// A WebSocket client with a receive timeout. Not thread-safe.
class WsClient {
 public:
  struct Options {
    std::string cookie{};  // session token
    std::string bearer{};
    std::string origin{kOrigin};
  };
  WsClient(std::uint16_t port, Options options);
  ~WsClient();
  /// The HTTP status if the upgrade was refused (0 when connected).
  int refused_status() const { return refused_status_; }
  bool connected() const { return refused_status_ == 0 && !closed_; }

  void send_text(const std::string& text);
  void send_binary(const std::string& data);
  /// Next frame (event or reply), or nullopt after `timeout` or when closed.
  std::optional<Json> next(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Sends {id, op, args} and waits for the reply with that id; events received meanwhile
  /// are kept for events(). Throws on timeout.
  Json request(const std::string& op, const Json& args = Json::object(), std::string id = {});
  /// Waits for an event of this type (from the kept ones first).
  std::optional<Json> wait_event(const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Events received and not yet consumed.
  std::deque<Json>& events() { return events_; }
  /// Waits for the connection to be closed by the server; returns the close code.
  std::optional<int> wait_close(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  /// Drops the TCP connection without a close handshake.
  void drop();
  /// Subscribes from the given sequences (sync.subscribe).
  Json subscribe(const Json& since = Json::object());

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::deque<Json> events_;
  int refused_status_ = 0;
  bool closed_ = false;
  int counter_ = 0;
};

/// Waits until `done()` holds, checking it every 20 ms, for at most `limit`; returns
/// whether it holds. For what the server does on its own real-time timers (mail thread,
/// digests, plugin reminders): the test polls a condition, it never sleeps a fixed time.
template <typename F>
bool wait_until(F done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    // The polling interval between two checks; the condition, not the time, ends the wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

/// A signed-in demo person: session token and id.
struct Person {
  std::string token;
  std::int64_t id;
};
Person sign_in(TestServer& s, const std::string& email);

/// The first column of the first row of a query on the server's database (read only).
std::int64_t scalar(TestServer& s, const std::string& sql);

/// Id of the workspace with this key, as seen by the token's person.
std::int64_t workspace_id(std::uint16_t port, const std::string& token, const std::string& key);

}  // namespace pacte::test
