#include "app/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "admin/router.h"
#include "admin/token.h"
#include "api/account_routes.h"
#include "api/bullet_routes.h"
#include "api/dead_cancel_routes.h"
#include "api/fee_routes.h"
#include "api/fill_routes.h"
#include "api/funding_routes.h"
#include "api/info_routes.h"
#include "api/listed_derivatives_routes.h"
#include "api/market_routes.h"
#include "api/order_routes.h"
#include "api/stop_order_routes.h"
#include "api/system_routes.h"
#include "api/transfer_routes.h"
#include "app/access_log.h"
#include "app/health_routes.h"
#include "app/market_maker.h"
#include "app/server_metrics.h"
#include "app/wsapi_desk.h"
#include "core/access_fan_out.h"
#include "core/service_state.h"
#include "engine/clock.h"
#include "engine/command_loop.h"
#include "engine/journal.h"
#include "engine/markets.h"
#include "gateway/access_policy.h"
#include "gateway/authenticate.h"
#include "gateway/gateway.h"
#include "gateway/rate_limit.h"
#include "lab/account_routes.h"
#include "lab/clock_routes.h"
#include "lab/fault_routes.h"
#include "lab/fault_stage.h"
#include "lab/lab_clock.h"
#include "lab/limits_routes.h"
#include "lab/status_routes.h"
#include "net/event_loops.h"
#include "net/http_server.h"
#include "push/feed.h"
#include "push/feed_timer.h"
#include "push/service.h"
#include "store/admin_inbox.h"
#include "store/key_directory.h"
#include "store/secret_box.h"
#include "store/sqlite_journal.h"
#include "store/status_store.h"
#include "upstream/upstreams.h"
#include "wsapi/service.h"

namespace kc::app {

std::string DatabasePath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "kcgate.db").string();
}

struct Server::Parts {
  Parts(Config c, const Clock* external_clock)
      : config(std::move(c)),
        lab_clock(external_clock ? *external_clock : system_clock, time_shift),
        clock(lab_clock),
        box(PrepareDataDir(config)),
        keys(DatabasePath(config), box),
        authenticate(
            keys, clock,
            gateway::AuthOptions{config.timestamp_window_ms, config.partners, config.v3_only,
                                 config.v3_only_paths, ExplainSignatures(config)}),
        admission(service_state, config.policy),
        access_policy(service_state, config.policy),
        rate_limit(rate_counters, clock, config.rate_limit),
        engine_loop(config.markets ? *config.markets : engine::DefaultMarkets(),
                    engine::ExchangeOptions{}, &journal, &feed, &engine_clock,
                    engine::CommandLoopOptions{
                        .high_water = config.engine_queue_high_water,
                        .max_in_flight = config.engine_max_in_flight,
                        .reply_deadline = std::chrono::milliseconds(config.engine_deadline_ms)}),
        gateway(routes, pipeline),
        loops(config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency())),
        http(loops, gateway,
             net::HttpLimits{config.header_limit_bytes, config.body_limit_bytes,
                             std::chrono::milliseconds(config.read_timeout_ms)}) {
    const uint64_t replayed = store::ReplayInto(journal, engine_loop);
    replayed_commands = journal.durable_commands();
    if (replayed) spdlog::info("engine state covers {} journaled commands", replayed);
    store::ScheduleSnapshots(journal, engine_loop,
                             store::SnapshotPolicy{config.journal.snapshot_every_commands,
                                                   config.journal.snapshot_every_ms});
    feed.Seed(engine_loop.exchange());  // replay dropped its events
    // KuCoin's check order (docs/life-of-a-request.md): admission (501000,
    // 400302), authentication (4000xx, 4002xx, 400006-400010), policy
    // (400301, 400303, 400304, 411200), then the quotas (429xxx).
    service_state.Set(config.service_status, config.service_message);
    status_watcher = std::make_unique<store::StatusWatcher>(DatabasePath(config), service_state);
    pipeline.AddStage(admission);
    pipeline.AddStage(authenticate);
    pipeline.AddStage(access_policy);
    pipeline.AddStage(rate_limit);
    pipeline.AddStage(fault_stage);  // the test lab's rules; one atomic load when none
    api::AddSystemRoutes(routes, clock, service_state);
    api::AddUserRoutes(routes, keys);
    api::AddMarketRoutes(routes, engine_loop, clock);
    api::AddAccountRoutes(routes, engine_loop);
    api::AddFundingRoutes(routes, engine_loop, config.funding);
    api::AddTransferRoutes(routes, engine_loop);
    api::AddFeeRoutes(routes, engine_loop.exchange().markets());
    api::AddInfoRoutes(routes, engine_loop);
    api::AddOrderRoutes(routes, engine_loop, clock);
    api::AddFillRoutes(routes, engine_loop, clock);
    api::AddDeadCancelRoutes(routes, engine_loop, clock);
    api::AddStopOrderRoutes(routes, engine_loop);
    api::AddListedDerivativesRoutes(routes, clock);
    upstreams.AddRoutes(routes);  // [[upstream]]: operator services under their prefixes
    std::vector<boost::asio::io_context*> contexts;
    for (size_t i = 0; i < loops.size(); ++i) contexts.push_back(&loops.At(i));
    push.SetLoops(std::move(contexts));
    // Closed (maintenance, shutdown): push sessions get 501000 and close.
    service_state.Subscribe([this](ServiceStatus status, const std::string&) {
      if (status == ServiceStatus::kClose) {
        push.CloseSessions();
      } else {
        push.ReopenSessions();
      }
    });
    if (service_state.status() == ServiceStatus::kClose) push.CloseSessions();
    api::AddBulletRoutes(routes, push);
    push.hub().SetFaults(&faults);  // the test lab's connect and subscribe rules
    gateway.SetTrustedProxies(config.trusted_proxies);
    if (config.access_log.output != AccessLogConfig::Output::kOff) {
      const std::string path =
          config.access_log.path.empty()
              ? (std::filesystem::path(config.data_dir) / "access.log").string()
              : config.access_log.path;
      access_log = std::make_unique<AccessLog>(config.access_log, path);
      gateway.SetObserver(access_log.get());
      push.hub().SetObserver(access_log.get());
    }
    // The WS order API's desk reads its operations' weights from the routes above.
    wsapi_desk = std::make_unique<WsApiDesk>(engine_loop, routes, service_state);
    wsapi = std::make_unique<wsapi::WsApiService>(
        config.wsapi,
        wsapi::ConnectCheck(authenticate, config.policy, service_state, config.wsapi.path),
        rate_limit, *wsapi_desk, clock);
    wsapi->SetObserver(access_log.get());
    wsapi->SetFaults(&faults);  // the test lab's connect and operation rules
    // Closed (maintenance, shutdown): WS API sessions get 501000 and close;
    // new ones are refused at connect by ConnectCheck while closed.
    service_state.Subscribe([this](ServiceStatus status, const std::string&) {
      if (status == ServiceStatus::kClose) wsapi->CloseAll(Error(ErrorCode::kServiceStopped));
    });
    gateway.SetUpgradeHook(
        {[this](const net::HttpRequest& request) {
           return wsapi->WantsUpgrade(request) || push.WantsUpgrade(request);
         },
         [this](net::HttpRequest request, boost::beast::tcp_stream stream, const net::Peer& peer) {
           if (wsapi->WantsUpgrade(request)) {
             return wsapi->OnUpgrade(std::move(request), std::move(stream), peer);
           }
           push.OnUpgrade(std::move(request), std::move(stream), peer.ip);
         }});
    if (config.admin.listen && !config.admin.listen->empty()) AddAdminRoutes();
  }

  // The admin listener's control API (the test lab, issue 13).
  void AddAdminRoutes() {
    admin_token = admin::LoadOrCreateToken(config.admin.token, config.data_dir);
    admin_router = std::make_unique<admin::Router>(admin_token);
    lab::AddAccountRoutes(
        *admin_router, lab::AccountParts{DatabasePath(config), store::JournalPath(config.data_dir),
                                         box, keys, engine_loop, clock});
    lab::AddStatusRoutes(*admin_router, DatabasePath(config), service_state, clock);
    lab::AddFaultRoutes(*admin_router, faults);
    lab::AddLimitsRoutes(*admin_router, rate_limit);
    if (config.metrics.enabled)
      AddMetricsRoute(*admin_router, metrics, config.metrics.require_token);
    AddHealthRoutes(*admin_router,
                    HealthSources{listening, shutting_down, service_state, engine_loop, journal,
                                  std::chrono::milliseconds(config.health.deadline_ms)});
    lab::AddClockRoutes(*admin_router, time_shift, system_clock, [this] {
      // Wakes the engine: it may sleep until a GTT expiry reckoned in the old time.
      engine_loop.SubmitQuery([](const engine::Exchange&) { return engine::CommandLoop::Reply(); });
    });
  }

  // [metrics]: once every route is added (Start), the request counters join
  // the access log (if any) as what the gateway, push hub and WS API tell.
  void WireMetrics() {
    metrics = std::make_unique<ServerMetrics>(
        routes,
        MetricsSources{http, push.hub(), *wsapi, rate_limit, engine_loop, journal,
                       replayed_commands, std::chrono::milliseconds(config.health.deadline_ms)});
    AccessObserver* observer = &metrics->requests();
    if (access_log) {
      fan_out =
          std::make_unique<AccessFanOut>(std::vector<AccessObserver*>{access_log.get(), observer});
      observer = fan_out.get();
    }
    gateway.SetObserver(observer);
    push.hub().SetObserver(observer);
    wsapi->SetObserver(observer);
  }

  static store::SecretBox PrepareDataDir(const Config& config) {
    std::filesystem::create_directories(config.data_dir);
    return store::SecretBox::Load(config.master_key, config.data_dir);
  }

  Config config;
  SystemClock system_clock;
  // Server time: the real clock shifted by the test lab (admin API), for
  // the gateway and the engine alike (lab/lab_clock.h).
  lab::TimeShift time_shift;
  lab::ServerClock lab_clock;
  const Clock& clock;
  store::SecretBox box;
  store::KeyDirectory keys;
  ServiceState service_state;
  // [access_log]; before everything that reports to it, so it outlives them.
  std::unique_ptr<AccessLog> access_log;
  // [metrics] (built at Start) and, with the access log, both behind one observer.
  std::unique_ptr<ServerMetrics> metrics;
  std::unique_ptr<AccessFanOut> fan_out;
  uint64_t replayed_commands = 0;  // the journal's commands at start
  // For /readyz: the KuCoin listener accepts; a graceful shutdown began.
  std::atomic<bool> listening{false};
  std::atomic<bool> shutting_down{false};
  // `kcgate status set` rows (kcgate.db), over the config's status.
  std::unique_ptr<store::StatusWatcher> status_watcher;
  // The exchange, rebuilt from its journal (<data>/journal.db) at start.
  store::SqliteJournal journal{store::JournalPath(config.data_dir),
                               store::SqliteJournalOptions{config.journal.wal_autocheckpoint_pages,
                                                           config.journal.keep_all_batches}};
  // WebSocket push: bullet tokens, sessions, the fan-out hub (the Publisher).
  push::PushService push{config.markets ? *config.markets : engine::DefaultMarkets(), clock,
                         config.push, box.Derive("kcgate bullet tokens v1")};
  // Engine events -> push messages, published through the hub.
  push::MarketFeed feed{config.markets ? *config.markets : engine::DefaultMarkets(),
                        &push.publisher()};
  lab::EngineClock engine_clock{time_shift};
  gateway::RouteTable routes;
  gateway::Pipeline pipeline;
  gateway::Authenticate authenticate;
  gateway::MemoryRateLimits rate_counters;
  gateway::Admission admission;
  gateway::AccessPolicy access_policy;
  gateway::RateLimit rate_limit;
  FaultBook faults;  // the test lab's fault rules (admin API)
  lab::FaultStage fault_stage{faults};
  engine::CommandLoop engine_loop;
  push::FeedTimer feed_timer{&feed, &engine_loop, &engine_clock};  // throttled topics
  store::InboxPoller inbox{store::JournalPath(config.data_dir), engine_loop.exchange().markets(),
                           journal, engine_loop};
  std::unique_ptr<MarketMaker> market_maker;  // the demo market, when enabled
  // The WebSocket order API (/v1/private); before the loops, so it outlives its sessions.
  std::unique_ptr<WsApiDesk> wsapi_desk;
  std::unique_ptr<wsapi::WsApiService> wsapi;
  gateway::Gateway gateway;
  net::EventLoops loops;
  net::HttpServer http;
  // After the loops: its idle connections close before the loops go.
  upstream::Upstreams upstreams{config.upstreams};
  // The admin listener, on a loop of its own: a control call that waits (a
  // deposit becoming durable, a reset) never holds up trading traffic.
  std::string admin_token;
  std::unique_ptr<admin::Router> admin_router;
  std::unique_ptr<net::EventLoops> admin_loops;
  std::unique_ptr<net::HttpServer> admin_http;
  std::optional<boost::asio::ip::tcp::endpoint> admin_endpoint;
  bool started = false;
};

Server::Server(Config config, const Clock* clock)
    : parts_(std::make_unique<Parts>(std::move(config), clock)) {}

Server::~Server() { Stop(); }

boost::asio::ip::tcp::endpoint Server::Start() {
  auto host_port = SplitHostPort(parts_->config.listen);
  if (!host_port) throw std::runtime_error("listen must be HOST:PORT: " + parts_->config.listen);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host_port->first, ec);
  if (ec) throw std::runtime_error("listen: not an IP address: " + host_port->first);
  // Counted only where /metrics can be read: with the admin listener.
  if (parts_->config.metrics.enabled && parts_->admin_router && !parts_->metrics) {
    parts_->WireMetrics();
  }
  auto bound = parts_->http.Listen({address, host_port->second});
  parts_->listening.store(true, std::memory_order_release);
  parts_->push.SetListenEndpoint(bound);
  parts_->push.Start();
  parts_->keys.StartWatching();
  parts_->engine_loop.Start();
  parts_->feed_timer.Start();
  parts_->inbox.Start();
  parts_->status_watcher->Start();
  if (parts_->config.market_maker.enabled.value_or(false)) {
    parts_->market_maker = std::make_unique<MarketMaker>(
        parts_->config.market_maker, store::JournalPath(parts_->config.data_dir),
        parts_->engine_loop);
    parts_->market_maker->Start();
    // A fresh market trades its opening burst before the first client connects.
    if (!parts_->market_maker->WaitUntilLive(std::chrono::seconds(10))) {
      spdlog::warn("market maker: no opening trades after 10 s; serving anyway");
    }
  }
  parts_->loops.Start();
  if (parts_->admin_router) {
    auto admin = SplitHostPort(*parts_->config.admin.listen);
    if (!admin) throw std::runtime_error("admin listen must be HOST:PORT");
    auto admin_address = boost::asio::ip::make_address(admin->first, ec);
    if (ec) throw std::runtime_error("admin listen: not an IP address: " + admin->first);
    parts_->admin_loops = std::make_unique<net::EventLoops>(1);
    parts_->admin_http = std::make_unique<net::HttpServer>(
        *parts_->admin_loops, *parts_->admin_router,
        net::HttpLimits{16 * 1024, 1024 * 1024, std::chrono::milliseconds(30'000)});
    parts_->admin_endpoint = parts_->admin_http->Listen({admin_address, admin->second});
    admin::WriteAdminUrl(parts_->config.data_dir,
                         "http://" + parts_->admin_endpoint->address().to_string() + ":" +
                             std::to_string(parts_->admin_endpoint->port()));
    parts_->admin_loops->Start();
  }
  parts_->started = true;
  return bound;
}

void Server::Shutdown(std::chrono::milliseconds deadline) {
  if (!parts_->started) return;
  parts_->shutting_down.store(true, std::memory_order_release);
  parts_->http.Close();
  parts_->listening.store(false, std::memory_order_release);
  parts_->status_watcher->Stop();  // nothing reopens a server on its way out
  parts_->service_state.Set(ServiceStatus::kClose, "shutting down");
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (parts_->http.in_flight() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (const int64_t late = parts_->http.in_flight(); late > 0) {
    spdlog::warn("shutdown: {} requests still in flight after {} ms: answered 501000", late,
                 deadline.count());
    parts_->http.AnswerWaiting();
  }
  // Push sessions were told first; let their close handshakes finish (the
  // sessions drop the connection themselves 2 s after their close frame).
  const auto handshakes = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (parts_->push.hub().connections() > 0 && std::chrono::steady_clock::now() < handshakes) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Stop();
}

void Server::Stop() {
  if (!parts_->started) return;
  parts_->started = false;
  // The admin API first: its calls wait on the engine.
  if (parts_->admin_http) parts_->admin_http->Close();
  if (parts_->admin_loops) parts_->admin_loops->Stop();
  // Producers first, then the engine (it drains what is queued; completions
  // still reach clients and events still reach the hub while the loops run),
  // then the loops and the sessions on them.
  parts_->http.Close();
  parts_->listening.store(false, std::memory_order_release);
  // Its status listeners reach the push and WS API services: none may run
  // once they start going away.
  parts_->status_watcher->Stop();
  if (parts_->market_maker) parts_->market_maker->Stop();
  parts_->inbox.Stop();
  parts_->feed_timer.Stop();
  parts_->engine_loop.Stop();
  try {
    parts_->journal.RecordDigest(parts_->journal.durable_commands(),
                                 parts_->engine_loop.exchange().StateDigest());
  } catch (const std::exception& e) {
    spdlog::warn("journal state digest not recorded: {}", e.what());
  }
  parts_->loops.Stop();
  parts_->push.Stop();
  parts_->keys.StopWatching();
}

const Config& Server::config() const { return parts_->config; }
const store::SecretBox& Server::secret_box() const { return parts_->box; }
store::KeyDirectory& Server::key_directory() { return parts_->keys; }
std::string Server::database_path() const { return DatabasePath(parts_->config); }
gateway::RouteTable& Server::routes() { return parts_->routes; }
engine::CommandLoop& Server::engine_loop() { return parts_->engine_loop; }
ServiceState& Server::service_state() { return parts_->service_state; }
push::PushService& Server::push_service() { return parts_->push; }
wsapi::WsApiService& Server::wsapi_service() { return *parts_->wsapi; }
admin::Router* Server::admin_router() { return parts_->admin_router.get(); }
std::optional<boost::asio::ip::tcp::endpoint> Server::admin_endpoint() const {
  return parts_->admin_endpoint;
}
const std::string& Server::admin_token() const { return parts_->admin_token; }

}  // namespace kc::app
