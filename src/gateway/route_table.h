// The REST routes kcgate serves: method + path pattern, who may call them
// (public or signed, permission, V3-only, master-only), their rate-limit pool
// and weight, and the handler. Built once at start-up, read-only afterwards:
// any thread may Find.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gateway/permission.h"

namespace kc::gateway {

class Call;

enum class Access { kPublic, kPrivate };
// KuCoin's resource pools; Public is counted per IP, the others per UID.
enum class RatePool { kPublic, kSpot, kManagement, kFutures, kEarn };

using RouteHandler = std::function<void(const std::shared_ptr<Call>&)>;

struct Route {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string pattern;  // "/api/v1/orders/{orderId}"
  Access access = Access::kPublic;
  Permission permission = Permission::kGeneral;
  RatePool pool = RatePool::kPublic;
  int weight = 1;
  bool v3_only = false;      // 400008 for keys stored as version 1 or 2
  bool master_only = false;  // 400010 for sub-account keys
  RouteHandler handler;
  size_t index = 0;  // its position in RouteTable::routes(), set by Add (metrics count by it)
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

class RouteTable {
 public:
  // Aborts on a duplicate method + pattern: a programming error.
  void Add(Route route);
  // A route for every path under `route.pattern`, a literal prefix ("/wallet"
  // serves /wallet and /wallet/..., not /wallets): an operator's upstream
  // service (upstream/). Prefixes win over the routes above, longest first.
  void AddPrefix(Route route);

  struct Match {
    const Route* route = nullptr;
    PathParams params;  // percent-decoded values of {name} segments
  };
  std::optional<Match> Find(boost::beast::http::verb method, std::string_view path) const;

  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  struct Pattern {
    const Route* route;
    std::vector<std::string> segments;  // "{name}" marks a parameter
  };
  // Hashes std::string and std::string_view alike, so that Find looks a
  // request's path up without copying it into a std::string.
  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view path) const { return std::hash<std::string_view>()(path); }
  };
  using ExactPaths = std::unordered_map<std::string, const Route*, PathHash, std::equal_to<>>;

  std::vector<std::unique_ptr<Route>> routes_;
  // Static paths take one hash lookup, in the map of their method (a handful
  // of methods: a linear scan finds it).
  std::vector<std::pair<boost::beast::http::verb, ExactPaths>> exact_;
  std::vector<Pattern> patterns_;
  std::vector<const Route*> prefixes_;  // longest pattern first
};

}  // namespace kc::gateway
