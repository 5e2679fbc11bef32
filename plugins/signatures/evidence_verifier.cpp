#include "signatures/evidence_verifier.hpp"

#include <sodium.h>

#include <map>

#include "pacte/util.hpp"
#include "signatures/canonical_json.hpp"

namespace pacte_signatures {

using nlohmann::json;

namespace {

bool hex_to_bytes(std::string_view hex, std::string& out) {
  out.assign(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len * 2 != hex.size())
    return false;
  out.resize(len);
  return true;
}

std::string str(const json& v, const char* key) {
  auto it = v.find(key);
  return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The member `key` of `v`, or null when `v` is not an object or lacks it. The verifier
/// reads files people hand over, where any value may have any type: json::value() would
/// throw on a non-object or on a member of another type (found by tests/fuzz/evidence_fuzz).
const json& field(const json& v, const char* key) {
  static const json none;
  auto it = v.find(key);
  return it != v.end() ? *it : none;
}

std::string n(std::size_t i) {
  return std::to_string(i);
}

}  // namespace

std::string entry_hash(const json& entry) {
  return pacte::sha256_hex(canonical_json(entry));
}

std::string seal_message(const json& seal) {
  return canonical_json(seal);
}

std::string fingerprint_of(std::string_view public_key_hex) {
  std::string raw;
  if (!hex_to_bytes(public_key_hex, raw) || raw.size() != crypto_sign_PUBLICKEYBYTES) return {};
  return pacte::sha256_hex(raw);
}

std::string normalise_fingerprint(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == ':' || c == '-' || c == '\t' || c == '\n') continue;
    out.push_back(c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

std::string group_fingerprint(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i < hex.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(hex[i]);
  }
  return out;
}

bool ed25519_verify(std::string_view public_key_hex, std::string_view message,
                    std::string_view signature_hex) {
  std::string pk, sig;
  if (!hex_to_bytes(public_key_hex, pk) || pk.size() != crypto_sign_PUBLICKEYBYTES) return false;
  if (!hex_to_bytes(signature_hex, sig) || sig.size() != crypto_sign_BYTES) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(),
                                     reinterpret_cast<const unsigned char*>(pk.data())) == 0;
}

void EvidenceVerifier::check_chain(const json& trail, VerifyReport& report) {
  if (!trail.is_array()) {
    report.problems.push_back("the bundle has no trail (\"trail\" must be an array)");
    return;
  }
  report.entries = trail.size();
  std::string prev = kGenesisHash;
  std::int64_t prev_seq = 0;
  json campaign;
  for (std::size_t i = 0; i < trail.size(); ++i) {
    const json& item = trail[i];
    // Entries are named by their sequence number when they have one, else by position.
    std::string name = "entry " + n(i + 1);
    if (!item.is_object() || !item.contains("entry") || !item["entry"].is_object()) {
      report.problems.push_back("the " + n(i + 1) +
                                "th item of the trail is malformed (no \"entry\" object)");
      prev = str(item, "hash");
      ++prev_seq;
      continue;
    }
    const json& entry = item["entry"];
    auto seq_it = entry.find("seq");
    std::int64_t seq =
        seq_it != entry.end() && seq_it->is_number_integer() ? seq_it->get<std::int64_t>() : -1;
    if (seq > 0) name = "entry " + std::to_string(seq);
    // One message per break in the numbering, not one per entry after it.
    if (seq < 1)
      report.problems.push_back("the " + n(i + 1) +
                                "th item of the trail has no valid sequence number");
    else if (seq > prev_seq + 1)
      report.problems.push_back(
          seq == prev_seq + 2
              ? "entry " + std::to_string(prev_seq + 1) + " is missing (removed from the trail)"
              : "entries " + std::to_string(prev_seq + 1) + " to " + std::to_string(seq - 1) +
                    " are missing (removed from the trail)");
    else if (seq <= prev_seq)
      report.problems.push_back(name + " comes after entry " + std::to_string(prev_seq) +
                                ": entries were reordered or duplicated");
    std::string stored = str(item, "hash");
    std::string actual;
    try {
      actual = entry_hash(entry);
    } catch (const std::exception& e) {
      report.problems.push_back(name + " cannot be canonicalised: " + e.what());
    }
    if (!actual.empty() && actual != stored)
      report.problems.push_back(name + " (" + str(entry, "type") +
                                ") was altered: its content hashes to " + actual +
                                ", not to its recorded hash " + stored);
    if (str(entry, "prev") != prev)
      report.problems.push_back(
          name +
          " does not follow the entry before it in the trail: its previous-entry hash "
          "differs (an entry was removed, inserted or reordered before it)");
    if (i == 0)
      campaign = entry.value("campaign", json());
    else if (entry.value("campaign", json()) != campaign)
      report.problems.push_back(name + " belongs to another campaign");
    prev = stored;
    if (seq > 0) prev_seq = seq;
  }
}

VerifyReport EvidenceVerifier::verify(const json& bundle, std::string_view expected_fingerprint) {
  VerifyReport report;
  if (!bundle.is_object() || str(bundle, "format") != kBundleFormat) {
    report.problems.push_back(std::string("not an evidence bundle (\"format\" must be \"") +
                              kBundleFormat + "\")");
    return report;
  }
  std::string public_key = str(bundle, "public_key");
  std::string fingerprint = fingerprint_of(public_key);
  if (fingerprint.empty())
    report.problems.push_back(
        "the bundle's public key is missing or not a 32-byte Ed25519 key in hex");
  if (!expected_fingerprint.empty() && !fingerprint.empty()) {
    std::string expected = normalise_fingerprint(expected_fingerprint);
    if (expected != fingerprint)
      report.problems.push_back("key mismatch: the bundle's public key has fingerprint " +
                                group_fingerprint(fingerprint) + ", not the expected " +
                                group_fingerprint(expected));
  }
  if (!fingerprint.empty() && bundle.contains("fingerprint") &&
      normalise_fingerprint(str(bundle, "fingerprint")) != fingerprint)
    report.problems.push_back("the bundle's stated fingerprint does not match its public key");

  // The frozen text and its hash.
  std::string version_hash = str(bundle, "version_hash");
  if (!bundle.contains("text") || !bundle["text"].is_string())
    report.problems.push_back("the bundle has no frozen text");
  else if (pacte::sha256_hex(bundle["text"].get<std::string>()) != version_hash)
    report.problems.push_back("the frozen text was altered: it does not hash to the version hash " +
                              version_hash);

  check_chain(bundle.value("trail", json()), report);
  const json trail = bundle.value("trail", json::array());
  if (trail.is_array() && !trail.empty()) {
    const json& first = field(trail[0], "entry");
    if (str(first, "type") != "created")
      report.problems.push_back("entry 1 is not the campaign's creation");
    else if (str(field(first, "data"), "version_hash") != version_hash)
      report.problems.push_back("entry 1 names another version hash than the bundle's text");
    for (std::size_t i = 0; i < trail.size(); ++i) {
      const json& entry = field(trail[i], "entry");
      if (str(entry, "type") == "signed") {
        std::string signed_hash = str(field(entry, "data"), "version_hash");
        if (signed_hash != version_hash)
          report.problems.push_back("entry " + n(i + 1) +
                                    " is a signature of another version hash (" +
                                    signed_hash + ")");
      }
    }
  }

  // Seals: each signs the head of the chain at some entry.
  const json seals = bundle.value("seals", json());
  if (!seals.is_array()) {
    report.problems.push_back("the bundle has no seals (\"seals\" must be an array)");
    return report;
  }
  report.seals = seals.size();
  std::map<std::int64_t, std::size_t> by_seq;  // sequence number → position in the trail
  std::int64_t last_seq = 0;
  if (trail.is_array())
    for (std::size_t i = 0; i < trail.size(); ++i) {
      const json entry =
          trail[i].is_object() ? trail[i].value("entry", json::object()) : json::object();
      if (entry.contains("seq") && entry["seq"].is_number_integer()) {
        by_seq.emplace(entry["seq"].get<std::int64_t>(), i);
        last_seq = std::max(last_seq, entry["seq"].get<std::int64_t>());
      }
    }
  std::int64_t last_sealed = 0;
  for (std::size_t k = 0; k < seals.size(); ++k) {
    std::string which = "seal " + n(k + 1);
    const json& item = seals[k];
    if (!item.is_object() || !item.contains("seal") || !item["seal"].is_object()) {
      report.problems.push_back(which + " is malformed");
      continue;
    }
    const json& seal = item["seal"];
    const json& seq_field = field(seal, "seq");
    std::int64_t seq = seq_field.is_number_integer() ? seq_field.get<std::int64_t>() : 0;
    which += " (" + str(seal, "reason") + ", at entry " + std::to_string(seq) + ")";
    std::string message;
    try {
      message = seal_message(seal);
    } catch (const std::exception& e) {
      report.problems.push_back(which + " cannot be canonicalised: " + e.what());
      continue;
    }
    if (str(seal, "purpose") != kSealPurpose)
      report.problems.push_back(which + " has the wrong purpose");
    if (!fingerprint.empty() && !ed25519_verify(public_key, message, str(item, "signature")))
      report.problems.push_back(
          which + " is invalid: its signature does not verify with the bundle's public key");
    auto at = by_seq.find(seq);
    if (at == by_seq.end()) {
      report.problems.push_back(which + " refers to entry " + std::to_string(seq) +
                                ", which is missing from the trail");
      continue;
    }
    const json& sealed = trail[at->second];
    if (str(sealed, "hash") != str(seal, "head"))
      report.problems.push_back(which + " does not match the trail: entry " + std::to_string(seq) +
                                "'s hash differs from the sealed head");
    if (seal.value("campaign", json()) !=
        sealed.value("entry", json::object()).value("campaign", json()))
      report.problems.push_back(which + " belongs to another campaign");
    last_sealed = std::max(last_sealed, seq);
  }
  if (last_sealed < last_seq)
    report.notes.push_back("entries " + std::to_string(last_sealed + 1) + " to " +
                           std::to_string(last_seq) + " come after the last seal");
  return report;
}

}  // namespace pacte_signatures
