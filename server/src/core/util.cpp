// Implementation of the SDK's helpers (pacte/util.hpp).
#include "pacte/util.hpp"

#include <sodium.h>

#include <chrono>

namespace pacte {

/// Parses an RFC 3339 date-time ("2026-03-12T14:00:00Z", "2026-03-12T15:00:00.5+01:00").
std::optional<TimePoint> parse_time(std::string_view s) {
  auto number = [&s](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
  };
  auto at = [&s](std::size_t pos, char c) { return pos < s.size() && s[pos] == c; };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!number(0, 4, y) || !at(4, '-') || !number(5, 2, mo) || !at(7, '-') || !number(8, 2, d)) return std::nullopt;
  if (!(at(10, 'T') || at(10, 't') || at(10, ' '))) return std::nullopt;
  if (!number(11, 2, h) || !at(13, ':') || !number(14, 2, mi) || !at(16, ':') || !number(17, 2, se))
    return std::nullopt;
  std::size_t pos = 19;
  int millis = 0;
  if (at(pos, '.')) {
    std::size_t start = ++pos;
    int scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int offset = 0;  // minutes east of UTC
  if (at(pos, 'Z') || at(pos, 'z')) {
    ++pos;
  } else if (at(pos, '+') || at(pos, '-')) {
    int oh = 0, om = 0;
    if (!number(pos + 1, 2, oh) || !at(pos + 3, ':') || !number(pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  if (se == 60) se = 59;  // a leap second
  auto t = sys_days{date} + hours{h} + minutes{mi} + seconds{se} + milliseconds{millis} - minutes{offset};
  return time_point_cast<system_clock::duration>(t);
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;  // ASCII continuation bytes, overlong leads 0xC0/0xC1, beyond U+10FFFF
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

Json string_schema(int min_length, int max_length) {
  return Json{{"type", "string"}, {"minLength", min_length}, {"maxLength", max_length}};
}

}  // namespace pacte
