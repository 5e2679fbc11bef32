// RFC 8785 (JSON Canonicalization Scheme) for the values the signature trail uses:
// objects, arrays, strings, integers, booleans and null. Floating-point numbers are
// refused: the trail never needs them, and their canonical form (ECMAScript's shortest
// round-trip) is the one part of the RFC not worth the risk here.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace pacte_signatures {

/// Thrown for a value the canonical form does not cover (a float, invalid UTF-8).
class CanonicalJsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The canonical serialisation: no whitespace, object members sorted by their names'
/// UTF-16 code units, strings escaped as ECMAScript's JSON.stringify does (only `"`, `\`
/// and control characters; everything else as UTF-8), integers in plain decimal.
/// Throws CanonicalJsonError.
std::string canonical_json(const nlohmann::json& value);

}  // namespace pacte_signatures
