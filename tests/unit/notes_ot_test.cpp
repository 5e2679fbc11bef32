// Property tests of the notes plugin's operational transformation (plugins/notes/
// text_operation.hpp): at least 100,000 random cases per property, over texts rich in
// emoji, combining marks, CJK and newlines. Each case has its own seed, printed on
// failure; PACTE_NOTES_SEED=<n> changes the base seed, PACTE_NOTES_CASES=<n> the count.
// Also the shared vectors: tests/vectors/notes-ot-cpp.json (written by this file when
// PACTE_WRITE_VECTORS=1) and notes-ot-ts.json (written by web-client/test/notes-ot.test.ts).
#include "notes/text_operation.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using pacte_notes::TextOperation;
using pacte_notes::TextRange;
using pacte_notes::utf8_code_points;
using Json = nlohmann::json;

namespace {

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

const std::uint64_t kBaseSeed = env_number("PACTE_NOTES_SEED", 20260312);
const std::uint64_t kCases = env_number("PACTE_NOTES_CASES", 100000);

// Code points and clusters that break naive UTF-16 or byte counting: emoji (astral, with
// skin tone, ZWJ sequences, flags), combining marks, CJK, newlines and tabs.
const std::vector<std::string> kAlphabet = {"a",         "b",        "z",
                                            " ",         " ",        "\n",
                                            "\n",        "\t",       "é",
                                            "e\xCC\x81", "\xCC\x81", "ß",
                                            "中",        "文",       "字",
                                            "😀",         "👍🏽", "👨‍👩‍👧",
                                            "🇫🇷",        "𝄞",        "\xE2\x80\x8B",
                                            "Ω",         "—",        "«",
                                            "»"};

std::string random_text(std::mt19937_64& rng, int max_pieces) {
  std::uniform_int_distribution<int> count(0, max_pieces),
      pick(0, static_cast<int>(kAlphabet.size()) - 1);
  std::string out;
  for (int i = count(rng); i > 0; --i) out += kAlphabet[pick(rng)];
  return out;
}

std::int64_t length_of(const std::string& text) {
  return *utf8_code_points(text);
}

/// A random operation on a document of `length` code points (as ot.js's tests do).
TextOperation random_op(std::mt19937_64& rng, std::int64_t length) {
  TextOperation op;
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::int64_t left = length;
  while (left > 0) {
    std::uniform_int_distribution<std::int64_t> span(1, std::min<std::int64_t>(left, 12));
    double r = coin(rng);
    if (r < 0.2)
      op.insert(random_text(rng, 4));
    else if (r < 0.45) {
      auto n = span(rng);
      op.remove(n);
      left -= n;
    } else {
      auto n = span(rng);
      op.retain(n);
      left -= n;
    }
  }
  if (coin(rng) < 0.3) op.insert(random_text(rng, 3));
  return op;
}

std::string doc_of(std::mt19937_64& rng) {
  return random_text(rng, 30);
}

/// Runs `body` for kCases seeds; the body returns "" or what went wrong.
void for_cases(const char* property, const std::function<std::string(std::mt19937_64&)>& body) {
  int failures = 0;
  for (std::uint64_t i = 0; i < kCases && failures < 5; ++i) {
    std::uint64_t seed = kBaseSeed * 1000003 + i;
    std::mt19937_64 rng(seed);
    std::string why = body(rng);
    if (!why.empty()) {
      ++failures;
      ADD_FAILURE() << property << " fails with seed " << seed << " (PACTE_NOTES_SEED=" << kBaseSeed
                    << ", case " << i << "): " << why;
    }
  }
}

std::string dump(const TextOperation& op) {
  return op.to_json().dump();
}

}  // namespace

TEST(NotesOt, ApplyGivesTheTargetLengthAndRefusesAnotherBase) {
  for_cases("apply", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation op = random_op(rng, length_of(doc));
    if (op.base_length() != length_of(doc))
      return "base length " + std::to_string(op.base_length());
    auto after = op.apply(doc);
    if (!after) return "refused its own document";
    auto n = utf8_code_points(*after);
    if (!n) return "produced invalid UTF-8";
    if (*n != op.target_length()) return "target length differs: " + dump(op);
    if (op.apply(doc + "x")) return "accepted a longer document";
    if (!doc.empty()) {
      std::string shorter = doc;
      do shorter.pop_back();
      while (!shorter.empty() && (static_cast<unsigned char>(shorter.back()) & 0xC0) == 0x80);
      if (!shorter.empty()) shorter.pop_back();
      if (length_of(doc) != length_of(shorter) && op.apply(shorter))
        return "accepted a shorter document";
    }
    return "";
  });
}

TEST(NotesOt, WireFormRoundTripsAndIsNormalised) {
  for_cases("wire round trip", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation op = random_op(rng, length_of(doc));
    Json wire = op.to_json();
    std::string error;
    auto back = TextOperation::from_json(wire, error);
    if (!back) return "refused its own wire form " + wire.dump() + ": " + error;
    if (!(*back == op)) return "round trip changed " + wire.dump();
    // Normalised: no zero, no two neighbours of one kind, no delete before an insert.
    for (std::size_t i = 0; i < wire.size(); ++i) {
      auto kind = [&](std::size_t k) {
        return wire[k].is_string() ? 0 : wire[k].get<std::int64_t>() > 0 ? 1 : 2;
      };
      if (wire[i].is_number_integer() && wire[i] == 0) return "zero component";
      if (i > 0 && kind(i) == kind(i - 1))
        return "adjacent components of one kind in " + wire.dump();
      if (i > 0 && kind(i - 1) == 2 && kind(i) == 0)
        return "delete before insert in " + wire.dump();
    }
    return "";
  });
}

TEST(NotesOt, ParseRefusesWhatIsNotANormalisedValidOperation) {
  std::string error;
  auto refused = [&](const Json& wire) {
    error.clear();
    bool ok = !TextOperation::from_json(wire, error).has_value() && !error.empty();
    if (!ok)
      ADD_FAILURE() << "accepted " << wire.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  refused(Json::object());
  refused("abc");
  refused(Json::array({0}));
  refused(Json::array({3, 2}));
  refused(Json::array({-1, -2}));
  refused(Json::array({"a", "b"}));
  refused(Json::array({-1, "a"}));  // insert must come first
  refused(Json::array({""}));
  refused(Json::array({1.5}));
  refused(Json::array({true}));
  refused(Json::array({Json::array({1})}));
  refused(Json::array({std::int64_t{1} << 50}));
  refused(Json::array({std::uint64_t{1} << 63}));
  refused(Json::array({std::string("\xED\xA0\xBD")}));      // a lone high surrogate in UTF-8 (CESU)
  refused(Json::array({std::string("a\xED\xB8\x80")}));     // a lone low surrogate
  refused(Json::array({std::string("\xC0\xAF")}));          // overlong
  refused(Json::array({std::string("\xF0\x9F\x98")}));      // truncated emoji
  refused(Json::array({std::string("\xF4\x90\x80\x80")}));  // above U+10FFFF
  refused(Json::array({std::string("\xFF")}));
  std::string ok_error;
  EXPECT_TRUE(TextOperation::from_json(Json::array(), ok_error));
  EXPECT_TRUE(TextOperation::from_json(Json::array({5, "abc", -2}), ok_error));
  EXPECT_TRUE(TextOperation::from_json(Json::array({"😀", -2, 3}), ok_error));

  // Random corruptions of valid operations are refused.
  for_cases("parse refuses corruptions", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation op = random_op(rng, length_of(doc) + 1);
    Json wire = op.to_json();
    std::uniform_int_distribution<std::size_t> at(0, wire.size());
    std::size_t i = at(rng);
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
      case 0:
        wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), 0);
        break;
      case 1:
        wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), std::string("\xED\xA0\xBD"));
        break;
      case 2:
        wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), std::string("x\xE4\xB8"));
        break;
      case 3: {  // split a component into two of one kind
        if (i >= wire.size()) i = wire.size() - 1;
        Json c = wire[i];
        if (c.is_string()) {
          wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), "q");
        } else {
          std::int64_t n = c.get<std::int64_t>();
          wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), n > 0 ? 1 : -1);
        }
        break;
      }
      default:
        wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(i), nullptr);
        break;
    }
    std::string error;
    if (TextOperation::from_json(wire, error))
      return "accepted " + wire.dump(-1, ' ', false, Json::error_handler_t::replace);
    return "";
  });
}

TEST(NotesOt, ComposeHasTheEffectOfBothInTurn) {
  for_cases("compose", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation a = random_op(rng, length_of(doc));
    std::string after_a = *a.apply(doc);
    TextOperation b = random_op(rng, a.target_length());
    auto ab = a.compose(b);
    if (!ab) return "compose refused";
    if (ab->base_length() != a.base_length() || ab->target_length() != b.target_length())
      return "lengths";
    if (ab->apply(doc) != b.apply(after_a))
      return "effect differs: " + dump(a) + " then " + dump(b);
    if (a.compose(random_op(rng, a.target_length() + 1))) return "composed mismatched lengths";
    return "";
  });
}

TEST(NotesOt, TransformConvergesTp1) {
  for_cases("transform TP1", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation a = random_op(rng, length_of(doc));
    TextOperation b = random_op(rng, length_of(doc));
    auto t = TextOperation::transform(a, b);
    if (!t) return "transform refused";
    auto left = t->second.apply(*a.apply(doc));
    auto right = t->first.apply(*b.apply(doc));
    if (!left || !right || *left != *right)
      return "diverges: a=" + dump(a) + " b=" + dump(b) + " doc=" + doc;
    // Compose agrees with transform: a∘b' == b∘a'.
    if (!(a.compose(t->second)->apply(doc) == b.compose(t->first)->apply(doc)))
      return "compose disagrees";
    if (TextOperation::transform(a, random_op(rng, length_of(doc) + 1)))
      return "transformed mismatched bases";
    return "";
  });
}

TEST(NotesOt, TransformOfListsConverges) {
  // The server transforms an incoming operation against each later operation in turn;
  // a client transforms its operation in flight, then its buffer, against each operation
  // it receives. Both ends must reach one text.
  for_cases("transform of lists", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    // The client: `inflight` applied locally, then `buffer`.
    TextOperation inflight = random_op(rng, length_of(doc));
    TextOperation buffer = random_op(rng, inflight.target_length());
    std::string client = *buffer.apply(*inflight.apply(doc));
    // The server: a list of operations from others, applied first.
    std::string server = doc;
    int n = std::uniform_int_distribution<int>(1, 4)(rng);
    for (int k = 0; k < n; ++k) {
      TextOperation s = random_op(rng, length_of(server));
      server = *s.apply(server);
      // Client side: receives s.
      auto t1 = *TextOperation::transform(inflight, s);
      auto t2 = *TextOperation::transform(buffer, t1.second);
      inflight = t1.first;
      buffer = t2.first;
      auto applied = t2.second.apply(client);
      if (!applied) return "client cannot apply a received operation, doc=" + doc;
      client = *applied;
    }
    // The server receives the operation in flight (based before the list), then the buffer.
    std::string final_server = *buffer.apply(*inflight.apply(server));
    if (final_server != client) return "diverges: doc=" + doc;
    return "";
  });
}

TEST(NotesOt, InvertUndoes) {
  for_cases("invert", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    TextOperation a = random_op(rng, length_of(doc));
    TextOperation inverse = a.invert(doc);
    if (inverse.base_length() != a.target_length() || inverse.target_length() != a.base_length())
      return "lengths";
    auto back = inverse.apply(*a.apply(doc));
    if (!back || *back != doc) return "does not undo " + dump(a) + " on " + doc;
    return "";
  });
}

TEST(NotesOt, CursorTransformKeepsOrderAndRange) {
  for_cases("cursor transform", [](std::mt19937_64& rng) -> std::string {
    std::string doc = doc_of(rng);
    std::int64_t n = length_of(doc);
    TextOperation a = random_op(rng, n);
    std::uniform_int_distribution<std::int64_t> pos(0, n);
    std::int64_t i = pos(rng), j = pos(rng);
    if (i > j) std::swap(i, j);
    std::int64_t ti = a.transform_index(i), tj = a.transform_index(j);
    if (ti > tj)
      return "order lost: " + std::to_string(i) + "<=" + std::to_string(j) + " in " + dump(a);
    if (ti < 0 || tj > a.target_length()) return "out of range";
    TextRange r = a.transform_range({j, i});
    if (r.anchor != tj || r.head != ti) return "range ends";
    // A cursor after the whole document stays at its end; one at 0 stays at 0 unless text
    // is inserted at 0 (it then moves past it).
    if (a.transform_index(n) != a.target_length()) return "end of document moved";
    // The text between the transformed ends keeps what survived of the selection: every
    // code point retained inside [i, j) is inside [ti, tj).
    std::int64_t kept = 0, at = 0;
    for (const auto& c : a.components()) {
      using K = pacte_notes::OpComponent::Kind;
      if (c.kind == K::insert) continue;
      if (c.kind == K::retain)
        kept += std::max<std::int64_t>(0, std::min(j, at + c.length) - std::max(i, at));
      at += c.length;
    }
    if (tj - ti < kept) return "selection shrank below its surviving text";
    return "";
  });
}

TEST(NotesOt, Utf8Validation) {
  EXPECT_EQ(utf8_code_points(""), 0);
  EXPECT_EQ(utf8_code_points("e\xCC\x81"), 2);
  EXPECT_EQ(utf8_code_points("👨‍👩‍👧"), 5);
  EXPECT_EQ(utf8_code_points("中文"), 2);
  EXPECT_FALSE(utf8_code_points("\xED\xA0\x80"));
  EXPECT_FALSE(utf8_code_points("\xE0\x80\x80"));
  EXPECT_FALSE(utf8_code_points("\x80"));
  EXPECT_FALSE(utf8_code_points("a\xC3"));
}

// --- Shared vectors -------------------------------------------------------------------------

namespace {

std::filesystem::path vectors_dir() {
  if (const char* src = std::getenv("PACTE_SOURCE_DIR"))
    return std::filesystem::path(src) / "tests" / "vectors";
  // Tests run from inside the build folder, itself inside the source tree.
  for (auto dir = std::filesystem::current_path(); !dir.empty(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "tests" / "vectors" / "notes-ot-ts.json") ||
        std::filesystem::exists(dir / "plugins" / "notes" / "text_operation.hpp"))
      return dir / "tests" / "vectors";
    if (dir == dir.parent_path()) break;
  }
  return {};
}

TextOperation parse_or_fail(const Json& wire) {
  std::string error;
  auto op = TextOperation::from_json(wire, error);
  if (!op)
    throw std::runtime_error("vector holds an invalid operation " + wire.dump() + ": " + error);
  return *op;
}

/// Every result one case expects, computed by this implementation.
Json expected_case(const std::string& doc, const TextOperation& a, const TextOperation& b,
                   const TextOperation& c, const std::vector<std::int64_t>& indices) {
  std::string after_a = *a.apply(doc);
  auto t = *TextOperation::transform(a, b);
  auto ac = *a.compose(c);
  Json moved = Json::array();
  for (auto i : indices) moved.push_back(a.transform_index(i));
  return {{"doc", doc},
          {"a", a.to_json()},
          {"b", b.to_json()},
          {"c", c.to_json()},
          {"after_a", after_a},
          {"a_prime", t.first.to_json()},
          {"b_prime", t.second.to_json()},
          {"after_ab", *t.second.apply(after_a)},
          {"compose_ac", ac.to_json()},
          {"after_ac", *ac.apply(doc)},
          {"invert_a", a.invert(doc).to_json()},
          {"indices", indices},
          {"indices_after_a", moved}};
}

Json generate_vectors() {
  Json cases = Json::array();
  std::mt19937_64 rng(424242);
  for (int k = 0; k < 300; ++k) {
    std::string doc = k < 10 ? random_text(rng, 3) : doc_of(rng);
    TextOperation a = random_op(rng, length_of(doc)), b = random_op(rng, length_of(doc));
    TextOperation c = random_op(rng, a.target_length());
    std::vector<std::int64_t> indices;
    for (std::int64_t i = 0; i <= length_of(doc); i += 1 + k % 3) indices.push_back(i);
    cases.push_back(expected_case(doc, a, b, c, indices));
  }
  return {{"generator", "C++ tests/unit/notes_ot_test.cpp (PACTE_WRITE_VECTORS=1 rewrites it)"},
          {"units", "code points"},
          {"cases", cases}};
}

}  // namespace

TEST(NotesOtVectors, CppVectorsAreCommittedAndCurrent) {
  auto dir = vectors_dir();
  ASSERT_FALSE(dir.empty()) << "cannot find tests/vectors (set PACTE_SOURCE_DIR)";
  Json generated = generate_vectors();
  auto file = dir / "notes-ot-cpp.json";
  if (std::getenv("PACTE_WRITE_VECTORS")) {
    // One case a line: small diffs when the generator changes.
    std::ofstream out(file);
    out << "{\"generator\": " << generated["generator"].dump()
        << ",\n \"units\": " << generated["units"].dump() << ",\n \"cases\": [\n";
    const Json& cases = generated["cases"];
    for (std::size_t i = 0; i < cases.size(); ++i)
      out << "  " << cases[i].dump() << (i + 1 < cases.size() ? ",\n" : "\n");
    out << "]}\n";
    // Generator mode (PACTE_WRITE_VECTORS=1, by hand): the file was just rewritten, so
    // checking it against itself would prove nothing. CI never sets the variable.
    GTEST_SKIP() << "wrote " << file;
  }
  std::ifstream in(file);
  ASSERT_TRUE(in) << "missing " << file << ": run with PACTE_WRITE_VECTORS=1";
  Json committed = Json::parse(in);
  EXPECT_EQ(committed, generated) << file << " is out of date: run with PACTE_WRITE_VECTORS=1";
}

TEST(NotesOtVectors, TypeScriptVectorsGiveTheSameResults) {
  auto dir = vectors_dir();
  ASSERT_FALSE(dir.empty());
  std::ifstream in(dir / "notes-ot-ts.json");
  ASSERT_TRUE(in)
      << "missing tests/vectors/notes-ot-ts.json (written by web-client/test/notes-ot.test.ts)";
  Json vectors = Json::parse(in);
  const Json cases = vectors.at("cases");
  ASSERT_GE(cases.size(), 100u);
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const Json& v = cases[k];
    SCOPED_TRACE("TypeScript vector " + std::to_string(k));
    std::string doc = v.at("doc");
    ASSERT_TRUE(utf8_code_points(doc));
    std::vector<std::int64_t> indices = v.at("indices");
    Json mine = expected_case(doc, parse_or_fail(v.at("a")), parse_or_fail(v.at("b")),
                              parse_or_fail(v.at("c")), indices);
    EXPECT_EQ(mine, v);
  }
}
