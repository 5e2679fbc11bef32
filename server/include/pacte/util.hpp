// Small helpers every plugin needs; implemented in the server (pacte_core).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pacte/operation.hpp"

namespace pacte {

/// Parses an RFC 3339 date-time ("2026-03-12T14:00:00Z", "2026-03-12T15:00:00.5+01:00").
std::optional<TimePoint> parse_time(std::string_view text);
/// RFC 3339 UTC with milliseconds, e.g. "2026-03-12T13:00:00.000Z".
std::string format_time(TimePoint time);
/// Lower-case hex SHA-256 of bytes (libsodium).
std::string sha256_hex(std::string_view bytes);
/// True when `text` is valid UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text);
/// Number of Unicode code points of valid UTF-8.
std::size_t utf8_length(std::string_view text);
/// A JSON Schema object: {"type":"object","additionalProperties":false,...}.
Json object_schema(Json properties, std::vector<std::string> required);
/// {"type":"integer","minimum":1}: the schema of an object id.
const Json& id_schema();
/// {"type":"string","minLength":min,"maxLength":max}.
Json string_schema(int min_length, int max_length);

}  // namespace pacte
