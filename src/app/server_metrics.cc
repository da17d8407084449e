#include "app/server_metrics.h"

#include <boost/beast/http/verb.hpp>
#include <future>
#include <utility>
#include <vector>

#include "engine/command_loop.h"
#include "gateway/rate_limit.h"
#include "gateway/route_table.h"
#include "net/http_server.h"
#include "push/hub.h"
#include "store/sqlite_journal.h"
#include "wsapi/service.h"

namespace kc::app {

namespace {

constexpr std::array<double, 12> kBatchBounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};
constexpr std::array<double, 14> kSyncBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};

std::vector<metrics::RouteLabel> LabelRoutes(const gateway::RouteTable& routes) {
  std::vector<metrics::RouteLabel> labels;
  for (const auto& route : routes.routes()) {
    labels.push_back({route->pattern, std::string(boost::beast::http::to_string(route->method))});
  }
  return labels;
}

#ifndef KC_REVISION
#define KC_REVISION "unknown"
#endif

}  // namespace

ServerMetrics::ServerMetrics(const gateway::RouteTable& routes, MetricsSources sources)
    : requests_(LabelRoutes(routes)),
      sources_(sources),
      batch_commands_(kBatchBounds),
      sync_seconds_(kSyncBounds) {
  sources_.journal.SetSyncObserver([this](uint64_t commands, std::chrono::nanoseconds took) {
    batch_commands_.Observe(static_cast<double>(commands));
    sync_seconds_.Observe(std::chrono::duration<double>(took).count());
  });
}

std::string ServerMetrics::Scrape() {
  metrics::Exposition out;
  out.Family("kcgate_build_info", "gauge", "Always 1; the build's revision and compiler.");
  out.Sample("kcgate_build_info", {{"revision", KC_REVISION}, {"compiler", __VERSION__}},
             uint64_t{1});

  requests_.Render(out);

  const gateway::RateLimit::Refusals refused = sources_.rate_limit.refusals();
  out.Family("kcgate_rate_limit_refusals_total", "counter",
             "Requests (REST and WS API) refused by a quota: per resource pool (429000), "
             "pool=\"node\" the node ceiling (429001), pool=\"connection\" a connection's share "
             "(429002).");
  constexpr std::array<std::string_view, 5> kPools = {"public", "spot", "management", "futures",
                                                      "earn"};
  for (size_t i = 0; i < kPools.size(); ++i) {
    out.Sample("kcgate_rate_limit_refusals_total", {{"pool", kPools[i]}}, refused.pools[i]);
  }
  out.Sample("kcgate_rate_limit_refusals_total", {{"pool", "node"}}, refused.node);
  out.Sample("kcgate_rate_limit_refusals_total", {{"pool", "connection"}}, refused.connection);

  out.Family("kcgate_connections", "gauge",
             "Open connections: HTTP on the KuCoin listener (not upgraded), push WebSocket, "
             "WS order API.");
  out.Sample("kcgate_connections", {{"kind", "http"}},
             static_cast<uint64_t>(sources_.http.connections()));
  out.Sample("kcgate_connections", {{"kind", "push"}},
             static_cast<uint64_t>(sources_.hub.connections()));
  out.Sample("kcgate_connections", {{"kind", "wsapi"}},
             static_cast<uint64_t>(sources_.wsapi.session_count()));

  const push::PushTotals push = sources_.hub.Totals();
  out.Family("kcgate_push_messages_sent_total", "counter",
             "Push WebSocket frames written whole (replies included).");
  out.Sample("kcgate_push_messages_sent_total", {}, push.messages_sent);
  out.Family("kcgate_push_bytes_sent_total", "counter",
             "Push WebSocket bytes written, frame headers included.");
  out.Sample("kcgate_push_bytes_sent_total", {}, push.bytes_sent);
  out.Family("kcgate_push_messages_dropped_total", "counter",
             "Fan-out messages an event loop too far behind never received.");
  out.Sample("kcgate_push_messages_dropped_total", {}, push.messages_dropped);
  out.Family("kcgate_push_slow_consumer_disconnects_total", "counter",
             "Push sessions disconnected because their send queue was full.");
  out.Sample("kcgate_push_slow_consumer_disconnects_total", {}, push.slow_consumers);

  RenderEngine(out);
  return out.Take();
}

void ServerMetrics::RenderEngine(metrics::Exposition& out) {
  out.Family("kcgate_engine_queue_depth", "gauge",
             "Commands and queries waiting for the engine thread.");
  out.Sample("kcgate_engine_queue_depth", {}, static_cast<uint64_t>(sources_.engine.queued()));
  const uint64_t durable = sources_.journal.durable_commands();
  out.Family("kcgate_engine_commands_total", "counter",
             "Engine commands applied and made durable since start (rate: commands/s).");
  out.Sample("kcgate_engine_commands_total", {},
             durable >= sources_.replayed_commands ? durable - sources_.replayed_commands : 0);
  out.Family("kcgate_journal_batch_commands", "histogram",
             "Commands per journal sync (group commit).");
  batch_commands_.Render(out, "kcgate_journal_batch_commands");
  out.Family("kcgate_journal_sync_seconds", "histogram",
             "One journal batch's transaction, its fsync included.");
  sync_seconds_.Render(out, "kcgate_journal_sync_seconds");
  const int64_t snapshot_ms = sources_.journal.last_snapshot_ms();
  if (snapshot_ms > 0) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    out.Family("kcgate_journal_last_snapshot_age_seconds", "gauge",
               "Seconds since the newest engine snapshot was stored.");
    out.Sample("kcgate_journal_last_snapshot_age_seconds", {},
               static_cast<double>(now_ms - snapshot_ms) / 1000.0);
  }

  // Orders resting per symbol: counted on the engine thread (the level
  // counts it keeps), omitted when the engine does not answer in time.
  using Counts = std::vector<std::pair<std::string, uint64_t>>;
  auto promise = std::make_shared<std::promise<Counts>>();
  std::future<Counts> answer = promise->get_future();
  const bool queued = sources_.engine.SubmitQuery(
      [promise](const engine::Exchange& exchange) -> engine::CommandLoop::Reply {
        Counts counts;
        const auto& symbols = exchange.markets().symbols;
        for (engine::SymbolId id = 0; id < symbols.size(); ++id) {
          const engine::OrderBook& book = exchange.book(id);
          uint64_t resting = 0;
          for (engine::Side side : {engine::Side::kBuy, engine::Side::kSell}) {
            for (size_t level = 0; level < book.level_count(side); ++level) {
              resting += book.level(side, level).count;
            }
          }
          counts.emplace_back(symbols[id].symbol, resting);
        }
        return [promise, counts = std::move(counts)]() mutable {
          promise->set_value(std::move(counts));
        };
      });
  if (queued && answer.wait_for(sources_.engine_deadline) == std::future_status::ready) {
    out.Family("kcgate_orders_resting", "gauge", "Orders resting in the book, by symbol.");
    for (const auto& [symbol, count] : answer.get()) {
      out.Sample("kcgate_orders_resting", {{"symbol", symbol}}, count);
    }
  }
}

void AddMetricsRoute(admin::Router& router, const std::unique_ptr<ServerMetrics>& metrics,
                     bool require_token) {
  router.Add(
      admin::http::verb::get, "/metrics",
      [&metrics](const admin::AdminRequest&) {
        return admin::AdminReply::Text(metrics->Scrape(), std::string(metrics::kContentType));
      },
      require_token ? admin::Access::kToken : admin::Access::kOpen);
}

}  // namespace kc::app
