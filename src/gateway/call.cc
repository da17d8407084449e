#include "gateway/call.h"

#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>

namespace kc::gateway {

namespace http = boost::beast::http;

Call::Call(net::HttpRequest request, net::Peer peer, net::Responder responder,
           RouteTable::Match match, uint64_t id)
    : request_(std::move(request)),
      peer_(std::move(peer)),
      responder_(std::move(responder)),
      match_(std::move(match)),
      id_(id) {
  std::tie(path_, raw_query_) = SplitTarget(request_.target());
  query_params_ = ParseQuery(raw_query_);
}

Call::~Call() {
  if (!responded()) {
    // A handler lost the call without answering: the client still gets one.
    spdlog::error("request {} {} dropped without an answer", id_, std::string(path_));
    Respond(ApiResponse::Fail(Error(ErrorCode::kInternal)));
  }
}

std::string_view Call::PathParam(std::string_view name) const {
  for (const auto& [key, value] : match_.params) {
    if (key == name) return value;
  }
  return {};
}

const std::string* Call::QueryParam(std::string_view name) const {
  for (const auto& [key, value] : query_params_) {
    // The official SDK (kucoin-universal-sdk) sends every unset optional
    // parameter as `name=undefined`, and KuCoin ignores them: so do we.
    if (key == name) return value.empty() || value == "undefined" ? nullptr : &value;
  }
  return nullptr;
}

std::string_view CodeOf(std::string_view body) {
  constexpr std::string_view kPrefix = R"({"code":")";
  if (!body.starts_with(kPrefix)) return {};
  body.remove_prefix(kPrefix.size());
  const size_t end = body.find('"');
  return end == std::string_view::npos ? std::string_view() : body.substr(0, end);
}

void ReportAnswer(AccessObserver& observer, const net::HttpRequest& request, const net::Peer& peer,
                  const Call* call, const ApiResponse& response,
                  std::chrono::steady_clock::time_point started) {
  RequestRecord record;
  record.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  record.client_ip = peer.ip;
  record.method = request.method_string();
  std::tie(record.path, record.query) = SplitTarget(request.target());
  if (call != nullptr) {
    record.route = call->route().pattern;
    record.route_index = static_cast<int64_t>(call->route().index);
    if (const ApiKey* key = call->api_key()) {
      record.uid = key->uid;
      record.api_key = key->key;
    }
  }
  record.status = response.status;
  record.code = CodeOf(response.body);
  record.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  record.request_bytes = request.body().size();
  record.response_bytes = response.body.size();
  observer.OnRequest(record);
}

void Call::Respond(ApiResponse response) {
  if (responded_.exchange(true, std::memory_order_acq_rel)) return;  // the first answer wins
  if (replacement_) response = std::move(*replacement_);
  if (observer_ != nullptr) ReportAnswer(*observer_, request_, peer_, this, response, started_);
  net::HttpResponse http_response(static_cast<http::status>(response.status), request_.version());
  if (response.content_type.empty()) {
    http_response.set(http::field::content_type, "application/json");
  } else {
    http_response.set(http::field::content_type, response.content_type);
  }
  if (rate_limit_.limit >= 0) {
    http_response.set("gw-ratelimit-limit", std::to_string(rate_limit_.limit));
    http_response.set("gw-ratelimit-remaining", std::to_string(rate_limit_.remaining));
    http_response.set("gw-ratelimit-reset", std::to_string(rate_limit_.reset_ms));
  }
  for (const auto& [name, value] : extra_headers_) http_response.set(name, value);
  http_response.body() = std::move(response.body);
  responder_.Send(std::move(http_response));
}

}  // namespace kc::gateway
