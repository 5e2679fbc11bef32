// Server configuration (config/server.json), validated at start.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace pacte {

/// A configuration error: names the file, the field and what is expected.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Limits {
  std::size_t max_frame_bytes = 64 * 1024;
  int max_json_depth = 32;
  std::size_t send_queue_max = 1024;   // frames queued per connection before it is dropped
  double requests_per_second = 50;     // per connection, token bucket
  double request_burst = 100;
  int idle_timeout_seconds = 60;
  int replay_window = 10000;           // events a resume may replay per workspace
  int idempotency_hours = 48;
  int max_sockets_per_person = 20;
  std::size_t max_http_body = 1024 * 1024;
  std::size_t max_attachment_bytes = 10 * 1024 * 1024;
  int login_failures_per_account = 5;  // within login_window_seconds, then rate_limited
  int login_failures_per_address = 50;
  int login_window_seconds = 900;
  int header_timeout_seconds = 15;     // an HTTP request's headers (and body) must arrive within this
  std::size_t password_queue_max = 256;  // hashing jobs waiting for a worker; beyond, rate_limited
};

/// How long personal traces are kept (GDPR storage limitation), in days.
struct Retention {
  int addresses_days = 90;  // IP addresses and user agents (sessions, audit log)
  int audit_days = 730;     // audit log entries
  int emails_days = 30;     // sent (and dead) emails in the outbox
  int notifications_days = 365;  // notifications, once read
};

/// Outgoing email (SMTP). Disabled when `url` is empty: notifications stay in-app.
struct EmailConfig {
  std::string url;               // "smtp://host:587" or "smtps://host:465"
  std::string tls = "starttls";  // "starttls" (required), "opportunistic", "none"; ignored for smtps://
  std::string username;
  std::string password;          // or password_file
  std::string from = "Pacte <pacte@localhost>";
  int timeout_seconds = 30;
  int max_attempts = 10;         // then the message is dead-lettered (admin.outbox.list)
  int digest_hour = 8;           // local hour (Europe/Paris… UTC offset below) of daily digests
  bool enabled() const { return !url.empty(); }
};

struct ServerConfig {
  std::filesystem::path file;       // where it was read from
  std::filesystem::path base_dir;   // relative paths are resolved against it
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "data";
  std::filesystem::path web_root = "web-client/dist";
  std::vector<std::string> allowed_origins;
  std::string public_url = "http://127.0.0.1:8080";
  std::string log_level = "info";
  std::string synchronous = "full";
  Limits limits;
  Retention retention;
  EmailConfig email;
  int session_idle_hours = 24 * 7;
  int session_absolute_days = 30;
  std::string tls_certificate;  // PEM paths; both set = native TLS
  std::string tls_private_key;
  std::vector<std::string> plugins;             // enabled on this instance
  std::vector<std::filesystem::path> pacts;     // governance files imported on first start
  bool trust_forwarded_for = false;             // behind a reverse proxy: client address from X-Forwarded-For
  int password_workers = 2;

  /// Reads and validates a configuration file. Throws ConfigError.
  static ServerConfig load(const std::filesystem::path& file);
  /// Parses "host:port" into listen_address/listen_port. Throws ConfigError.
  void set_listen(const std::string& addr, const std::string& where);
  bool tls() const { return !tls_certificate.empty(); }
  /// Cookies get `Secure` under native TLS or behind an https public URL.
  bool secure_cookies() const { return tls() || public_url.rfind("https://", 0) == 0; }
};

}  // namespace pacte
