#include "section_diff.hpp"

#include <map>
#include <set>
#include <utility>

namespace pacte_documents {

std::string to_string(SectionChange::Status status) {
  switch (status) {
    case SectionChange::Status::unchanged:
      return "unchanged";
    case SectionChange::Status::changed:
      return "changed";
    case SectionChange::Status::added:
      return "added";
    case SectionChange::Status::removed:
      return "removed";
  }
  return "unchanged";
}

namespace {

/// Keys of the longest common subsequence of two key orders (quadratic: sections are few).
std::set<std::string> lcs_keys(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::vector<int>> len(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      len[i][j] = a[i] == b[j] ? len[i + 1][j + 1] + 1 : std::max(len[i + 1][j], len[i][j + 1]);
  std::set<std::string> keys;
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      keys.insert(a[i]);
      ++i, ++j;
    } else if (len[i + 1][j] >= len[i][j + 1]) {
      ++i;
    } else {
      ++j;
    }
  }
  return keys;
}

}  // namespace

std::vector<SectionChange> compare_sections(const std::vector<Section>& before,
                                            const std::vector<Section>& after) {
  std::map<std::string, int> in_before, in_after;
  for (std::size_t i = 0; i < before.size(); ++i) in_before[before[i].key] = static_cast<int>(i);
  for (std::size_t i = 0; i < after.size(); ++i) in_after[after[i].key] = static_cast<int>(i);

  std::vector<std::string> common_before, common_after;
  for (auto& s : before)
    if (in_after.count(s.key)) common_before.push_back(s.key);
  for (auto& s : after)
    if (in_before.count(s.key)) common_after.push_back(s.key);
  std::set<std::string> stayed = lcs_keys(common_before, common_after);

  // Removed sections, grouped under the nearest preceding section that is still there.
  std::map<std::string, std::vector<int>> removed_after;
  std::string anchor;  // "": at the very start
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (in_after.count(before[i].key))
      anchor = before[i].key;
    else
      removed_after[anchor].push_back(static_cast<int>(i));
  }

  std::vector<SectionChange> out;
  auto add_removed = [&](const std::string& key) {
    auto it = removed_after.find(key);
    if (it == removed_after.end()) return;
    for (int i : it->second) {
      SectionChange c;
      c.key = before[i].key;
      c.status = SectionChange::Status::removed;
      c.before = before[i];
      c.before_position = i;
      out.push_back(std::move(c));
    }
  };
  add_removed("");
  for (std::size_t j = 0; j < after.size(); ++j) {
    const Section& s = after[j];
    SectionChange c;
    c.key = s.key;
    c.after = s;
    c.after_position = static_cast<int>(j);
    auto it = in_before.find(s.key);
    if (it == in_before.end()) {
      c.status = SectionChange::Status::added;
    } else {
      const Section& old = before[it->second];
      c.before = old;
      c.before_position = it->second;
      c.moved = !stayed.count(s.key);
      if (old.heading != s.heading || old.body != s.body) {
        c.status = SectionChange::Status::changed;
        c.heading_diff = word_diff(old.heading, s.heading);
        c.body_diff = word_diff(old.body, s.body);
      }
    }
    out.push_back(std::move(c));
    if (it != in_before.end()) add_removed(s.key);
  }
  return out;
}

}  // namespace pacte_documents
