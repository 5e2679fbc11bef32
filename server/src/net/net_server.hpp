// The network layer: one thread running an io_context that owns every socket. Serves
// HTTP (static files, /healthz, /metrics, /api/<operation>) and WebSockets at /ws.
// This header exposes no Beast or Asio type, so that the rest of the code compiles fast.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "core/accounts.hpp"
#include "core/attachments.hpp"
#include "core/engine.hpp"
#include "core/metrics.hpp"
#include "core/server_config.hpp"

namespace pacte {

class NetServer {
 public:
  NetServer(const ServerConfig& config, Engine& engine, Dispatcher& dispatcher, Accounts& accounts,
            Attachments& attachments, Metrics& metrics);
  ~NetServer();

  /// Binds the listening socket (throws std::runtime_error if it cannot). Returns the port
  /// actually bound (useful with port 0 in tests).
  std::uint16_t bind();
  /// Runs the network thread's loop on the calling thread until stop() or a signal
  /// (SIGINT/SIGTERM when `handle_signals`). On stop: stops accepting, lets the engine
  /// finish and deliver in-flight work, closes sockets with 1001, then returns.
  void run(bool handle_signals);
  /// Requests a graceful stop. Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pacte
