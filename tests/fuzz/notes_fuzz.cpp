// Fuzz target: the notes plugin's operation parser and its operational transformation
// (plugins/notes/text_operation.hpp). Input: a document, NUL, operation A as JSON, NUL,
// operation B as JSON. Checks the promises of the header on whatever parses: apply keeps
// valid UTF-8 and the target length, invert undoes, transform converges (TP1), compose
// equals applying both, cursors stay in range and in order.
#include <cstdint>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "notes/text_operation.hpp"

using pacte_fuzz::check;
using pacte_notes::TextOperation;
using pacte_notes::TextRange;
using pacte_notes::utf8_code_points;

namespace {

/// Largest document the target builds (code points): keeps each run fast.
constexpr std::int64_t kMaxDocument = 4096;

std::optional<TextOperation> parse(const std::string& text) {
  auto wire = nlohmann::json::parse(text, nullptr, false);
  if (wire.is_discarded()) return std::nullopt;
  std::string error;
  auto op = TextOperation::from_json(wire, error);
  if (!op) check(!error.empty(), "from_json refused without saying why");
  if (op) {
    // The wire form round-trips.
    auto again = TextOperation::from_json(op->to_json(), error);
    check(again && *again == *op, "from_json(to_json(op)) != op");
  }
  return op;
}

/// A valid UTF-8 document of exactly `length` code points made from `seed`.
std::string document_of(const std::string& seed, std::int64_t length) {
  std::string out;
  std::int64_t n = 0;
  auto count = utf8_code_points(seed);
  if (count && *count > 0) {
    while (n + *count <= length) {
      out += seed;
      n += *count;
    }
  }
  out.append(static_cast<std::size_t>(length - n), 'x');
  return out;
}

void check_one(const TextOperation& a, const std::string& doc) {
  auto after = a.apply(doc);
  check(after.has_value(), "apply refused a document of its base length");
  check(utf8_code_points(*after) == a.target_length(), "apply: result length or UTF-8");
  auto undone = a.invert(doc).apply(*after);
  check(undone && *undone == doc, "invert does not undo");
  std::int64_t previous = 0;
  for (std::int64_t i = 0; i <= a.base_length(); i += 1 + a.base_length() / 64) {
    std::int64_t t = a.transform_index(i);
    check(t >= 0 && t <= a.target_length(), "transform_index out of range");
    check(t >= previous, "transform_index not monotone");
    previous = t;
  }
  TextRange r = a.transform_range({a.base_length(), 0});
  check(r.anchor >= r.head, "transform_range swapped a selection's ends");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parts = pacte_fuzz::split(data, size, '\0', 3);
  parts.resize(3);
  auto a = parse(parts[1]);
  auto b = parse(parts[2]);
  if (!a) return 0;
  auto base_ok = [](const TextOperation& op) { return op.base_length() <= kMaxDocument; };
  if (!base_ok(*a)) return 0;
  std::string doc = document_of(parts[0], a->base_length());
  check_one(*a, doc);
  if (!b || b->base_length() != a->base_length()) {
    // Compose with an operation on A's result when B fits there.
    if (b && b->base_length() == a->target_length()) {
      auto ab = a->compose(*b);
      check(ab.has_value(), "compose refused matching lengths");
      check(ab->apply(doc) == b->apply(*a->apply(doc)), "compose differs from applying both");
    }
    return 0;
  }
  check_one(*b, doc);
  auto pair = TextOperation::transform(*a, *b);
  check(pair.has_value(), "transform refused equal base lengths");
  auto left = pair->second.apply(*a->apply(doc));  // A then B'
  auto right = pair->first.apply(*b->apply(doc));  // B then A'
  check(left && right && *left == *right, "transform does not converge (TP1)");
  auto ab = a->compose(pair->second);
  check(ab && ab->apply(doc) == left, "compose(A, B') differs from applying both");
  return 0;
}
