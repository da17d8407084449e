// kcgate's REST front: turns each HTTP request into a Call, matches its route
// (400001 when none), and runs it through the pipeline. Unreadable requests get
// 400101. Called on the connection's event loop.
#pragma once

#include <atomic>

#include "gateway/pipeline.h"
#include "gateway/route_table.h"
#include "net/http_server.h"

namespace kc::gateway {

class Gateway : public net::HttpHandler {
 public:
  Gateway(const RouteTable& routes, Pipeline& pipeline) : routes_(routes), pipeline_(pipeline) {}

  void OnRequest(net::HttpRequest request, const net::Peer& peer,
                 net::Responder responder) override;
  net::HttpResponse OnUnreadable(net::ReadFailure failure) override;

 private:
  const RouteTable& routes_;
  Pipeline& pipeline_;
  std::atomic<uint64_t> next_call_id_{1};
};

// An answer built outside a Call (no route, unreadable request).
net::HttpResponse RenderResponse(const ApiResponse& response, unsigned http_version);

}  // namespace kc::gateway
