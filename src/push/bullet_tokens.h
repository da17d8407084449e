// Bullet tokens: what POST /api/v1/bullet-public and /bullet-private hand out
// and a WebSocket connection presents as ?token=. A token is self-contained
// and sealed: base64url (no padding, so it is URL-safe even when a client
// appends it unencoded) of {version, expiry, uid, 16 CSPRNG bytes} followed by
// a 128-bit HMAC-SHA256 tag under a secret. Nothing is stored per token, so
// issuing tokens costs no memory and any thread may verify them. The server
// derives the secret from its master key, so tokens stay valid across a
// restart and on every node sharing that key (a client reconnecting with the
// token it holds, as KuCoin's SDKs do, is not refused).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace kc::push {

struct TokenGrant {
  int64_t uid = 0;  // the user of a private token; 0 for a public one
  bool is_private = false;
  int64_t expires_at_ms = 0;
};

class BulletTokens {
 public:
  using Secret = std::array<unsigned char, 32>;
  // Seals with `secret`, or without one with a secret drawn from the CSPRNG
  // (aborts if the CSPRNG fails).
  BulletTokens(const Clock& clock, int64_t ttl_ms, std::optional<Secret> secret = std::nullopt);

  // A public token (uid 0), or a private one bound to `uid`.
  std::string IssuePublic() const;
  std::string IssuePrivate(int64_t uid) const;

  // The grant of a well-formed, correctly sealed, unexpired token; nullopt otherwise.
  std::optional<TokenGrant> Verify(std::string_view token) const;

 private:
  std::string Issue(int64_t uid, bool is_private) const;

  const Clock& clock_;
  int64_t ttl_ms_;
  Secret secret_{};
};

}  // namespace kc::push
