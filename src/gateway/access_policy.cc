#include "gateway/access_policy.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

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
  return CountryOf(call.request(), call.peer().ip, options);
}

std::string CountryOf(const boost::beast::http::fields& headers, std::string_view ip,
                      const RegionOptions& options) {
  if (!options.country_header.empty()) {
    auto it = headers.find(options.country_header);
    if (it != headers.end()) {
      std::string country(it->value());
      std::transform(country.begin(), country.end(), country.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
      return country;
    }
  }
  for (const auto& [network, country] : options.networks) {
    if (IpAllowed({network}, ip)) return country;
  }
  return "";
}

bool IsTrading(const Route& route) {
  return route.method == boost::beast::http::verb::post &&
         (route.permission == Permission::kSpot || route.permission == Permission::kMargin ||
          route.permission == Permission::kFutures);
}

bool CountryBlocked(const std::string& country, const PolicyOptions& options) {
  return Contains(options.region.blocked_countries, country);
}

std::optional<Error> PolicyRefusal(const ApiKey& key, bool trading, bool needs_kyc,
                                   const std::string& country, std::string_view path,
                                   const PolicyOptions& options) {
  if (trading && Contains(options.region.restricted_countries, country)) {
    return Error(ErrorCode::kRegionRestricted);
  }
  if (options.kyc_for_trading && needs_kyc && !key.kyc_verified) {
    return Error(key.is_sub ? ErrorCode::kKycOnMaster : ErrorCode::kKycRequired);
  }
  for (const BlacklistRule& rule : options.blacklist) {
    if ((rule.uid == 0 || rule.uid == key.uid) && path.starts_with(rule.path_prefix)) {
      return Error(ErrorCode::kUrlBlacklisted);
    }
  }
  return std::nullopt;
}

bool PlacesOrders(const Route& route) {
  return IsTrading(route) && route.pattern.find("cancel") == std::string::npos;
}

StageResult Admission::Run(Call& call) {
  if (service_.status() == ServiceStatus::kClose && !AlwaysOpen(call.route())) {
    call.Fail(Error(ErrorCode::kServiceStopped));
    return StageResult::kResponded;
  }
  if (!options_.region.blocked_countries.empty() &&
      CountryBlocked(CountryOf(call, options_.region), options_)) {
    call.Fail(Error(ErrorCode::kRegionBlocked));
    return StageResult::kResponded;
  }
  return StageResult::kContinue;
}

StageResult AccessPolicy::Run(Call& call) {
  const ApiKey* key = call.api_key();
  if (key == nullptr) return StageResult::kContinue;  // public route
  const Route& route = call.route();
  if (service_.status() == ServiceStatus::kCancelOnly && PlacesOrders(route)) {
    // KuCoin's business answer (HTTP 200) for a pair that takes no new orders.
    call.Respond(ApiResponse::Business(
        kCancelOnlyRefusalCode,
        boost::json::serialize(boost::json::string(kCancelOnlyRefusalMessage))));
    return StageResult::kResponded;
  }
  const bool trading = IsTrading(route);
  // The country is looked up only when a rule needs it.
  const std::string country = trading && !options_.region.restricted_countries.empty()
                                  ? CountryOf(call, options_.region)
                                  : std::string();
  const bool needs_kyc = trading || route.permission == Permission::kTransfer;
  if (auto error = PolicyRefusal(*key, trading, needs_kyc, country, call.path(), options_)) {
    call.Fail(*error);
    return StageResult::kResponded;
  }
  return StageResult::kContinue;
}

}  // namespace kc::gateway
