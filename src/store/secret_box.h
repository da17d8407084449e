// Encrypts API secrets at rest: AES-256-GCM under the master key, stored as
// base64(nonce | ciphertext | tag). The master key comes from config or the
// KCGATE_MASTER_KEY environment variable (64 hex digits); without either, one is
// generated once into <data>/master.key (mode 0600). Any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/hex.h"

namespace kc::store {

class SecretBox {
 public:
  using Key = std::array<unsigned char, 32>;
  explicit SecretBox(const Key& key) : key_(key) {}

  // From 64 hex digits; nullopt when malformed.
  static std::optional<SecretBox> FromHex(std::string_view hex);
  // The configured key, else KCGATE_MASTER_KEY, else <data_dir>/master.key
  // (created when missing). Throws std::runtime_error on a malformed key.
  static SecretBox Load(std::string_view configured_hex, const std::string& data_dir);

  std::string Seal(std::string_view plaintext) const;
  // nullopt when the sealed text was not produced under this key or was altered.
  std::optional<std::string> Open(std::string_view sealed) const;

  // A key for another purpose, derived from the master key (HMAC-SHA256 of
  // `purpose`): the same on every start and every node sharing the master key,
  // and unrelated to it and to other purposes' keys.
  Key Derive(std::string_view purpose) const;

 private:
  Key key_;
};

// n random bytes from OpenSSL's CSPRNG; aborts if it fails.
std::string RandomBytes(size_t n);

}  // namespace kc::store
