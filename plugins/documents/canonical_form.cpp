#include "canonical_form.hpp"

#include <cstdlib>
#include <stdexcept>

#include <utf8proc.h>

#include "pacte/util.hpp"

namespace pacte_documents {

std::optional<std::string> to_nfc(std::string_view text) {
  if (!pacte::valid_utf8(text)) return std::nullopt;
  if (text.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  // STABLE: NFC as the Unicode standard defines it; COMPOSE: canonical composition.
  auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                        static_cast<utf8proc_ssize_t>(text.size()), &out,
                        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
  if (n < 0 || out == nullptr) {
    std::free(out);
    return std::nullopt;
  }
  std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  std::free(out);
  return result;
}

namespace {

bool blank_char(char c) {
  return c == ' ' || c == '\t';
}

/// Splits on LF after turning CRLF and lone CR into LF.
std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(std::move(current));
      current.clear();
    } else if (c == '\n') {
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  lines.push_back(std::move(current));
  return lines;
}

}  // namespace

std::optional<std::string> normalize_body(std::string_view text) {
  auto nfc = to_nfc(text);
  if (!nfc) return std::nullopt;
  auto lines = lines_of(*nfc);
  for (auto& line : lines)
    while (!line.empty() && blank_char(line.back())) line.pop_back();
  std::size_t first = 0, last = lines.size();
  while (first < last && lines[first].empty()) ++first;
  while (last > first && lines[last - 1].empty()) --last;
  std::string out;
  for (std::size_t i = first; i < last; ++i) {
    if (i > first) out.push_back('\n');
    out += lines[i];
  }
  return out;
}

std::optional<std::string> normalize_heading(std::string_view text) {
  auto nfc = to_nfc(text);
  if (!nfc) return std::nullopt;
  std::string out;
  bool pending_space = false;
  for (char c : *nfc) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(key.front())) return false;
  for (char c : key)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

std::string canonical_block(const Section& s) {
  std::string out = "\xC2\xA7 " + s.key + "\n#";  // "§ key", then "# heading"
  if (!s.heading.empty()) out += " " + s.heading;
  out += "\n";
  if (s.body.empty()) return out;
  out += "\n";
  // A body line that could be read as a section's first line, or as an escape, is
  // prefixed with a backslash: two different documents never share a canonical text.
  std::size_t start = 0;
  while (start <= s.body.size()) {
    std::size_t end = s.body.find('\n', start);
    if (end == std::string::npos) end = s.body.size();
    std::string_view line(s.body.data() + start, end - start);
    if (line.substr(0, 2) == "\xC2\xA7" || line.substr(0, 1) == "\\") out += "\\";
    out += line;
    out += "\n";
    start = end + 1;
  }
  return out;
}

CanonicalForm canonical_form(const std::vector<Section>& sections) {
  CanonicalForm form;
  for (std::size_t i = 0; i < sections.size(); ++i) {
    Section s;
    s.key = sections[i].key;
    auto heading = normalize_heading(sections[i].heading);
    auto body = normalize_body(sections[i].body);
    if (!heading || !body || !pacte::valid_utf8(s.key))
      throw std::invalid_argument("section text is not valid UTF-8");
    s.heading = std::move(*heading);
    s.body = std::move(*body);
    std::string block = canonical_block(s);
    form.section_hashes.push_back(pacte::sha256_hex(block));
    if (i > 0) form.text += "\n";
    form.text += block;
  }
  form.hash = pacte::sha256_hex(form.text);
  return form;
}

}  // namespace pacte_documents
