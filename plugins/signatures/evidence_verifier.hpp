// The format of the signature trail and its offline verification. Shared by the plugin
// (which writes entries and seals, and checks its own chain) and by `pacte verify`
// (which checks an exported evidence bundle against the expected key's fingerprint).
//
// A trail entry is a JSON object {v, campaign, seq, type, at, prev, data}; its hash is the
// hex SHA-256 of its RFC 8785 canonical form; `prev` is the previous entry's hash (64
// zeros for the first). A seal is {v, purpose, campaign, seq, head, at, reason} signed with
// the server's Ed25519 key: its canonical form is what is signed. See docs/signatures.md.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace pacte_signatures {

/// `prev` of the first entry of a campaign.
inline const std::string kGenesisHash(64, '0');
/// The bundle's "format" value.
inline constexpr const char* kBundleFormat = "pacte-signatures-bundle";
inline constexpr const char* kSealPurpose = "pacte-signatures-seal";

/// Hex SHA-256 of an entry's canonical JSON. Throws CanonicalJsonError for a float.
std::string entry_hash(const nlohmann::json& entry);
/// The bytes a seal's signature covers: its canonical JSON.
std::string seal_message(const nlohmann::json& seal);
/// Hex SHA-256 of the raw public key (given in hex); "" if the hex is invalid.
std::string fingerprint_of(std::string_view public_key_hex);
/// Lower-case hex with spaces, colons and dashes removed (what people copy from paper).
std::string normalise_fingerprint(std::string_view text);
/// Groups of four hex digits separated by spaces, for printing and reading aloud.
std::string group_fingerprint(std::string_view hex);
/// Ed25519 detached signature check (all in hex); false on any malformed input.
bool ed25519_verify(std::string_view public_key_hex, std::string_view message,
                    std::string_view signature_hex);

/// What the verification found. `problems` empty: the bundle is intact and sealed by the
/// expected key. Each problem is one sentence naming the entry or seal at fault.
struct VerifyReport {
  std::vector<std::string> problems{};
  std::vector<std::string> notes{};  // facts that are not errors (e.g. entries after the last seal)
  std::size_t entries = 0;
  std::size_t seals = 0;
  bool ok() const { return problems.empty(); }
};

/// Checks a bundle offline: the key's fingerprint, the frozen text's hash, every entry's
/// hash and link to the previous one (altered, removed, inserted, reordered entries), and
/// every seal (signature, and that it covers an entry of the chain). An empty
/// `expected_fingerprint` skips the key check (the plugin's own self-check).
class EvidenceVerifier {
 public:
  static VerifyReport verify(const nlohmann::json& bundle, std::string_view expected_fingerprint);
  /// Checks a chain of {entry, hash} items alone (no seals, no text).
  static void check_chain(const nlohmann::json& trail, VerifyReport& report);
};

}  // namespace pacte_signatures
