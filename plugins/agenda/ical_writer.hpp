// A minimal iCalendar (RFC 5545) writer: content lines ending in CRLF, folded at 75
// octets without splitting a UTF-8 sequence, TEXT values escaped (\\ \; \, \n).
#pragma once

#include <string>
#include <string_view>

namespace pacte_agenda {

class IcalWriter {
 public:
  void begin(std::string_view component);
  void end(std::string_view component);
  /// A property whose value is written as is (dates, numbers, enumerations, URIs).
  /// `params` is ";TZID=Europe/Paris"-style text, already valid.
  void raw(std::string_view name, std::string_view value, std::string_view params = {});
  /// A TEXT property: the value is escaped.
  void text(std::string_view name, std::string_view value, std::string_view params = {});
  /// A parameter value, quoted when it holds ':' ';' or ','; DQUOTE and controls dropped.
  static std::string param_value(std::string_view value);
  static std::string escape_text(std::string_view value);
  const std::string& str() const { return out_; }

 private:
  void line(std::string_view content);
  std::string out_;
};

/// The VTIMEZONE of Europe/Paris (EU rule since 1996) written into `w`.
void write_paris_timezone(IcalWriter& w);

}  // namespace pacte_agenda
