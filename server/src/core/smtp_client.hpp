// Sends one rendered message through the configured SMTP server (libcurl). Blocking: run
// it on the mail thread, never on the network or engine thread.
#pragma once

#include <optional>
#include <string>

#include "core/server_config.hpp"

namespace pacte {

class SmtpClient {
 public:
  explicit SmtpClient(EmailConfig config) : config_(std::move(config)) {}
  /// Sends `message` (RFC 5322, CRLF) from the configured sender to `to_address`.
  /// Returns nullopt once the server accepted it, otherwise what went wrong.
  std::optional<std::string> send(const std::string& to_address, const std::string& message) const;

 private:
  EmailConfig config_;
};

}  // namespace pacte
