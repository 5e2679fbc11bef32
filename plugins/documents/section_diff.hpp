// Comparison of two versions' sections: aligned by key (added, removed, moved, changed),
// with a word-level diff of each changed heading and body.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "canonical_form.hpp"
#include "text_diff.hpp"

namespace pacte_documents {

struct SectionChange {
  enum class Status { unchanged, changed, added, removed };
  std::string key{};
  Status status = Status::unchanged;
  /// In both versions, but its place relative to the other common sections changed.
  bool moved = false;
  std::optional<Section> before{};  // absent for an added section
  std::optional<Section> after{};   // absent for a removed section
  int before_position = -1;         // 0-based, -1 when absent
  int after_position = -1;
  std::vector<DiffPart> heading_diff{};  // for a changed section only
  std::vector<DiffPart> body_diff{};
};

/// "unchanged", "changed", "added" or "removed".
std::string to_string(SectionChange::Status status);

/// Every section of either version, once: in `after`'s order, each removed section placed
/// after the section that preceded it in `before`. A section is "moved" when it is not in
/// the longest common subsequence of the two orders of the common keys (the fewest moves
/// that explain the new order). Keys are unique within each list.
std::vector<SectionChange> compare_sections(const std::vector<Section>& before,
                                            const std::vector<Section>& after);

}  // namespace pacte_documents
