#include "gateway/gateway.h"

#include <boost/beast/http/field.hpp>

#include "gateway/client_address.h"

namespace kc::gateway {

namespace http = boost::beast::http;

net::HttpResponse RenderResponse(const ApiResponse& response, unsigned http_version) {
  net::HttpResponse out(static_cast<http::status>(response.status), http_version);
  out.set(http::field::content_type, "application/json");
  out.body() = response.body;
  return out;
}

void Gateway::OnRequest(net::HttpRequest request, const net::Peer& peer, net::Responder responder) {
  auto [path, query] = SplitTarget(request.target());
  auto match = routes_.Find(request.method(), path);
  net::Peer client = peer;
  if (!trusted_proxies_.empty()) client.ip = ClientAddress(request, peer.ip, trusted_proxies_);
  if (!match) {
    const auto started = std::chrono::steady_clock::now();
    const ApiResponse answer = ApiResponse::Fail(Error(ErrorCode::kUrlNotFound));
    if (observer_ != nullptr) ReportAnswer(*observer_, request, client, nullptr, answer, started);
    responder.Send(RenderResponse(answer, request.version()));
    return;
  }
  auto call = std::make_shared<Call>(std::move(request), std::move(client), std::move(responder),
                                     std::move(*match),
                                     next_call_id_.fetch_add(1, std::memory_order_relaxed));
  call->set_observer(observer_);
  pipeline_.Run(call);
}

void Gateway::OnUpgrade(net::HttpRequest request, boost::beast::tcp_stream stream,
                        const net::Peer& peer) {
  net::Peer client = peer;
  client.ip = ClientAddress(request, peer.ip, trusted_proxies_);
  upgrade_.take(std::move(request), std::move(stream), client);
}

net::HttpResponse Gateway::OnShutdown() {
  return RenderResponse(ApiResponse::Fail(Error(ErrorCode::kServiceStopped)), 11);
}

net::HttpResponse Gateway::OnUnreadable(net::ReadFailure /*failure*/) {
  return RenderResponse(ApiResponse::Fail(Error(ErrorCode::kInvalidRequestData)), 11);
}

}  // namespace kc::gateway
