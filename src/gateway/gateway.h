// kcgate's REST front: turns each HTTP request into a Call, matches its route
// (400001 when none), and runs it through the pipeline. Unreadable requests get
// 400101. Called on the connection's event loop.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "gateway/pipeline.h"
#include "gateway/route_table.h"
#include "net/http_server.h"

namespace kc::gateway {

// Where WebSocket upgrade requests go (push, the WS order API); set before serving.
struct UpgradeHook {
  std::function<bool(const net::HttpRequest&)> wants;
  std::function<void(net::HttpRequest, boost::beast::tcp_stream, const net::Peer&)> take;
};

class Gateway : public net::HttpHandler {
 public:
  Gateway(const RouteTable& routes, Pipeline& pipeline) : routes_(routes), pipeline_(pipeline) {}

  void OnRequest(net::HttpRequest request, const net::Peer& peer,
                 net::Responder responder) override;
  net::HttpResponse OnUnreadable(net::ReadFailure failure) override;
  // 501000: a request still in flight when a graceful shutdown's deadline passed.
  net::HttpResponse OnShutdown() override;
  bool WantsUpgrade(const net::HttpRequest& request) override {
    return upgrade_.wants && upgrade_.wants(request);
  }
  void OnUpgrade(net::HttpRequest request, boost::beast::tcp_stream stream,
                 const net::Peer& peer) override;
  void SetUpgradeHook(UpgradeHook hook) { upgrade_ = std::move(hook); }
  // Peers believed about X-Forwarded-For / X-Real-IP (gateway/client_address.h);
  // before serving.
  void SetTrustedProxies(std::vector<std::string> cidrs) { trusted_proxies_ = std::move(cidrs); }
  // Told of every answered request (access log, metrics); before serving.
  void SetObserver(AccessObserver* observer) { observer_ = observer; }

 private:
  const RouteTable& routes_;
  Pipeline& pipeline_;
  UpgradeHook upgrade_;
  std::vector<std::string> trusted_proxies_;
  AccessObserver* observer_ = nullptr;
  std::atomic<uint64_t> next_call_id_{1};
};

// An answer built outside a Call (no route, unreadable request).
net::HttpResponse RenderResponse(const ApiResponse& response, unsigned http_version);

}  // namespace kc::gateway
