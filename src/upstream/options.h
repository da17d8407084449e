// One [[upstream]] entry: an operator's HTTP service that kcgate fronts with
// its own authentication, policy and rate limits (upstream/upstreams.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/permission.h"
#include "gateway/route_table.h"

namespace kc::upstream {

struct UpstreamOptions {
  std::string path_prefix;      // "/api/v1/wallet": that path and everything under it
  std::string address;          // "127.0.0.1:9000" (a name is resolved once, at start)
  int64_t timeout_ms = 10'000;  // from the request's arrival to the upstream's answer: 504000
  size_t pool_size = 8;         // connections kept open to it; more requests wait
  gateway::RatePool rate_pool = gateway::RatePool::kManagement;
  int weight = 1;
  gateway::Permission permission = gateway::Permission::kGeneral;
  // A response body larger than this is refused (503000), not relayed.
  size_t max_response_bytes = 8 * 1024 * 1024;
};

// "public", "spot", "management", "futures", "earn" (KuCoin's pool names).
std::optional<gateway::RatePool> ParseRatePool(std::string_view name);
// One permission ("General", "Spot", ..., as API keys name them).
std::optional<gateway::Permission> ParsePermission(std::string_view name);

}  // namespace kc::upstream
