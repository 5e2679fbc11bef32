#include "core/mail_message.hpp"

#include "pacte/util.hpp"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace pacte {

namespace {

bool is_plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x7F || (c < 0x20 && c != '\t')) return false;
  return true;
}

std::string base64(std::string_view bytes) {
  if (bytes.empty()) return {};
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

/// Length of the UTF-8 sequence starting with `lead` (1 for continuation bytes).
std::size_t sequence_length(unsigned char lead) {
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

/// A boundary that cannot occur in base64 text (it holds '=' and '_').
std::string boundary(std::string_view message_id, const char* tag) {
  return std::string("=_pacte_") + tag + "_" + sha256_hex(message_id).substr(0, 24);
}

std::string part_header(std::string_view content_type) {
  return "Content-Type: " + std::string(content_type) + "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
}

/// A file name for Content-Disposition: RFC 2231 when not ASCII, quoted otherwise.
std::string filename_param(std::string_view name) {
  bool ascii = is_plain_ascii(name) && name.find('"') == std::string_view::npos && name.find('\\') == std::string_view::npos;
  if (ascii) return "filename=\"" + std::string(name) + "\"";
  static const char* hex = "0123456789ABCDEF";
  std::string out = "filename*=UTF-8''";
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string encode_header_text(std::string_view text) {
  if (is_plain_ascii(text)) return std::string(text);
  // Encoded words of at most 75 characters: about 45 bytes of UTF-8 each, never splitting
  // a character (RFC 2047 §5), joined by folding whitespace.
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      std::size_t n = sequence_length(static_cast<unsigned char>(text[end]));
      if (end + n - i > 45) break;
      end += n;
    }
    if (end == i) end = std::min(text.size(), i + sequence_length(static_cast<unsigned char>(text[i])));
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string format_mailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return std::string(address);
  std::string display;
  if (is_plain_ascii(name)) {
    display = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') display += '\\';
      display += c;
    }
    display += "\"";
  } else {
    display = encode_header_text(name);
  }
  return display + " <" + std::string(address) + ">";
}

std::string mailbox_address(std::string_view mailbox) {
  auto open = mailbox.rfind('<');
  auto close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open)
    return std::string(mailbox.substr(open + 1, close - open - 1));
  return std::string(mailbox);
}

std::string rfc5322_date(TimePoint time) {
  std::time_t secs = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string base64_lines(std::string_view bytes) {
  std::string flat = base64(bytes);
  std::string out;
  out.reserve(flat.size() + flat.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < flat.size(); i += 76) {
    out.append(flat, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string MailMessage::render() const {
  std::string m;
  std::string from_name(from.substr(0, from.find('<')));
  while (!from_name.empty() && (from_name.back() == ' ' || from_name.back() == '"')) from_name.pop_back();
  while (!from_name.empty() && (from_name.front() == ' ' || from_name.front() == '"')) from_name.erase(0, 1);
  m += "From: " + format_mailbox(from_name, mailbox_address(from)) + "\r\n";
  m += "To: " + format_mailbox(to_name, to_address) + "\r\n";
  m += "Subject: " + encode_header_text(subject) + "\r\n";
  m += "Date: " + rfc5322_date(date) + "\r\n";
  m += "Message-ID: <" + message_id + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  if (!list_unsubscribe.empty()) m += "List-Unsubscribe: <" + list_unsubscribe + ">\r\n";

  std::string alt = boundary(message_id, "alt");
  std::string body;
  if (html.empty()) {
    body = part_header("text/plain; charset=UTF-8") + base64_lines(text);
  } else {
    body = "Content-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n";
    body += "--" + alt + "\r\n" + part_header("text/plain; charset=UTF-8") + base64_lines(text);
    body += "--" + alt + "\r\n" + part_header("text/html; charset=UTF-8") + base64_lines(html);
    body += "--" + alt + "--\r\n";
  }
  if (attachments.empty()) return m + body;

  std::string mixed = boundary(message_id, "mix");
  m += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
  m += "--" + mixed + "\r\n" + body;
  for (auto& a : attachments) {
    m += "--" + mixed + "\r\n";
    m += "Content-Type: " + (a.content_type.empty() ? std::string("application/octet-stream") : a.content_type) + "\r\n";
    m += "Content-Transfer-Encoding: base64\r\n";
    m += "Content-Disposition: attachment; " + filename_param(a.filename) + "\r\n\r\n";
    m += base64_lines(a.data);
  }
  m += "--" + mixed + "--\r\n";
  return m;
}

}  // namespace pacte
