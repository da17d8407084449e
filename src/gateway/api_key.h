// An API key as the gateway needs it to authenticate and authorize a request.
// Records are immutable once published by a KeyStore; any thread may read them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "gateway/permission.h"

namespace kc::gateway {

struct ApiKey {
  std::string key;     // the public KC-API-KEY value
  std::string secret;  // the HMAC secret, decrypted; never logged
  // HMAC-SHA256(secret, passphrase): what versions 2 and 3 send (base64) and what a
  // version-1 plain passphrase is checked against. The passphrase itself is not kept.
  std::array<unsigned char, 32> passphrase_mac{};
  int version = 3;  // the key's stored API version: 1, 2 or 3
  int64_t uid = 0;
  bool is_sub = false;
  bool kyc_verified = true;  // the user's identity verification (KuCoin KYC)
  Permissions permissions;
  std::vector<std::string> ip_whitelist;  // empty: any address
  std::string remark;
  int64_t created_at_ms = 0;
  bool enabled = true;
  // Changes whenever the stored record changes, so per-thread caches keyed on
  // (key, generation) never use a stale secret.
  uint64_t generation = 0;
};

}  // namespace kc::gateway
