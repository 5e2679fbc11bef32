// The notification centre and outgoing email: per-person notifications (in-app, live
// through the personal stream), email preferences and digests, and an outbox that a mail
// thread drains through SMTP with retries, backoff and a dead-letter state.
// See docs/notifications.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/engine.hpp"
#include "core/server_config.hpp"
#include "core/worker_pool.hpp"

namespace pacte {

class Notifications {
 public:
  Notifications(Engine& engine, const ServerConfig& config);
  ~Notifications();

  static std::vector<Migration> migrations();
  /// Operations (notifications.*, admin.outbox.*, password.reset_request), timers (digests,
  /// mailer) and the unsubscribe page.
  void register_operations(Dispatcher& dispatcher);
  /// Context::notify: stores the notification, sends the personal event, and emails it now
  /// (immediate kinds, or a person whose digest is "immediately") or leaves it for a digest.
  std::int64_t notify(EngineContext& ctx, std::int64_t person, const Notification& n);
  /// Emails a one-time link ("invitation" into `workspace_name`, or "reset"); not stored
  /// in the notification centre (the link is a secret).
  void send_link(EngineContext& ctx, std::int64_t person, const std::string& purpose, const std::string& url,
                 const std::string& workspace_name);
  /// Stops the mail thread (after the engine has stopped).
  void stop();

  /// The kinds a person may switch email on or off for.
  static const std::vector<std::string>& kinds();

 private:
  void queue_email(EngineContext& ctx, std::int64_t person, const std::string& subject, const std::string& text,
                   const std::string& html, const std::vector<EmailAttachment>& attachments,
                   const std::string& unsubscribe_kind);
  void run_digests(EngineContext& ctx);
  void run_mailer(EngineContext& ctx);
  std::string unsubscribe_url(EngineContext& ctx, std::int64_t person, const std::string& kind);

  Engine& engine_;
  const ServerConfig& config_;
  std::unique_ptr<WorkerPool> mail_pool_;
  bool sending_ = false;  // engine thread only: one batch of sends at a time
};

}  // namespace pacte
