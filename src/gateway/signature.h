// KuCoin request signing: base64(HMAC-SHA256(secret, timestamp + METHOD +
// requestPath + body)), and the same HMAC over the passphrase for versions 2/3.
//
// The request path checks HMAC with a per-thread cache of pre-keyed OpenSSL
// contexts: re-initialising a keyed EVP_MAC context skips the key schedule that
// a one-shot HMAC() pays on every call (~0.4 us against ~2.6 us here).
#pragma once

#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/api_key.h"

namespace kc::gateway {

using Digest = std::array<unsigned char, 32>;

// One-shot HMAC-SHA256 over the concatenation of `parts` (tools, tests, key creation).
Digest HmacSha256(std::string_view key, std::initializer_list<std::string_view> parts);

// HMAC-SHA256 keyed with `secret`, through this thread's cached context for
// `cache_key` (a new `generation` of the same cache key drops the old context).
Digest KeyedHmacSha256(std::string_view cache_key, uint64_t generation, std::string_view secret,
                       std::initializer_list<std::string_view> parts);
inline Digest KeyedHmacSha256(const ApiKey& api_key,
                              std::initializer_list<std::string_view> parts) {
  return KeyedHmacSha256(api_key.key, api_key.generation, api_key.secret, parts);
}

std::string Base64Encode(const Digest& digest);
std::string Base64Encode(std::string_view bytes);
// Strict standard base64 (with padding); nullopt on anything else.
std::optional<std::string> Base64Decode(std::string_view text);

// A base64 HMAC (KC-API-SIGN, a version 2/3 passphrase) straight into a Digest,
// without allocating: nullopt exactly where Base64Decode would fail or give
// anything but 32 bytes.
std::optional<Digest> Base64DecodeDigest(std::string_view text);

// Compares without an early exit, so timing reveals nothing of where they differ.
bool ConstantTimeEquals(const Digest& a, const Digest& b);

// What a client puts in KC-API-SIGN.
std::string SignRequest(std::string_view secret, std::string_view timestamp,
                        std::string_view method, std::string_view request_path,
                        std::string_view body);

// What a version 2/3 client puts in KC-API-PASSPHRASE.
std::string HashPassphrase(std::string_view secret, std::string_view passphrase);

}  // namespace kc::gateway
