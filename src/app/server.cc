#include "app/server.h"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api/system_routes.h"
#include "core/service_state.h"
#include "engine/clock.h"
#include "engine/command_loop.h"
#include "engine/journal.h"
#include "engine/markets.h"
#include "gateway/authenticate.h"
#include "gateway/gateway.h"
#include "net/event_loops.h"
#include "net/http_server.h"
#include "store/key_directory.h"
#include "store/secret_box.h"

namespace kc::app {

std::string DatabasePath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "kcgate.db").string();
}

struct Server::Parts {
  Parts(Config c, const Clock* external_clock)
      : config(std::move(c)),
        clock(external_clock ? *external_clock : system_clock),
        box(PrepareDataDir(config)),
        keys(DatabasePath(config), box),
        authenticate(keys, clock,
                     gateway::AuthOptions{config.timestamp_window_ms, gateway::DefaultPartners()}),
        engine_loop(engine::DefaultMarkets(), engine::ExchangeOptions{}, &journal, &events,
                    &engine_clock),
        gateway(routes, pipeline),
        loops(config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency())),
        http(loops, gateway,
             net::HttpLimits{config.header_limit_bytes, config.body_limit_bytes,
                             std::chrono::milliseconds(config.read_timeout_ms)}) {
    pipeline.AddStage(authenticate);
    api::AddSystemRoutes(routes, clock, service_state);
    api::AddUserRoutes(routes, keys);
  }

  static store::SecretBox PrepareDataDir(const Config& config) {
    std::filesystem::create_directories(config.data_dir);
    return store::SecretBox::Load(config.master_key, config.data_dir);
  }

  Config config;
  SystemClock system_clock;
  const Clock& clock;
  store::SecretBox box;
  store::KeyDirectory keys;
  ServiceState service_state;
  // The exchange. TODO(journal): the in-memory journal is replaced by the
  // SQLite journal in store/ so acknowledged commands survive a restart.
  engine::MemoryJournal journal;
  engine::NullEventSink events;
  engine::SystemClock engine_clock;
  gateway::RouteTable routes;
  gateway::Pipeline pipeline;
  gateway::Authenticate authenticate;
  engine::CommandLoop engine_loop;
  gateway::Gateway gateway;
  net::EventLoops loops;
  net::HttpServer http;
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
  auto bound = parts_->http.Listen({address, host_port->second});
  parts_->keys.StartWatching();
  parts_->engine_loop.Start();
  parts_->loops.Start();
  parts_->started = true;
  return bound;
}

void Server::Stop() {
  if (!parts_->started) return;
  parts_->started = false;
  parts_->http.Close();
  parts_->loops.Stop();
  parts_->engine_loop.Stop();
  parts_->keys.StopWatching();
}

const Config& Server::config() const { return parts_->config; }
const store::SecretBox& Server::secret_box() const { return parts_->box; }
store::KeyDirectory& Server::key_directory() { return parts_->keys; }
std::string Server::database_path() const { return DatabasePath(parts_->config); }
gateway::RouteTable& Server::routes() { return parts_->routes; }
engine::CommandLoop& Server::engine_loop() { return parts_->engine_loop; }

}  // namespace kc::app
