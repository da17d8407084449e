#include "metrics/request_metrics.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "metrics/histogram.h"

namespace kc::metrics {

namespace {

size_t StatusIndex(unsigned status) {
  const auto& all = RequestMetrics::kStatuses;
  const auto* it = std::lower_bound(all.begin(), all.end(), status);
  if (it != all.end() && *it == status) return static_cast<size_t>(it - all.begin());
  return all.size();
}

// The first latency bucket whose bound (in seconds) the latency does not exceed.
size_t LatencyBucket(int64_t latency_us) {
  return BucketOf(kLatencyBounds, static_cast<double>(latency_us) / 1e6);
}

std::string_view StatusLabel(size_t index, std::string& scratch) {
  if (index >= RequestMetrics::kStatuses.size()) return "other";
  scratch = std::to_string(RequestMetrics::kStatuses[index]);
  return scratch;
}

}  // namespace

RequestMetrics::RequestMetrics(std::vector<RouteLabel> routes)
    : routes_(std::move(routes)),
      route_slots_(routes_.size() + kMethods.size() + 2),
      code_base_(route_slots_ * kPerRoute),
      code_other_(code_base_ + 2 * kCodeEntries),
      session_base_(code_other_ + 1),
      shards_(session_base_ + 4) {
  static_assert(kBucketSlots == kLatencyBounds.size() + 1);
}

size_t RequestMetrics::RouteSlot(const RequestRecord& record) const {
  if (record.route_index >= 0) {
    const auto index = static_cast<size_t>(record.route_index);
    // A route added after start (tests do): the last slot.
    return index < routes_.size() ? index : route_slots_ - 1;
  }
  const auto* it = std::find(kMethods.begin(), kMethods.end(), record.method);
  return routes_.size() + static_cast<size_t>(it - kMethods.begin());
}

void RequestMetrics::OnRequest(const RequestRecord& record) {
  std::atomic<uint64_t>* block = shards_.Local();
  const size_t base = RouteSlot(record) * kPerRoute;
  ThreadShards::Add(block, base + StatusIndex(record.status), 1);
  const int64_t latency_us = std::max<int64_t>(0, record.latency_us);
  ThreadShards::Add(block, base + kStatusSlots + LatencyBucket(latency_us), 1);
  ThreadShards::Add(block, base + kStatusSlots + kBucketSlots, static_cast<uint64_t>(latency_us));
  if (!record.code.empty()) CountCode(block, record.code);
}

void RequestMetrics::CountCode(std::atomic<uint64_t>* block, std::string_view code) const {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), value);
  if (ec != std::errc() || end != code.data() + code.size() || value > 999'999'999) {
    return ThreadShards::Add(block, code_other_, 1);
  }
  const uint64_t key = value + 1;
  // Linear probing; only this thread writes its table, so a free slot is
  // claimed by storing the count first and then publishing the key.
  for (size_t probe = 0; probe < kCodeEntries; ++probe) {
    const size_t entry = code_base_ + 2 * ((value + probe) % kCodeEntries);
    const uint64_t found = block[entry].load(std::memory_order_relaxed);
    if (found == key) return ThreadShards::Add(block, entry + 1, 1);
    if (found == 0) {
      block[entry + 1].store(1, std::memory_order_relaxed);
      block[entry].store(key, std::memory_order_release);
      return;
    }
  }
  ThreadShards::Add(block, code_other_, 1);
}

void RequestMetrics::OnSession(const SessionRecord& record) {
  const size_t kind = record.kind == SessionKind::kPush ? 0 : 1;
  shards_.Add(session_base_ + (record.opened ? 0 : 2) + kind, 1);
}

void RequestMetrics::Render(Exposition& out) const {
  std::vector<uint64_t> totals(shards_.slots(), 0);
  std::map<uint64_t, uint64_t> codes;  // code -> answers, ordered for the output
  shards_.ForEachBlock([&](const std::atomic<uint64_t>* block) {
    for (size_t i = 0; i < code_base_; ++i) totals[i] += block[i].load(std::memory_order_relaxed);
    for (size_t i = code_other_; i < totals.size(); ++i) {
      totals[i] += block[i].load(std::memory_order_relaxed);
    }
    for (size_t e = 0; e < kCodeEntries; ++e) {
      const uint64_t key = block[code_base_ + 2 * e].load(std::memory_order_acquire);
      if (key != 0) codes[key - 1] += block[code_base_ + 2 * e + 1].load(std::memory_order_relaxed);
    }
  });

  auto labels_of = [&](size_t slot, std::string_view& route, std::string_view& method) {
    if (slot < routes_.size()) {
      route = routes_[slot].pattern;
      method = routes_[slot].method;
    } else if (slot == route_slots_ - 1) {
      route = "other";
      method = "other";
    } else {
      route = "unmatched";
      const size_t m = slot - routes_.size();
      method = m < kMethods.size() ? kMethods[m] : std::string_view("other");
    }
  };

  std::string scratch;
  out.Family("kcgate_http_requests_total", "counter",
             "REST requests answered on the KuCoin listener, by route pattern, method and HTTP "
             "status (route=\"unmatched\": no route, answered 400001).");
  for (size_t slot = 0; slot < route_slots_; ++slot) {
    std::string_view route, method;
    labels_of(slot, route, method);
    for (size_t s = 0; s < kStatusSlots; ++s) {
      const uint64_t count = totals[slot * kPerRoute + s];
      if (count == 0) continue;
      const Label labels[] = {
          {"route", route}, {"method", method}, {"status", StatusLabel(s, scratch)}};
      out.Sample("kcgate_http_requests_total", labels, count);
    }
  }

  out.Family("kcgate_http_request_duration_seconds", "histogram",
             "Time from the request read to its answer handed to the socket, by route.");
  for (size_t slot = 0; slot < route_slots_; ++slot) {
    const size_t base = slot * kPerRoute;
    uint64_t any = 0;
    for (size_t s = 0; s < kStatusSlots; ++s) any += totals[base + s];
    if (any == 0) continue;
    std::string_view route, method;
    labels_of(slot, route, method);
    const Label labels[] = {{"route", route}, {"method", method}};
    out.Histogram("kcgate_http_request_duration_seconds", labels, kLatencyBounds,
                  std::span<const uint64_t>(&totals[base + kStatusSlots], kBucketSlots),
                  static_cast<double>(totals[base + kStatusSlots + kBucketSlots]) / 1e6);
  }

  out.Family("kcgate_kucoin_answers_total", "counter",
             "REST answers by the KuCoin code in their body (200000, 400005, 429000, ...); "
             "code=\"other\": not a number, or past 128 distinct codes on one event loop.");
  for (const auto& [code, count] : codes) {
    const std::string label = std::to_string(code);
    out.Sample("kcgate_kucoin_answers_total", {{"code", label}}, count);
  }
  if (totals[code_other_] != 0) {
    out.Sample("kcgate_kucoin_answers_total", {{"code", "other"}}, totals[code_other_]);
  }

  out.Family("kcgate_sessions_opened_total", "counter",
             "WebSocket sessions welcomed (push) or signed in (WS API), by kind.");
  out.Sample("kcgate_sessions_opened_total", {{"kind", "push"}}, totals[session_base_]);
  out.Sample("kcgate_sessions_opened_total", {{"kind", "wsapi"}}, totals[session_base_ + 1]);
  out.Family("kcgate_sessions_closed_total", "counter",
             "WebSocket sessions ended, by kind (WS API: also those refused before sign-in).");
  out.Sample("kcgate_sessions_closed_total", {{"kind", "push"}}, totals[session_base_ + 2]);
  out.Sample("kcgate_sessions_closed_total", {{"kind", "wsapi"}}, totals[session_base_ + 3]);
}

}  // namespace kc::metrics
