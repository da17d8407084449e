#include "gateway/authenticate.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <charconv>

#include "gateway/credentials.h"
#include "gateway/explain.h"
#include "gateway/query.h"
#include "gateway/signature.h"

namespace kc::gateway {
namespace {

bool TimestampValid(std::string_view text, int64_t now_ms, int64_t window_ms) {
  int64_t timestamp = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, timestamp);
  if (ec != std::errc() || ptr != end || text.front() == '-' || text.front() == '+') return false;
  const int64_t skew = timestamp > now_ms ? timestamp - now_ms : now_ms - timestamp;
  return skew <= window_ms;
}

bool PassphraseMatches(const ApiKey& key, std::string_view passphrase, int header_version) {
  if (header_version == 1) {
    return ConstantTimeEquals(KeyedHmacSha256(key, {passphrase}), key.passphrase_mac);
  }
  auto digest = Base64DecodeDigest(passphrase);
  return digest && ConstantTimeEquals(*digest, key.passphrase_mac);
}

}  // namespace

bool SignatureMatches(const ApiKey& key, const Digest& sign, std::string_view timestamp,
                      std::string_view method, std::string_view target, std::string_view body) {
  if (ConstantTimeEquals(KeyedHmacSha256(key, {timestamp, method, target, body}), sign)) {
    return true;
  }
  if (target.find('%') != std::string_view::npos) {
    const std::string decoded = PercentDecode(target);
    if (ConstantTimeEquals(KeyedHmacSha256(key, {timestamp, method, decoded, body}), sign)) {
      return true;
    }
  }
  if (target.size() > 1 && target.back() == '?') {
    target.remove_suffix(1);
    return ConstantTimeEquals(KeyedHmacSha256(key, {timestamp, method, target, body}), sign);
  }
  return false;
}

bool IpAllowed(const std::vector<std::string>& whitelist, std::string_view ip) {
  if (whitelist.empty()) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(ip, ec);
  if (ec) return false;
  for (const std::string& entry : whitelist) {
    if (entry.find('/') == std::string::npos) {
      auto allowed = boost::asio::ip::make_address(entry, ec);
      if (!ec && allowed == address) return true;
      continue;
    }
    if (address.is_v4()) {
      auto network = boost::asio::ip::make_network_v4(entry, ec);
      if (!ec && (network.network().to_uint() & network.netmask().to_uint()) ==
                     (address.to_v4().to_uint() & network.netmask().to_uint())) {
        return true;
      }
    } else {
      auto network = boost::asio::ip::make_network_v6(entry, ec);
      if (!ec) {
        auto host = boost::asio::ip::make_network_v6(address.to_v6(), network.prefix_length());
        if (host.canonical() == network.canonical()) return true;
      }
    }
  }
  return false;
}

bool RequiresV3Key(const Route& route, const AuthOptions& options) {
  switch (options.v3_only) {
    case V3Only::kNone:
      return false;
    case V3Only::kAll:
      return true;
    case V3Only::kListed:
      break;
  }
  if (route.v3_only) return true;
  for (const std::string& prefix : options.v3_only_paths) {
    if (route.pattern.starts_with(prefix)) return true;
  }
  return false;
}

std::vector<Partner> DefaultPartners() {
  return {{"ccxt", "9e58cc35-5b5e-4133-92ec-166e3f077cb8", {}},
          {"ccxtfutures", "1b327198-f30c-4f14-a0ac-918871282f15", {}}};
}

std::optional<Error> Authenticate::CheckPartner(const Credentials& credentials,
                                                std::string_view api_key, std::string_view ip,
                                                bool unknown_ignored) const {
  auto partner = std::find_if(options_.partners.begin(), options_.partners.end(),
                              [&](const Partner& p) { return p.id == *credentials.partner; });
  if (partner == options_.partners.end()) {
    if (unknown_ignored) return std::nullopt;
    return Error(ErrorCode::kUnknownPartner);
  }
  auto sign =
      credentials.partner_sign ? Base64DecodeDigest(*credentials.partner_sign) : std::nullopt;
  if (!sign || !ConstantTimeEquals(KeyedHmacSha256("partner:" + partner->id, 0, partner->secret,
                                                   {*credentials.timestamp, partner->id, api_key}),
                                   *sign)) {
    return Error(ErrorCode::kInvalidPartnerSign);
  }
  if (!IpAllowed(partner->ips, ip)) return Error(ErrorCode::kPartnerIpNotAllowed);
  return std::nullopt;
}

StageResult Authenticate::Run(Call& call) {
  const Route& route = call.route();
  if (route.access == Access::kPublic) return StageResult::kContinue;

  auto credentials = ReadCredentials(call.request());
  if (!credentials) {
    call.Fail(credentials.error());
    return StageResult::kResponded;
  }
  auto key = Verify(
      *credentials, call.peer().ip,
      KeyRequirement{route.permission, RequiresV3Key(route, options_), route.master_only, false},
      [&call, &credentials](const ApiKey& k, const Digest& sign) {
        return SignatureMatches(k, sign, *credentials->timestamp, call.request().method_string(),
                                call.target(), call.body());
      });
  if (!key) {
    if (options_.explain && (key.error().code() == ErrorCode::kInvalidSign ||
                             key.error().code() == ErrorCode::kInvalidPassphrase)) {
      std::string explain = key.error().code() == ErrorCode::kInvalidSign
                                ? ExplainSignature(*credentials, call.request().method_string(),
                                                   call.target(), call.body())
                                : ExplainPassphrase(*credentials);
      spdlog::debug("request {}: kc-explain {}", call.id(), explain);
      call.AddHeader("kc-explain", std::move(explain));
    }
    call.Fail(key.error());
    return StageResult::kResponded;
  }
  call.set_api_key(std::move(*key));
  return StageResult::kContinue;
}

boost::system::result<std::shared_ptr<const ApiKey>, Error> Authenticate::Verify(
    const Credentials& credentials, std::string_view ip, const KeyRequirement& requirement,
    const SignMatcher& sign_matches) const {
  if (!credentials.timestamp || credentials.timestamp->empty() ||
      !TimestampValid(*credentials.timestamp, clock_.NowMs(), options_.timestamp_window_ms)) {
    return Error(ErrorCode::kInvalidTimestamp);
  }
  std::shared_ptr<const ApiKey> key =
      credentials.key ? keys_.Find(*credentials.key) : std::shared_ptr<const ApiKey>();
  if (!key || !key->enabled) return Error(ErrorCode::kKeyNotFound);
  if (!credentials.passphrase ||
      !PassphraseMatches(*key, *credentials.passphrase, credentials.version)) {
    return Error(ErrorCode::kInvalidPassphrase);
  }
  auto sign = credentials.sign ? Base64DecodeDigest(*credentials.sign) : std::nullopt;
  if (!sign || !sign_matches(*key, *sign)) return Error(ErrorCode::kInvalidSign);
  if (credentials.partner) {
    if (auto error = CheckPartner(credentials, key->key, ip, requirement.unknown_partner_ignored)) {
      return *error;
    }
  }
  if (!IpAllowed(key->ip_whitelist, ip)) return Error(ErrorCode::kIpNotAllowed, std::string(ip));
  if (requirement.v3_only && key->version < 3) return Error(ErrorCode::kV3KeyRequired);
  if (!key->permissions.Has(requirement.permission)) return Error(ErrorCode::kPermissionDenied);
  if (requirement.master_only && key->is_sub) return Error(ErrorCode::kUidDenied);
  return key;
}

}  // namespace kc::gateway
