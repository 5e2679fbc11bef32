// The server's Ed25519 sealing key (libsodium crypto_sign_*): created on first use and kept
// in the plugin's table signatures_keys. It seals the head of a campaign's trail at each
// signature and at completion; its fingerprint (hex SHA-256 of the public key) is printed
// on certificates so that anyone can check a bundle offline with `pacte verify`.
#pragma once

#include <string>
#include <string_view>

#include "pacte/context.hpp"

namespace pacte_signatures {

class ServerKey {
 public:
  /// Loads the key, creating and storing it in this transaction if there is none yet.
  static ServerKey load_or_create(pacte::Context& ctx);

  const std::string& public_key_hex() const { return public_hex_; }
  /// Hex SHA-256 of the raw public key.
  const std::string& fingerprint() const { return fingerprint_; }
  /// The detached Ed25519 signature of `message`, in hex.
  std::string sign_hex(std::string_view message) const;

 private:
  std::string public_hex_;
  std::string secret_;  // raw secret key bytes (crypto_sign_SECRETKEYBYTES)
  std::string fingerprint_;
};

}  // namespace pacte_signatures
