#include "signatures/canonical_json.hpp"

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace pacte_signatures {

namespace {

/// UTF-8 to UTF-16 code units, for sorting member names as RFC 8785 §3.2.3 requires
/// (code points above U+FFFF become surrogate pairs, which sort below U+E000..U+FFFF).
std::u16string utf16_units(std::string_view s) {
  std::u16string out;
  std::size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned char c = p[i];
    char32_t cp = 0;
    std::size_t len = 0;
    if (c < 0x80)
      cp = c, len = 1;
    else if ((c & 0xE0) == 0xC0)
      cp = c & 0x1F, len = 2;
    else if ((c & 0xF0) == 0xE0)
      cp = c & 0x0F, len = 3;
    else if ((c & 0xF8) == 0xF0)
      cp = c & 0x07, len = 4;
    else
      throw CanonicalJsonError("invalid UTF-8 in a member name");
    if (i + len > s.size()) throw CanonicalJsonError("truncated UTF-8 in a member name");
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) throw CanonicalJsonError("invalid UTF-8 in a member name");
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

void write_string(std::string& out, std::string_view s) {
  static const char* hex = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void write(std::string& out, const nlohmann::json& v) {
  using T = nlohmann::json::value_t;
  switch (v.type()) {
    case T::null:
      out += "null";
      break;
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      break;
    case T::number_integer:
      out += std::to_string(v.get<std::int64_t>());
      break;
    case T::number_unsigned:
      out += std::to_string(v.get<std::uint64_t>());
      break;
    case T::number_float:
      throw CanonicalJsonError("floating-point numbers are not allowed in the trail");
    case T::string:
      write_string(out, v.get_ref<const std::string&>());
      break;
    case T::array: {
      out.push_back('[');
      bool first = true;
      for (auto& item : v) {
        if (!first) out.push_back(',');
        first = false;
        write(out, item);
      }
      out.push_back(']');
      break;
    }
    case T::object: {
      std::vector<std::pair<std::u16string, const std::string*>> keys;
      keys.reserve(v.size());
      for (auto it = v.begin(); it != v.end(); ++it)
        keys.emplace_back(utf16_units(it.key()), &it.key());
      std::sort(keys.begin(), keys.end(), [](auto& a, auto& b) { return a.first < b.first; });
      out.push_back('{');
      bool first = true;
      for (auto& [units, key] : keys) {
        if (!first) out.push_back(',');
        first = false;
        write_string(out, *key);
        out.push_back(':');
        write(out, v.at(*key));
      }
      out.push_back('}');
      break;
    }
    default:
      throw CanonicalJsonError("value of a type JSON does not have (binary or discarded)");
  }
}

}  // namespace

std::string canonical_json(const nlohmann::json& value) {
  std::string out;
  write(out, value);
  return out;
}

}  // namespace pacte_signatures
