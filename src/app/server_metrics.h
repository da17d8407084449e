// What GET /metrics answers: the request counters (metrics::RequestMetrics,
// told by the gateway, the push hub and the WS API service), the journal's
// batch sizes and sync times (told by the journal writer), and gauges and
// counters read at scrape time from the state their modules already keep:
// open connections, push traffic, rate-limit refusals, the engine's queue,
// the snapshot age and the orders resting per symbol (an engine query).
// Built once the routes are known (Server::Start); Scrape runs on the admin
// loop, everything else where its module runs.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "admin/router.h"
#include "metrics/histogram.h"
#include "metrics/request_metrics.h"

namespace kc::engine {
class CommandLoop;
}
namespace kc::gateway {
class RateLimit;
class RouteTable;
}  // namespace kc::gateway
namespace kc::net {
class HttpServer;
}
namespace kc::push {
class Hub;
}
namespace kc::store {
class SqliteJournal;
}
namespace kc::wsapi {
class WsApiService;
}

namespace kc::app {

struct MetricsSources {
  const net::HttpServer& http;
  const push::Hub& hub;
  const wsapi::WsApiService& wsapi;
  const gateway::RateLimit& rate_limit;
  engine::CommandLoop& engine;
  store::SqliteJournal& journal;
  uint64_t replayed_commands;  // what the journal held at start
  // How long a scrape waits for the engine's count of resting orders.
  std::chrono::milliseconds engine_deadline;
};

class ServerMetrics {
 public:
  // Labels every route of `routes` (complete by now); hooks the journal's
  // sync observer (before the engine loop starts).
  ServerMetrics(const gateway::RouteTable& routes, MetricsSources sources);

  // The observer the gateway, the push hub and the WS API service tell.
  metrics::RequestMetrics& requests() { return requests_; }
  // The whole exposition (text format 0.0.4).
  std::string Scrape();

 private:
  void RenderEngine(metrics::Exposition& out);

  metrics::RequestMetrics requests_;
  MetricsSources sources_;
  metrics::Histogram batch_commands_;
  metrics::Histogram sync_seconds_;
};

// GET /metrics on `router`: `metrics`' scrape (set by the time the admin
// listener serves). Open unless `require_token` ([metrics] require_token).
void AddMetricsRoute(admin::Router& router, const std::unique_ptr<ServerMetrics>& metrics,
                     bool require_token);

}  // namespace kc::app
