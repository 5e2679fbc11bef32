#include "net/net_server.hpp"

#include <thread>

#include "core/logger.hpp"
#include "net/http_session.hpp"
#include "net/shared_state.hpp"

namespace pacte {

using namespace pacte::net;

struct NetServer::Impl {
  Impl(const ServerConfig& config, Engine& engine, Dispatcher& dispatcher, Accounts& accounts,
       Attachments& attachments, Metrics& metrics)
      : io(1), acceptor(io), signals(io), sweeper(io), state(config, engine, dispatcher, accounts, attachments, metrics, io) {}

  void accept() {
    // One thread runs `io`: a strand per connection would only add a lock and an
    // indirection to every completion (measured in docs/performance.md).
    acceptor.async_accept(io.get_executor(), [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
        log_warn("net.accept_failed", {{"error", ec.message()}});
      } else {
        socket.set_option(tcp::no_delay(true), ec);
        if (tls)
          std::make_shared<HttpStreamSession<TlsStream>>(TlsStream(beast::tcp_stream(std::move(socket)), *tls), state)->run();
        else
          std::make_shared<HttpStreamSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), state)->run();
      }
      accept();
    });
  }

  /// Graceful stop: no new connections; the engine finishes and delivers what is in
  /// flight; then every socket is closed with 1001 and the loop ends.
  void begin_stop() {
    if (state.stopping.exchange(true)) return;
    log_info("server.stopping");
    beast::error_code ec;
    acceptor.close(ec);
    signals.cancel(ec);
    sweeper.cancel();
    for (auto& t : timers) t->cancel();
    drainer = std::thread([this] {
      state.engine.stop();  // completes queued requests; their replies are posted to io
      asio::post(io, [this] {
        state.close_all(static_cast<std::uint16_t>(websocket::close_code::going_away), "server stopping");
        wait_for_sessions(40);
      });
    });
  }

  /// Every two seconds: end expired sessions and those of disabled people, closing sockets.
  void sweep() {
    sweeper.expires_after(std::chrono::seconds(2));
    sweeper.async_wait([this](beast::error_code ec) {
      if (ec || state.stopping) return;
      state.engine.post([this, live = state.live_sessions()](EngineContext& ctx) { state.accounts.sweep(ctx, live); });
      sweep();
    });
  }

  /// Gives close handshakes a moment (up to `left` × 50 ms), then ends the loop whatever
  /// remains.
  void wait_for_sessions(int left) {
    if (state.session_count() == 0 || left == 0) {
      io.stop();
      return;
    }
    closer.expires_after(std::chrono::milliseconds(50));
    closer.async_wait([this, left](beast::error_code) { wait_for_sessions(left - 1); });
  }

  /// Plugin and module timers: each posts its work to the engine at its period.
  void start_timers() {
    for (auto& t : state.dispatcher.timers()) {
      auto timer = std::make_shared<asio::steady_timer>(io);
      timers.push_back(timer);
      schedule(timer, &t);
    }
  }
  void schedule(const std::shared_ptr<asio::steady_timer>& timer, const Dispatcher::Timer* t) {
    timer->expires_after(t->every);
    timer->async_wait([this, timer, t](beast::error_code ec) {
      if (ec || state.stopping) return;
      state.engine.post([t](EngineContext& ctx) {
        try {
          t->run(ctx);
        } catch (const std::exception& e) {
          log_error("timer.failed", {{"timer", t->name}, {"error", e.what()}});
          throw;  // the engine rolls the task's savepoint back
        }
      });
      schedule(timer, t);
    });
  }

  asio::io_context io;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer sweeper;
  asio::steady_timer closer{io};
  SharedState state;
  std::unique_ptr<ssl::context> tls;  // set when the configuration names a certificate
  std::vector<std::shared_ptr<asio::steady_timer>> timers;
  std::thread drainer;
};

NetServer::NetServer(const ServerConfig& config, Engine& engine, Dispatcher& dispatcher, Accounts& accounts,
                     Attachments& attachments, Metrics& metrics)
    : impl_(std::make_unique<Impl>(config, engine, dispatcher, accounts, attachments, metrics)) {
  if (config.tls()) {
    // Native TLS for deployments without a reverse proxy: TLS 1.2 or later.
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                     ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    beast::error_code ec;
    ctx->use_certificate_chain_file(config.tls_certificate, ec);
    if (ec) throw std::runtime_error("tls.certificate: cannot use '" + config.tls_certificate + "': " + ec.message());
    ctx->use_private_key_file(config.tls_private_key, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("tls.private_key: cannot use '" + config.tls_private_key + "': " + ec.message());
    impl_->tls = std::move(ctx);
  }
  // Committed batches are handed to the network thread, in commit order.
  engine.set_sink([this](Batch&& batch) {
    auto shared = std::make_shared<Batch>(std::move(batch));
    asio::post(impl_->io, [this, shared] { impl_->state.apply(*shared); });
  });
}

NetServer::~NetServer() {
  if (impl_->drainer.joinable()) impl_->drainer.join();
}

std::uint16_t NetServer::bind() {
  auto& cfg = impl_->state.config;
  beast::error_code ec;
  auto address = asio::ip::make_address(cfg.listen_address, ec);
  if (ec) throw std::runtime_error("invalid listen address '" + cfg.listen_address + "'");
  tcp::endpoint ep(address, cfg.listen_port);
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + cfg.listen_address + ":" + std::to_string(cfg.listen_port) +
                             ": " + ec.message());
  return a.local_endpoint().port();
}

void NetServer::run(bool handle_signals) {
  if (handle_signals) {
    impl_->signals.add(SIGINT);
    impl_->signals.add(SIGTERM);
    impl_->signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) impl_->begin_stop();
    });
  }
  impl_->accept();
  impl_->sweep();
  impl_->start_timers();
  impl_->io.run();
  if (impl_->drainer.joinable()) impl_->drainer.join();
}

void NetServer::stop() {
  asio::post(impl_->io, [this] { impl_->begin_stop(); });
}

}  // namespace pacte
