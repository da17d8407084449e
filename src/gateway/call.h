// One REST request on its way through the gateway: the parsed request, the
// matched route, what the stages learned (the API key), and the one way out
// (Respond). Owned by shared_ptr so a handler may answer later from another
// thread (the engine's); Respond may be called from any thread, once.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access_events.h"
#include "core/error.h"
#include "gateway/api_key.h"
#include "gateway/api_response.h"
#include "gateway/query.h"
#include "gateway/route_table.h"
#include "net/http_server.h"

namespace kc::gateway {

class Pipeline;

class Call : public std::enable_shared_from_this<Call> {
 public:
  Call(net::HttpRequest request, net::Peer peer, net::Responder responder, RouteTable::Match match,
       uint64_t id);
  ~Call();

  const net::HttpRequest& request() const { return request_; }
  const net::Peer& peer() const { return peer_; }
  const Route& route() const { return *match_.route; }
  uint64_t id() const { return id_; }

  std::string_view target() const { return request_.target(); }
  std::string_view path() const { return path_; }
  std::string_view raw_query() const { return raw_query_; }
  std::string_view body() const { return request_.body(); }
  // The event loop the client's connection lives on.
  boost::asio::any_io_executor executor() const { return responder_.executor(); }

  // The {name} segment of the route pattern, decoded; empty if absent.
  std::string_view PathParam(std::string_view name) const;
  // The first query parameter `name`, decoded; nullptr if absent, empty or
  // "undefined" (what the official SDK sends for unset optional parameters).
  const std::string* QueryParam(std::string_view name) const;
  const QueryParams& query_params() const { return query_params_; }

  // Set by the authentication stage on private routes; null on public ones.
  const ApiKey* api_key() const { return api_key_.get(); }
  void set_api_key(std::shared_ptr<const ApiKey> key) { api_key_ = std::move(key); }

  // The rate-limit stage's verdict, sent back as gw-ratelimit-* headers.
  void set_rate_decision(int64_t limit, int64_t remaining, int64_t reset_ms) {
    rate_limit_ = {limit, remaining, reset_ms};
  }

  // Told of the answer when it is sent (access log, metrics); before Respond.
  void set_observer(AccessObserver* observer) { observer_ = observer; }

  void Respond(ApiResponse response);
  void Fail(const Error& error) { Respond(ApiResponse::Fail(error)); }
  bool responded() const { return responded_.load(std::memory_order_acquire); }
  // The test lab's faults (lab/fault_stage.h). Drop: no answer, the
  // connection closes. ReplaceAnswer: before the handler runs; whatever it
  // answers, the client gets `answer` (the request executed, the client saw
  // a failure).
  // An extra response header (the lab's kc-explain).
  void AddHeader(std::string name, std::string value) {
    extra_headers_.emplace_back(std::move(name), std::move(value));
  }
  void Drop() { responded_.store(true, std::memory_order_release); }
  void ReplaceAnswer(ApiResponse answer) {
    replacement_ = std::make_unique<ApiResponse>(std::move(answer));
  }

  // Pipeline bookkeeping: the next stage to run.
  size_t next_stage = 0;
  Pipeline* pipeline = nullptr;

 private:
  net::HttpRequest request_;
  net::Peer peer_;
  net::Responder responder_;
  RouteTable::Match match_;
  uint64_t id_;
  std::string_view path_;
  std::string_view raw_query_;
  QueryParams query_params_;
  std::shared_ptr<const ApiKey> api_key_;
  struct RateHeaders {
    int64_t limit = -1;  // -1: no decision made
    int64_t remaining = 0;
    int64_t reset_ms = 0;
  } rate_limit_;
  std::atomic<bool> responded_{false};
  std::unique_ptr<ApiResponse> replacement_;  // set before the handler runs
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  AccessObserver* observer_ = nullptr;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// KuCoin's code at the start of an answer body ({"code":"400005",...}); empty
// when the body does not start so.
std::string_view CodeOf(std::string_view body);
// The access record of an answer; `call` null for a request no route matched.
void ReportAnswer(AccessObserver& observer, const net::HttpRequest& request, const net::Peer& peer,
                  const Call* call, const ApiResponse& response,
                  std::chrono::steady_clock::time_point started);

}  // namespace kc::gateway
