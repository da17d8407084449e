// The operator's [[upstream]] services: one connection pool each, and the
// prefix routes (every method) that relay to them through the gateway's
// pipeline — admission, authentication, policy, rate limit — like kcgate's
// own routes. Built at start-up; pools live until the server stops.
#pragma once

#include <memory>
#include <vector>

#include "gateway/route_table.h"
#include "upstream/connection_pool.h"
#include "upstream/options.h"

namespace kc::upstream {

class Upstreams {
 public:
  // Resolves every address now; throws std::runtime_error naming one that
  // does not resolve or is not HOST:PORT.
  explicit Upstreams(const std::vector<UpstreamOptions>& options);
  // Closes the idle connections: destroy before the event loops.
  ~Upstreams();
  Upstreams(const Upstreams&) = delete;
  Upstreams& operator=(const Upstreams&) = delete;

  // GET, POST, PUT, DELETE and PATCH under each prefix: signed, with the
  // entry's permission, rate-limit pool and weight.
  void AddRoutes(gateway::RouteTable& routes) const;

  size_t size() const { return pools_.size(); }
  // Connections open to the i-th upstream (idle or lent out).
  size_t OpenConnections(size_t i) const { return pools_.at(i)->open(); }

 private:
  std::vector<std::shared_ptr<const UpstreamOptions>> options_;
  std::vector<std::shared_ptr<ConnectionPool>> pools_;
};

}  // namespace kc::upstream
