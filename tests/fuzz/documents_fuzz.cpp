// Fuzz target: the documents plugin's canonicaliser (plugins/documents/canonical_form.hpp)
// and its diffs (text_diff.hpp, section_diff.hpp). Input: two versions separated by the
// byte 0x1E; each version is fields separated by 0x1F, read as key, heading, body, key…
// Checks: normalisation accepts exactly valid UTF-8 and is idempotent, the canonical form
// of normalised sections equals that of the raw ones, the word diff rebuilds both texts,
// and the section comparison lists every key once.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "documents/canonical_form.hpp"
#include "documents/section_diff.hpp"
#include "documents/text_diff.hpp"
#include "fuzz_check.hpp"
#include "pacte/util.hpp"

using namespace pacte_documents;
using pacte_fuzz::check;

namespace {

/// Sections of one version with valid keys, unique, valid UTF-8 (what the plugin stores).
std::vector<Section> sections_of(const std::string& version) {
  std::vector<Section> out;
  std::set<std::string> keys;
  auto fields = pacte_fuzz::split(reinterpret_cast<const std::uint8_t*>(version.data()),
                                  version.size(), '\x1f', 3 * 16);
  for (std::size_t i = 0; i < fields.size(); i += 3) {
    Section s{fields[i], i + 1 < fields.size() ? fields[i + 1] : "",
              i + 2 < fields.size() ? fields[i + 2] : ""};
    auto body = normalize_body(s.body);
    auto heading = normalize_heading(s.heading);
    bool valid = pacte::valid_utf8(s.body) && pacte::valid_utf8(s.heading);
    check(body.has_value() == pacte::valid_utf8(s.body),
          "normalize_body: accepts other than valid UTF-8");
    check(heading.has_value() == pacte::valid_utf8(s.heading),
          "normalize_heading: accepts other than valid UTF-8");
    if (!valid || !valid_key(s.key) || !keys.insert(s.key).second) continue;
    check(normalize_body(*body) == body, "normalize_body is not idempotent");
    check(normalize_heading(*heading) == heading, "normalize_heading is not idempotent");
    out.push_back(std::move(s));
  }
  return out;
}

void check_word_diff(const std::string& before, const std::string& after) {
  std::string rebuilt_before, rebuilt_after;
  for (auto& part : word_diff(before, after, 200)) {
    if (part.kind != DiffPart::Kind::insert) rebuilt_before += part.text;
    if (part.kind != DiffPart::Kind::del) rebuilt_after += part.text;
  }
  check(rebuilt_before == before && rebuilt_after == after, "word_diff does not rebuild its texts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto versions = pacte_fuzz::split(data, size, '\x1e', 2);
  versions.resize(2);
  auto before = sections_of(versions[0]);
  auto after = sections_of(versions[1]);

  CanonicalForm form = canonical_form(before);
  check(form.section_hashes.size() == before.size(), "one hash per section");
  std::vector<Section> normalised = before;
  for (auto& s : normalised) {
    s.body = *normalize_body(s.body);
    s.heading = *normalize_heading(s.heading);
  }
  check(canonical_form(normalised).hash == form.hash,
        "the canonical form depends on normalisation");

  auto changes = compare_sections(before, after);
  std::set<std::string> keys;
  for (auto& s : before) keys.insert(s.key);
  for (auto& s : after) keys.insert(s.key);
  check(changes.size() == keys.size(), "compare_sections: not every key exactly once");
  for (auto& c : changes) {
    check(keys.erase(c.key) == 1, "compare_sections: a key twice or unknown");
    if (c.before && c.after) {
      check_word_diff(c.before->body, c.after->body);
      check_word_diff(c.before->heading, c.after->heading);
    }
  }
  // Raw text, valid or not: the word diff never fails.
  check_word_diff(versions[0], versions[1]);
  return 0;
}
