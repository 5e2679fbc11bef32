// Word-level diff of two texts (a section's old and new body), for the redline view.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pacte_documents {

/// One run of a diff: text kept, inserted or deleted.
struct DiffPart {
  enum class Kind { equal, insert, del };
  Kind kind = Kind::equal;
  std::string text{};
};

/// "equal", "insert" or "delete".
std::string_view to_string(DiffPart::Kind kind);

/// Splits UTF-8 text into tokens: runs of non-white-space characters (a word with its
/// punctuation) and runs of white space. Concatenating the tokens gives the text back.
std::vector<std::string> word_tokens(std::string_view text);

/// The shortest edit script from `before` to `after` on word tokens (Myers' O(ND)
/// algorithm), as runs of equal, deleted and inserted text; adjacent runs of one kind
/// are merged, and within a change the deletion comes before the insertion.
/// Concatenating the equal and deleted runs gives `before`, the equal and inserted runs
/// give `after`. Beyond `max_edits` token edits the whole text is reported replaced
/// (bounded time and memory on any input).
std::vector<DiffPart> word_diff(std::string_view before, std::string_view after,
                                int max_edits = 2000);

}  // namespace pacte_documents
