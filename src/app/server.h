// The one place that wires kcgate's modules into a running server: event
// loops, HTTP listener, gateway pipeline and routes, key store. Used by main
// and by the integration tests (which bind port 0).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "core/clock.h"
#include "core/service_state.h"

namespace kc::admin {
class Router;
}  // namespace kc::admin

namespace kc::engine {
class CommandLoop;
}  // namespace kc::engine

namespace kc::gateway {
class RouteTable;
}  // namespace kc::gateway

namespace kc::push {
class PushService;
}  // namespace kc::push

namespace kc::wsapi {
class WsApiService;
}  // namespace kc::wsapi

namespace kc::store {
class KeyDirectory;
class SecretBox;
}  // namespace kc::store

namespace kc::app {

class Server {
 public:
  // `clock` may be null (system clock). Creates the data directory.
  explicit Server(Config config, const Clock* clock = nullptr);
  ~Server();

  // Binds config.listen and starts serving; returns the bound endpoint.
  boost::asio::ip::tcp::endpoint Start();
  // Graceful stop (SIGTERM): stop accepting; status close, so push sessions
  // get the 501000 notice and a close frame and new requests 501000; wait up
  // to `deadline` for the requests in flight, answer those still waiting
  // 501000; then Stop (the engine finishes and journals what it took).
  void Shutdown(std::chrono::milliseconds deadline);
  void Stop();

  const Config& config() const;
  const store::SecretBox& secret_box() const;
  store::KeyDirectory& key_directory();
  std::string database_path() const;
  // The route table; routes may be added until Start (tests add probe routes).
  gateway::RouteTable& routes();
  engine::CommandLoop& engine_loop();
  // Open, closed for maintenance (501000) or cancel-only, as /api/v1/status says.
  ServiceState& service_state();
  // The WebSocket push service (its publisher() feeds the sessions).
  push::PushService& push_service();
  // The WebSocket order API (its CloseAll ends every session, e.g. with 501000).
  wsapi::WsApiService& wsapi_service();
  // The admin listener ([admin] listen): its router (routes may be added
  // until Start; null when the listener is off), its bound endpoint (after
  // Start) and its bearer token.
  admin::Router* admin_router();
  std::optional<boost::asio::ip::tcp::endpoint> admin_endpoint() const;
  const std::string& admin_token() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace kc::app
