// The push service as the rest of kcgate sees it: bullet tokens and the
// instance server to announce (for api/bullet_routes), the WebSocket upgrade
// entry (for the gateway's upgrade hook), and the Publisher (for the
// market-data feed). Owned by app::Server; constructed before the loops run.
// SetLoops, SetListenEndpoint, Start and Stop are called by app::Server only;
// everything else is thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "engine/markets.h"
#include "push/bullet_tokens.h"
#include "push/hub.h"
#include "push/options.h"
#include "push/topics.h"

namespace kc::push {

using UpgradeRequest = boost::beast::http::request<boost::beast::http::string_body>;

// One entry of the bullet answer's instanceServers.
struct InstanceServer {
  std::string endpoint;  // "ws://127.0.0.1:8080/"
  bool encrypt = false;  // wss://
  int64_t ping_interval_ms = 0;
  int64_t ping_timeout_ms = 0;
};

class PushService {
 public:
  // May be built before the event loops exist (the feed needs the Publisher
  // while the engine replays its journal).
  // `token_secret` seals bullet tokens (a random one per process without it).
  PushService(const engine::MarketConfig& markets, const Clock& clock, Options options,
              std::optional<BulletTokens::Secret> token_secret = std::nullopt);

  // The loops sessions run on; once, before serving.
  void SetLoops(std::vector<boost::asio::io_context*> loops) { hub_.SetLoops(std::move(loops)); }
  // The address the HTTP server is bound to; the default endpoint derives from it.
  void SetListenEndpoint(const boost::asio::ip::tcp::endpoint& bound);
  void Start() { hub_.Start(); }
  // After the loops have stopped.
  void Stop() { hub_.Stop(); }
  // Maintenance and shutdown: sessions get 501000 and close; new ones too
  // until ReopenSessions. Any thread.
  void CloseSessions() { hub_.CloseAll(); }
  void ReopenSessions() { hub_.Reopen(); }

  InstanceServer instance_server() const;
  const BulletTokens& tokens() const { return tokens_; }
  Publisher& publisher() { return hub_; }
  Hub& hub() { return hub_; }
  const Options& options() const { return options_; }

  // Whether an HTTP upgrade request is for the push endpoint (its path, or
  // KuCoin's "/" and "/endpoint").
  bool WantsUpgrade(const UpgradeRequest& request) const;
  // Completes the WebSocket handshake on the connection's loop and starts a
  // session; the token is checked after the handshake, as KuCoin answers a
  // bad one with an error frame.
  void OnUpgrade(UpgradeRequest request, boost::beast::tcp_stream stream, std::string peer_ip);

 private:
  Options options_;
  BulletTokens tokens_;
  TopicRegistry topics_;
  Hub hub_;
  std::string endpoint_;       // what the bullet answer announces
  std::string endpoint_path_;  // its path, e.g. "/"
};

}  // namespace kc::push
