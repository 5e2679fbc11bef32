#include "signatures/server_key.hpp"

#include <sodium.h>

#include <stdexcept>

#include "signatures/evidence_verifier.hpp"

namespace pacte_signatures {

namespace {

std::string to_hex(const unsigned char* data, std::size_t size) {
  std::string hex(size * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, size);
  hex.pop_back();
  return hex;
}

std::string from_hex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0)
    throw std::runtime_error("signatures: the stored server key is not valid hex");
  out.resize(len);
  return out;
}

}  // namespace

ServerKey ServerKey::load_or_create(pacte::Context& ctx) {
  ServerKey key;
  auto& q = ctx.sql("SELECT public_key, secret_key FROM signatures_keys WHERE id = 1");
  if (q.step()) {
    key.public_hex_ = q.text(0);
    key.secret_ = from_hex(q.text(1));
    q.reset();
  } else {
    q.reset();
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    key.public_hex_ = to_hex(pk, sizeof pk);
    key.secret_.assign(reinterpret_cast<const char*>(sk), sizeof sk);
    auto& ins = ctx.sql(
        "INSERT INTO signatures_keys(id, public_key, secret_key, created_at) VALUES (1, ?, ?, ?)");
    ins.bind(1, key.public_hex_).bind(2, to_hex(sk, sizeof sk)).bind(3, ctx.now_text()).run();
    sodium_memzero(sk, sizeof sk);
  }
  if (key.secret_.size() != crypto_sign_SECRETKEYBYTES)
    throw std::runtime_error("signatures: the stored server key has the wrong size");
  key.fingerprint_ = fingerprint_of(key.public_hex_);
  return key;
}

std::string ServerKey::sign_hex(std::string_view message) const {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), reinterpret_cast<const unsigned char*>(secret_.data()));
  return to_hex(sig, sizeof sig);
}

}  // namespace pacte_signatures
