// Validation of operation arguments against a JSON Schema subset.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pacte/result.hpp"

namespace pacte {

/// Checks `value` against `schema` (the subset documented in docs/plugins.md). Returns
/// nullopt when valid, otherwise a bad_request (or too_large for strings over maxLength
/// when `over_length_is_too_large`) naming the field, e.g. "args.body: must be at most
/// 10000 characters". Pure function; thread-safe.
std::optional<Error> validate_schema(const Json& schema, const Json& value,
                                     const std::string& path = "args");

/// Number of Unicode code points in a valid UTF-8 string.
std::size_t utf8_length(std::string_view s);

/// {"type":"object","additionalProperties":false,"properties":…,"required":…}: the shape
/// of every operation's arguments.
Json object_schema(Json properties, std::vector<std::string> required);
/// A positive integer id.
const Json& id_schema();

/// Checks that a schema itself only uses the supported keywords (for registration).
std::optional<std::string> check_schema(const Json& schema);

}  // namespace pacte
