// Operational transformation of plain text in the ot.js style, counted in Unicode code
// points: an operation is a sequence of "retain n", "insert text" and "delete n" that
// walks the whole document. The server, the simulation tests and the benchmark use it;
// plugins/notes/web/ot.ts is its TypeScript twin (same wire form, same results).
//
// Wire form (as ot.js): a JSON array where a positive integer retains that many code
// points, a string inserts itself, a negative integer deletes that many code points,
// e.g. [5, "abc", -2]. Operations are kept normalised: no empty component, no two
// adjacent components of one kind, and an insert always comes before an adjacent delete.
// Plain value type; not thread-safe to mutate, safe to share when const.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pacte_notes {

/// One component of an operation. `length` counts code points (for an insert, those of
/// `text`, which is valid UTF-8).
struct OpComponent {
  enum class Kind : std::uint8_t { retain, insert, remove };
  Kind kind = Kind::retain;
  std::int64_t length = 0;
  std::string text{};
  bool operator==(const OpComponent&) const = default;
};

/// A cursor or a selection: `anchor` where it started, `head` where the caret is (code
/// points; equal for a plain cursor).
struct TextRange {
  std::int64_t anchor = 0;
  std::int64_t head = 0;
  bool operator==(const TextRange&) const = default;
};

/// Number of code points of valid UTF-8, or nullopt when `text` is not valid UTF-8
/// (overlong forms, surrogates U+D800–U+DFFF and values above U+10FFFF are invalid).
std::optional<std::int64_t> utf8_code_points(std::string_view text);

class TextOperation {
 public:
  /// Builders: they keep the operation normalised (zero lengths are ignored, neighbours
  /// of one kind merged, an insert placed before a delete it follows). `insert` requires
  /// valid UTF-8 (checked with utf8_code_points by callers that take untrusted text).
  TextOperation& retain(std::int64_t n);
  TextOperation& insert(std::string_view text);
  TextOperation& remove(std::int64_t n);

  /// Length in code points of the documents the operation applies to and produces.
  std::int64_t base_length() const { return base_length_; }
  std::int64_t target_length() const { return target_length_; }
  const std::vector<OpComponent>& components() const { return ops_; }
  /// True when applying it changes nothing (only retains).
  bool is_noop() const;
  bool operator==(const TextOperation& other) const { return ops_ == other.ops_; }

  /// Parses the wire form with full validation: an array of non-zero integers and
  /// non-empty valid UTF-8 strings, normalised, lengths below 2^40. On failure returns
  /// nullopt and sets `error` (English, says what is wrong and where).
  static std::optional<TextOperation> from_json(const nlohmann::json& wire, std::string& error);
  nlohmann::json to_json() const;

  /// The document after this operation, or nullopt when the document's length (code
  /// points) differs from base_length(). `document` must be valid UTF-8.
  std::optional<std::string> apply(std::string_view document) const;

  /// One operation with the effect of this one followed by `next`; nullopt when
  /// next.base_length() != target_length().
  std::optional<TextOperation> compose(const TextOperation& next) const;

  /// TP1: for concurrent `a` and `b` (same base length) returns (a', b') with
  /// apply(apply(d, a), b') == apply(apply(d, b), a'). When both insert at one place,
  /// a's text comes first. nullopt when the base lengths differ.
  static std::optional<std::pair<TextOperation, TextOperation>> transform(const TextOperation& a,
                                                                          const TextOperation& b);

  /// The operation that undoes this one, given the document it was applied to
  /// (same length as base_length(), valid UTF-8).
  TextOperation invert(std::string_view document) const;

  /// Where a position of the base document ends up in the target document. Text
  /// inserted exactly at the position goes before it (the caret moves right). Monotone:
  /// i <= j implies transform_index(i) <= transform_index(j); the result is within
  /// [0, target_length()] for i within [0, base_length()].
  std::int64_t transform_index(std::int64_t index) const;
  /// Both ends of a cursor or selection (order and extent are kept, see above).
  TextRange transform_range(TextRange range) const;

 private:
  std::vector<OpComponent> ops_;
  std::int64_t base_length_ = 0;
  std::int64_t target_length_ = 0;
};

}  // namespace pacte_notes
