// One authenticated REST request relayed to an operator's upstream service,
// and its answer relayed back: method, path and query, body and content type
// go out with the verified identity in X-KC-Uid / X-KC-Api-Key (nothing else
// of the client's headers, so a client cannot forge them); the upstream's
// status, body and content type come back. No answer by the route's timeout:
// 504000; refused, unreachable, broken or oversized answer: 503000.
// Runs on the event loops (asynchronous throughout); any thread may Start.
#pragma once

#include <memory>

#include "gateway/call.h"
#include "upstream/connection_pool.h"
#include "upstream/options.h"

namespace kc::upstream {

// The headers an upstream reads the caller's identity from.
inline constexpr char kUidHeader[] = "X-KC-Uid";
inline constexpr char kApiKeyHeader[] = "X-KC-Api-Key";
inline constexpr char kRequestIdHeader[] = "X-KC-Request-Id";

void Relay(const std::shared_ptr<gateway::Call>& call, std::shared_ptr<ConnectionPool> pool,
           std::shared_ptr<const UpstreamOptions> options);

}  // namespace kc::upstream
