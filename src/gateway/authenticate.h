// The authentication stage: on private routes, checks the KC-API-* headers in
// KuCoin's order — 400401, 400400, 400009, 400002, 400003, 400004, 400005 —
// then partner headers when present (400200 unknown, 400201 bad signature,
// 400202 partner used from a disallowed address), then the key's own restrictions: 400006 (IP
// whitelist), 400008 (V3-only route), 400007 (permission), 400010 (master-only route). Public
// routes pass untouched: real clients send credentials (even empty ones) on public calls. Any
// thread.
#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "gateway/credentials.h"
#include "gateway/key_store.h"
#include "gateway/pipeline.h"
#include "gateway/signature.h"

namespace kc::gateway {

// A broker/partner allowed to send KC-API-PARTNER headers.
struct Partner {
  std::string id;                // KC-API-PARTNER
  std::string secret;            // signs timestamp + partner + apiKey (KC-API-PARTNER-SIGN)
  std::vector<std::string> ips;  // allowed client addresses / CIDR blocks; empty = any
};

// Which private routes refuse version 1 and 2 keys (400008), as KuCoin's
// newer API families do: none, the routes marked v3_only plus the configured
// path prefixes, or all.
enum class V3Only { kNone, kListed, kAll };

struct AuthOptions {
  int64_t timestamp_window_ms = 5000;
  std::vector<Partner> partners;
  V3Only v3_only = V3Only::kListed;
  std::vector<std::string> v3_only_paths;  // with kListed: "/api/v3/" marks a family
  // [lab] explain: 400005 and 400004 carry kc-explain (gateway/explain.h).
  bool explain = false;
};

// Whether `route` needs a version 3 key under `options`.
bool RequiresV3Key(const Route& route, const AuthOptions& options);

// The partners real clients send by default: ccxt signs every private KuCoin
// call with its public partner id and key (ccxt's kucoin.js, options.partner),
// so a KuCoin-compatible server must know them for ccxt to work unmodified.
std::vector<Partner> DefaultPartners();

// What a key must be allowed to do (a route's, or the WebSocket order API's).
struct KeyRequirement {
  Permission permission = Permission::kGeneral;
  bool v3_only = false;      // 400008
  bool master_only = false;  // 400010
  // A KC-API-PARTNER naming no configured partner is ignored instead of 400200
  // (the WebSocket order API: one popular client always sends its own).
  bool unknown_partner_ignored = false;
};

// Whether the signature a client sent is right for `key` (REST signs the
// request, the WebSocket order API apikey + timestamp).
using SignMatcher = std::function<bool(const ApiKey& key, const Digest& sign)>;

class Authenticate final : public Stage {
 public:
  Authenticate(const KeyStore& keys, const Clock& clock, AuthOptions options)
      : keys_(keys), clock_(clock), options_(options) {}

  StageResult Run(Call& call) override;

  // The checks after the header format ones, in KuCoin's order: 400002,
  // 400003, 400004, 400005 (`sign_matches`), 4002xx, 400006, 400008,
  // 400007, 400010. The key when all pass. Any thread.
  boost::system::result<std::shared_ptr<const ApiKey>, Error> Verify(
      const Credentials& credentials, std::string_view ip, const KeyRequirement& requirement,
      const SignMatcher& sign_matches) const;

 private:
  std::optional<Error> CheckPartner(const Credentials& credentials, std::string_view api_key,
                                    std::string_view ip, bool unknown_ignored) const;

  const KeyStore& keys_;
  const Clock& clock_;
  AuthOptions options_;
};

// Whether `ip` is allowed by a whitelist of addresses and IPv4/IPv6 CIDR blocks
// (an empty list allows every address).
bool IpAllowed(const std::vector<std::string>& whitelist, std::string_view ip);

// The forms of the request path a real client may have signed: as sent,
// percent-decoded (the official SDK), and without a bare trailing '?'
// (kucoin-node-sdk). Returns true when `sign` matches any of them.
bool SignatureMatches(const ApiKey& key, const Digest& sign, std::string_view timestamp,
                      std::string_view method, std::string_view target, std::string_view body);

}  // namespace kc::gateway
