// KuCoin's request quotas: resource pools (Spot, Futures, Management, Public,
// Earn) counted over 30-second windows, per UID (per IP for Public), each
// request costing its route's weight; plus a node-wide ceiling (429001) and a
// per-connection share (429002). The counters live behind RateLimitBackend:
// in memory by default (sharded, thread-safe), Redis when clustered.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "gateway/pipeline.h"

namespace kc::gateway {

struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_ms = 0;  // until the window ends
};

// Fixed windows keyed by a bucket name. Thread-safe.
class RateLimitBackend {
 public:
  virtual ~RateLimitBackend() = default;
  // Spends `weight` from `bucket` when it fits in `limit` for the current
  // window (which starts at the bucket's first use and lasts `window_ms`).
  virtual RateDecision Consume(std::string_view bucket, int64_t weight, int64_t limit,
                               int64_t window_ms, int64_t now_ms) = 0;
  // The decision a request of weight 0 would get now, spending nothing (the
  // test lab's limits view). The default starts the window as a request would.
  virtual RateDecision Peek(std::string_view bucket, int64_t limit, int64_t window_ms,
                            int64_t now_ms) {
    return Consume(bucket, 0, limit, window_ms, now_ms);
  }
  // Forgets every window (the test lab's limits reset).
  virtual void Clear() {}
};

class MemoryRateLimits final : public RateLimitBackend {
 public:
  RateDecision Consume(std::string_view bucket, int64_t weight, int64_t limit, int64_t window_ms,
                       int64_t now_ms) override;
  RateDecision Peek(std::string_view bucket, int64_t limit, int64_t window_ms,
                    int64_t now_ms) override;
  void Clear() override;

 private:
  struct Window {
    int64_t start_ms = 0;
    int64_t used = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Window> windows;  // guarded by mutex
    int64_t last_sweep_ms = 0;                        // guarded by mutex
  };
  static constexpr size_t kShards = 32;
  std::array<Shard, kShards> shards_;
};

// Quotas per 30 s window (KuCoin's VIP 0 figures by default).
struct RateLimitOptions {
  bool enabled = true;
  int64_t window_ms = 30'000;
  int64_t spot = 4000;
  int64_t futures = 2000;
  int64_t management = 2000;
  int64_t public_per_ip = 2000;
  int64_t earn = 2000;
  // Node-wide requests per second across all clients; 0 = no ceiling.
  int64_t node_per_second = 0;
  // Weight one connection may spend per window; 0 = no per-connection share.
  int64_t per_connection = 0;
};

// The rate-limit stage. Records the pool decision on the call so the response
// carries gw-ratelimit-limit/-remaining/-reset.
class RateLimit final : public Stage {
 public:
  RateLimit(RateLimitBackend& backend, const Clock& clock, RateLimitOptions options)
      : backend_(backend), clock_(clock), options_(options) {}

  StageResult Run(Call& call) override;

  // What Run spends for one request, shared with the WebSocket order API
  // (whose requests draw on the same pools): the node ceiling (429001), the
  // connection's share (429002), then `weight` from `pool` of `owner`
  // ("uid:<uid>", or "ip:<ip>" for Public), whose decision goes to
  // `pool_decision` when the pool was consulted. nullopt: allowed. Any thread.
  std::optional<Error> Consume(std::string_view owner, RatePool pool, int64_t weight,
                               uint64_t connection_id, RateDecision* pool_decision);
  static std::string UidOwner(int64_t uid) { return "uid:" + std::to_string(uid); }
  // Each pool of `owner` as its next request would see it (the test lab's
  // limits view): Public for an "ip:" owner, the UID pools for a "uid:" one.
  struct PoolView {
    RatePool pool;
    RateDecision decision;
  };
  std::vector<PoolView> View(std::string_view owner) const;
  // Every window forgotten: the next requests start afresh.
  void ResetWindows() { backend_.Clear(); }
  const RateLimitOptions& options() const { return options_; }
  // Requests refused so far (metrics; any thread): per pool (429000), by
  // the node ceiling (429001) and by a connection's share (429002).
  struct Refusals {
    std::array<uint64_t, 5> pools{};  // indexed by RatePool
    uint64_t node = 0;
    uint64_t connection = 0;
  };
  Refusals refusals() const;

 private:
  int64_t PoolLimit(RatePool pool) const;
  void CountRefusal(size_t slot) { refused_[slot].fetch_add(1, std::memory_order_relaxed); }

  RateLimitBackend& backend_;
  const Clock& clock_;
  RateLimitOptions options_;
  // Per RatePool, then node, then connection; a refusal is rare, so one
  // shared relaxed counter each costs the allowed path nothing.
  std::array<std::atomic<uint64_t>, 7> refused_{};
};

}  // namespace kc::gateway
