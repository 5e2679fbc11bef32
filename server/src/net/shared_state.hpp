// What every session of the network thread shares: configuration, the engine, the
// dispatcher, and the hub of live WebSocket sessions. Network thread only.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "core/accounts.hpp"
#include "core/attachments.hpp"
#include "core/engine.hpp"
#include "core/metrics.hpp"
#include "core/server_config.hpp"
#include "net/beast.hpp"

namespace pacte::net {

class WebsocketSession;

/// Registry of WebSocket sessions and the fan-out of committed events.
class SharedState {
 public:
  SharedState(const ServerConfig& config, Engine& engine, Dispatcher& dispatcher, Accounts& accounts,
              Attachments& attachments, Metrics& metrics, asio::io_context& io)
      : config(config), engine(engine), dispatcher(dispatcher), accounts(accounts), attachments(attachments),
        metrics(metrics), io(io) {}
  /// Sessions can outlive the hub: the shutdown ends the loop after a grace period even if
  /// a client never completed its close handshake, and the io_context, destroyed after the
  /// hub, releases those sessions last. They are detached here so that they do not leave
  /// a hub that no longer exists.
  ~SharedState();

  const ServerConfig& config;
  Engine& engine;
  Dispatcher& dispatcher;
  Accounts& accounts;
  Attachments& attachments;
  Metrics& metrics;
  asio::io_context& io;
  std::atomic<bool> stopping{false};

  void join(WebsocketSession* s);
  void leave(WebsocketSession* s);
  /// Number of open sockets of a person.
  int sockets_of(std::int64_t person) const;
  /// Applies a group commit's results in commit order: replies first, then events and
  /// subscription changes.
  void apply(Batch& batch);
  /// A session subscribes to a workspace (after sync.subscribe): presence follows.
  void subscribe(WebsocketSession* s, std::int64_t workspace, std::int64_t from, Role role);
  void unsubscribe(WebsocketSession* s, std::int64_t workspace);
  /// Sends a frame to every subscriber of a workspace except `except` (ephemeral signals).
  void relay(std::int64_t workspace, const std::shared_ptr<const std::string>& frame, WebsocketSession* except);
  /// Closes every session with a code (shutdown: 1001).
  void close_all(std::uint16_t code, const std::string& reason);
  std::size_t session_count() const { return sessions_.size(); }
  /// Sessions (cookie sign-ins) with at least one open socket.
  std::vector<std::int64_t> live_sessions() const;

 private:
  void broadcast_presence(std::int64_t workspace);

  std::set<WebsocketSession*> sessions_;
  std::unordered_map<std::int64_t, std::set<WebsocketSession*>> by_workspace_;
  std::unordered_map<std::int64_t, std::set<WebsocketSession*>> by_person_;
};

/// Checks that the JSON text nests no deeper than `max_depth` (before parsing, so that a
/// hostile 10,000-deep document costs nothing).
bool json_depth_ok(std::string_view text, int max_depth);

}  // namespace pacte::net
