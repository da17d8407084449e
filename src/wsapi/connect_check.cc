#include "wsapi/connect_check.h"

#include "gateway/query.h"
#include "gateway/signature.h"

namespace kc::wsapi {

ConnectParams ReadConnectParams(std::string_view target) {
  ConnectParams params;
  const auto [path, query] = gateway::SplitTarget(target);
  for (auto& param : gateway::ParseQuery(query)) {
    const std::string& name = param.first;
    std::string& value = param.second;
    auto set = [&value](std::optional<std::string>& field) {
      if (!field) field = std::move(value);
    };
    if (name == "apikey") {
      set(params.apikey);
    } else if (name == "timestamp") {
      set(params.timestamp);
    } else if (name == "sign") {
      set(params.sign);
    } else if (name == "passphrase") {
      set(params.passphrase);
    } else if (name == "partner") {
      set(params.partner);
    } else if (name == "partner_sign") {
      set(params.partner_sign);
    } else if (name == "enable_ns") {
      params.enable_ns = value == "true";
    }
  }
  return params;
}

boost::system::result<std::shared_ptr<const gateway::ApiKey>, Error> ConnectCheck::Check(
    const ConnectParams& params, const boost::beast::http::fields& headers,
    std::string_view ip) const {
  if (service_.status() == ServiceStatus::kClose) return Error(ErrorCode::kServiceStopped);
  const bool regional =
      !policy_.region.blocked_countries.empty() || !policy_.region.restricted_countries.empty();
  const std::string country = regional ? gateway::CountryOf(headers, ip, policy_.region) : "";
  if (gateway::CountryBlocked(country, policy_)) return Error(ErrorCode::kRegionBlocked);

  gateway::Credentials credentials;
  credentials.version = 2;  // the passphrase is always hashed here
  auto view = [](const std::optional<std::string>& value) -> std::optional<std::string_view> {
    if (!value) return std::nullopt;
    return std::string_view(*value);
  };
  credentials.key = view(params.apikey);
  credentials.timestamp = view(params.timestamp);
  credentials.sign = view(params.sign);
  credentials.passphrase = view(params.passphrase);
  credentials.partner = view(params.partner);
  credentials.partner_sign = view(params.partner_sign);
  auto key = authenticate_.Verify(
      credentials, ip,
      gateway::KeyRequirement{.permission = gateway::Permission::kSpot,
                              .unknown_partner_ignored = true},
      [&params](const gateway::ApiKey& k, const gateway::Digest& sign) {
        return gateway::ConstantTimeEquals(
            gateway::KeyedHmacSha256(k, {*params.apikey, *params.timestamp}), sign);
      });
  if (!key) return key.error();
  if (auto refusal = gateway::PolicyRefusal(**key, /*trading=*/true, /*needs_kyc=*/true, country,
                                            path_, policy_)) {
    return *refusal;
  }
  return key;
}

}  // namespace kc::wsapi
