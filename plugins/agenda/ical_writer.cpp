#include "ical_writer.hpp"

namespace pacte_agenda {

void IcalWriter::begin(std::string_view component) { line("BEGIN:" + std::string(component)); }
void IcalWriter::end(std::string_view component) { line("END:" + std::string(component)); }

void IcalWriter::raw(std::string_view name, std::string_view value, std::string_view params) {
  std::string l(name);
  l += params;
  l += ':';
  l += value;
  line(l);
}

void IcalWriter::text(std::string_view name, std::string_view value, std::string_view params) {
  raw(name, escape_text(value), params);
}

std::string IcalWriter::escape_text(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\r':
        if (i + 1 < value.size() && value[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n': out += "\\n"; break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 3.3.11): dropped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') break;
        if (c == 0x7f) break;
        out += c;
    }
  }
  return out;
}

std::string IcalWriter::param_value(std::string_view value) {
  std::string clean;
  bool quote = false;
  for (char c : value) {
    if (c == '"' || (static_cast<unsigned char>(c) < 0x20) || c == 0x7f) continue;
    if (c == ':' || c == ';' || c == ',') quote = true;
    clean += c;
  }
  return quote ? "\"" + clean + "\"" : clean;
}

// Folding: at most 75 octets per physical line (CRLF excluded); continuation lines start
// with one space, which counts in their 75. A cut never falls inside a UTF-8 sequence.
void IcalWriter::line(std::string_view content) {
  std::size_t limit = 75;
  while (content.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(content[cut]) & 0xC0) == 0x80) --cut;
    out_.append(content.substr(0, cut));
    out_ += "\r\n ";
    content.remove_prefix(cut);
    limit = 74;
  }
  out_.append(content);
  out_ += "\r\n";
}

void write_paris_timezone(IcalWriter& w) {
  w.begin("VTIMEZONE");
  w.raw("TZID", "Europe/Paris");
  w.begin("DAYLIGHT");
  w.raw("TZOFFSETFROM", "+0100");
  w.raw("TZOFFSETTO", "+0200");
  w.raw("TZNAME", "CEST");
  w.raw("DTSTART", "19810329T020000");
  w.raw("RRULE", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
  w.end("DAYLIGHT");
  w.begin("STANDARD");
  w.raw("TZOFFSETFROM", "+0200");
  w.raw("TZOFFSETTO", "+0100");
  w.raw("TZNAME", "CET");
  w.raw("DTSTART", "19961027T030000");
  w.raw("RRULE", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
  w.end("STANDARD");
  w.end("VTIMEZONE");
}

}  // namespace pacte_agenda
