// The operator's access rules, as stages of the pipeline:
//  - Admission (first, every route): 501000 while the service is closed for
//    maintenance or shutting down; 400302 for a client whose country is
//    blocked for all services.
//  - AccessPolicy (after authentication, private routes): 126009 placing an
//    order while the service is cancel-only; 400301 trading from a
//    country where trading is restricted; 400303 / 400304 identity
//    verification required (master / sub-account); 411200 blacklisted path.
// A client's country comes from configured networks (CIDR -> country) or, when
// the operator sits behind a proxy that sets one, a trusted header. Options are
// fixed at start-up; any thread.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/service_state.h"
#include "gateway/api_key.h"
#include "gateway/pipeline.h"

namespace kc::gateway {

struct RegionOptions {
  std::vector<std::pair<std::string, std::string>> networks;  // {"10.1.0.0/16", "US"}
  std::string country_header;                     // e.g. "CF-IPCountry"; empty = not trusted
  std::vector<std::string> blocked_countries;     // 400302
  std::vector<std::string> restricted_countries;  // 400301 on trading
};

struct BlacklistRule {
  std::string path_prefix;  // "/api/v1/withdrawals"
  int64_t uid = 0;          // 0: everyone
};

struct PolicyOptions {
  RegionOptions region;
  std::vector<BlacklistRule> blacklist;
  bool kyc_for_trading = true;  // unverified users may not place orders or withdraw
};

// The client's ISO country code, or "" when unknown.
std::string CountryOf(const Call& call, const RegionOptions& options);
std::string CountryOf(const boost::beast::http::fields& headers, std::string_view ip,
                      const RegionOptions& options);

// 400302: the country is blocked for all services.
bool CountryBlocked(const std::string& country, const PolicyOptions& options);
// What may refuse `key` a trading request from `country` on `path`: 400301,
// 400303 / 400304 (when `needs_kyc`), 411200. Shared by AccessPolicy and the
// WebSocket order API's connect check.
std::optional<Error> PolicyRefusal(const ApiKey& key, bool trading, bool needs_kyc,
                                   const std::string& country, std::string_view path,
                                   const PolicyOptions& options);

// Placing orders (POST with Spot, Margin or Futures permission) is trading.
bool IsTrading(const Route& route);
// Trading that adds orders: every trading route but the cancelling ones
// (dead-cancel-all). Refused while the service is cancel-only.
bool PlacesOrders(const Route& route);

class Admission final : public Stage {
 public:
  Admission(const ServiceState& service, const PolicyOptions& options)
      : service_(service), options_(options) {}
  StageResult Run(Call& call) override;

 private:
  const ServiceState& service_;
  const PolicyOptions& options_;
};

class AccessPolicy final : public Stage {
 public:
  AccessPolicy(const ServiceState& service, const PolicyOptions& options)
      : service_(service), options_(options) {}
  StageResult Run(Call& call) override;

 private:
  const ServiceState& service_;
  const PolicyOptions& options_;
};

}  // namespace kc::gateway
