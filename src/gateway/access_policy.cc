#include "gateway/access_policy.h"

#include <algorithm>

#include "gateway/authenticate.h"
#include "gateway/call.h"

namespace kc::gateway {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return !value.empty() && std::find(list.begin(), list.end(), value) != list.end();
}

// Status and time stay up during maintenance so clients can see why.
bool AlwaysOpen(const Route& route) {
  return route.pattern == "/api/v1/status" || route.pattern == "/api/v1/timestamp";
}

}  // namespace

std::string CountryOf(const Call& call, const RegionOptions& options) {
  if (!options.country_header.empty()) {
    auto it = call.request().find(options.country_header);
    if (it != call.request().end()) {
      std::string country(it->value());
      std::transform(country.begin(), country.end(), country.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return country;
    }
  }
  for (const auto& [network, country] : options.networks) {
    if (IpAllowed({network}, call.peer().ip)) return country;
  }
  return "";
}

bool IsTrading(const Route& route) {
  return route.method == boost::beast::http::verb::post &&
         (route.permission == Permission::kSpot || route.permission == Permission::kMargin ||
          route.permission == Permission::kFutures);
}

StageResult Admission::Run(Call& call) {
  if (service_.Get().first == ServiceStatus::kClose && !AlwaysOpen(call.route())) {
    call.Fail(Error(ErrorCode::kServiceStopped));
    return StageResult::kResponded;
  }
  if (!options_.region.blocked_countries.empty() &&
      Contains(options_.region.blocked_countries, CountryOf(call, options_.region))) {
    call.Fail(Error(ErrorCode::kRegionBlocked));
    return StageResult::kResponded;
  }
  return StageResult::kContinue;
}

StageResult AccessPolicy::Run(Call& call) {
  const ApiKey* key = call.api_key();
  if (key == nullptr) return StageResult::kContinue;  // public route
  const Route& route = call.route();
  const bool trading = IsTrading(route);
  if (trading && !options_.region.restricted_countries.empty() &&
      Contains(options_.region.restricted_countries, CountryOf(call, options_.region))) {
    call.Fail(Error(ErrorCode::kRegionRestricted));
    return StageResult::kResponded;
  }
  const bool needs_kyc = trading || route.permission == Permission::kTransfer;
  if (options_.kyc_for_trading && needs_kyc && !key->kyc_verified) {
    call.Fail(Error(key->is_sub ? ErrorCode::kKycOnMaster : ErrorCode::kKycRequired));
    return StageResult::kResponded;
  }
  for (const BlacklistRule& rule : options_.blacklist) {
    if ((rule.uid == 0 || rule.uid == key->uid) && call.path().starts_with(rule.path_prefix)) {
      call.Fail(Error(ErrorCode::kUrlBlacklisted));
      return StageResult::kResponded;
    }
  }
  return StageResult::kContinue;
}

}  // namespace kc::gateway
