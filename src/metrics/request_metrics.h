// Request metrics: an AccessObserver (core/access_events.h) that counts every
// answered REST request by route, method and HTTP status, its latency in a
// histogram by route, the KuCoin code it answered, and the push / WS API
// sessions opened and closed. Render writes them for GET /metrics.
//
// Cost on the request path: no lock and no atomic read-modify-write. Routes
// are known at start (their RouteTable index is the record's route_index),
// so a request finds its counters by index; counters live in per-thread
// blocks (metrics/thread_shards.h), each written only by its event loop.
// KuCoin codes are not known in advance (handlers and upstreams answer their
// own): each block keeps a small open-addressed table of code -> count that
// only its thread inserts into.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/access_events.h"
#include "metrics/exposition.h"
#include "metrics/thread_shards.h"

namespace kc::metrics {

// A route's labels, by its index in the route table.
struct RouteLabel {
  std::string pattern;  // "/api/v1/orders/{orderId}"
  std::string method;   // "GET"
};

class RequestMetrics final : public AccessObserver {
 public:
  explicit RequestMetrics(std::vector<RouteLabel> routes);

  void OnRequest(const RequestRecord& record) override;
  void OnSession(const SessionRecord& record) override;

  // kcgate_http_requests_total, kcgate_http_request_duration_seconds,
  // kcgate_kucoin_answers_total, kcgate_sessions_{opened,closed}_total.
  void Render(Exposition& out) const;

  // HTTP statuses with a counter of their own; others count as "other".
  static constexpr std::array<unsigned, 15> kStatuses = {200, 400, 401, 403, 404, 405, 408, 413,
                                                         429, 431, 500, 501, 502, 503, 504};
  // Methods of requests no route matched (route="unmatched").
  static constexpr std::array<std::string_view, 7> kMethods = {"GET",   "POST", "PUT",    "DELETE",
                                                               "PATCH", "HEAD", "OPTIONS"};

 private:
  // One route slot: a counter per status (+ other), then the latency
  // buckets (+ the one past every bound), then the latency sum in microseconds.
  static constexpr size_t kStatusSlots = kStatuses.size() + 1;
  static constexpr size_t kBucketSlots = 17;
  static constexpr size_t kPerRoute = kStatusSlots + kBucketSlots + 1;
  // The code table: key (code + 1; 0 = free) and count pairs, then the
  // counter of codes that found the table full or were not a number.
  static constexpr size_t kCodeEntries = 128;

  size_t RouteSlot(const RequestRecord& record) const;
  void CountCode(std::atomic<uint64_t>* block, std::string_view code) const;

  std::vector<RouteLabel> routes_;
  // Slots: routes, then one per kMethods (+1 for any other method) for
  // requests no route matched, then one for a route added after start.
  size_t route_slots_;
  size_t code_base_;     // first slot of the code table
  size_t code_other_;    // codes past the table
  size_t session_base_;  // opened/closed x push/wsapi
  ThreadShards shards_;
};

}  // namespace kc::metrics
