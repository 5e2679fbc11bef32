// The canonical form of a document version, and its hashes. The definition lives in
// docs/documents.md ("Canonical form"); this is its only implementation: every hash the
// plugin stores, shows, exports or compares comes from here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pacte_documents {

/// One section as stored: a stable key, a one-line heading and a Markdown body.
struct Section {
  std::string key{};
  std::string heading{};
  std::string body{};
};

/// The canonical text of a version and its SHA-256 hashes (lower-case hex).
struct CanonicalForm {
  std::string text{};                         // the whole canonical text
  std::string hash{};                         // SHA-256 of `text`
  std::vector<std::string> section_hashes{};  // SHA-256 of each section's block, in order
};

/// Unicode NFC of valid UTF-8; nullopt when `text` is not valid UTF-8.
std::optional<std::string> to_nfc(std::string_view text);

/// A body as stored and hashed: NFC, CRLF and lone CR made LF, spaces and tabs at line
/// ends removed, blank lines at the start and end removed (no final newline).
/// nullopt when `text` is not valid UTF-8.
std::optional<std::string> normalize_body(std::string_view text);

/// A heading as stored and hashed: NFC, every run of white space (newlines included) made
/// one space, trimmed. nullopt when `text` is not valid UTF-8.
std::optional<std::string> normalize_heading(std::string_view text);

/// True for a section key: 1 to 64 of a-z 0-9 . _ - , starting with a letter or digit.
bool valid_key(std::string_view key);

/// The canonical block of one section (already normalised), ending with "\n".
std::string canonical_block(const Section& section);

/// The canonical form of sections given in document order. The sections are normalised
/// here too, so that callers cannot hash a form that differs from what they store; a
/// section whose text is not valid UTF-8 makes it throw std::invalid_argument (callers
/// validate input first).
CanonicalForm canonical_form(const std::vector<Section>& sections);

}  // namespace pacte_documents
