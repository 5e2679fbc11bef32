// Validation of operation arguments against a JSON Schema subset.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pacte/result.hpp"
#include "pacte/util.hpp"

namespace pacte {

/// Checks `value` against `schema` (the subset documented in docs/plugins.md). Returns
/// nullopt when valid, otherwise a bad_request (or too_large for strings over maxLength
/// when `over_length_is_too_large`) naming the field, e.g. "args.body: must be at most
/// 10000 characters". Pure function; thread-safe.
std::optional<Error> validate_schema(const Json& schema, const Json& value,
                                     const std::string& path = "args");

/// Checks that a schema itself only uses the supported keywords (for registration).
std::optional<std::string> check_schema(const Json& schema);

}  // namespace pacte
