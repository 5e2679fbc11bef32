// An email as Pacte sends it: rendered once to RFC 5322 + MIME, stored in the outbox.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "pacte/context.hpp"

namespace pacte {

struct MailMessage {
  std::string from{};  // "Pacte <pacte@example.org>"
  std::string to_name{};
  std::string to_address{};
  std::string subject{};
  std::string text{};  // plain text body (UTF-8)
  std::string html{};  // HTML body (UTF-8); empty: text only
  std::vector<EmailAttachment> attachments{};
  std::string message_id{};        // without angle brackets: "abc@host"
  std::string list_unsubscribe{};  // URL, or empty
  TimePoint date{};

  /// The message with CRLF line endings: headers (non-ASCII words encoded per RFC 2047),
  /// multipart/alternative text and HTML, multipart/mixed when there are attachments,
  /// bodies in base64 (UTF-8) so no line is too long and nothing is altered in transit.
  std::string render() const;
};

/// RFC 2047 "B" encoded-word(s) for a header value when it is not plain ASCII.
std::string encode_header_text(std::string_view text);
/// "Name <address>" with the name encoded as needed.
std::string format_mailbox(std::string_view name, std::string_view address);
/// The bare address of "Name <address>" (or the text itself).
std::string mailbox_address(std::string_view mailbox);
/// RFC 5322 date, e.g. "Sun, 29 Nov 2026 20:54:03 +0000".
std::string rfc5322_date(TimePoint time);
/// Base64 in lines of 76 characters, CRLF-separated.
std::string base64_lines(std::string_view bytes);
/// Escapes text for HTML element content and attribute values.
std::string html_escape(std::string_view text);

}  // namespace pacte
