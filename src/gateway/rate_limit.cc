#include "gateway/rate_limit.h"

#include <functional>

#include "gateway/call.h"

namespace kc::gateway {

RateDecision MemoryRateLimits::Consume(std::string_view bucket, int64_t weight, int64_t limit,
                                       int64_t window_ms, int64_t now_ms) {
  Shard& shard = shards_[std::hash<std::string_view>{}(bucket) % kShards];
  std::lock_guard lock(shard.mutex);
  // Forget finished windows now and then, so idle clients cost nothing.
  if (now_ms - shard.last_sweep_ms > window_ms) {
    std::erase_if(shard.windows,
                  [&](const auto& entry) { return now_ms - entry.second.start_ms >= window_ms; });
    shard.last_sweep_ms = now_ms;
  }
  auto [it, inserted] = shard.windows.try_emplace(std::string(bucket));
  Window& window = it->second;
  if (inserted || now_ms - window.start_ms >= window_ms || now_ms < window.start_ms) {
    window = Window{now_ms, 0};
  }
  RateDecision decision;
  decision.limit = limit;
  decision.reset_ms = window.start_ms + window_ms - now_ms;
  decision.allowed = window.used + weight <= limit;
  if (decision.allowed) window.used += weight;
  decision.remaining = limit - window.used;
  return decision;
}

RateDecision MemoryRateLimits::Peek(std::string_view bucket, int64_t limit, int64_t window_ms,
                                    int64_t now_ms) {
  Shard& shard = shards_[std::hash<std::string_view>{}(bucket) % kShards];
  std::lock_guard lock(shard.mutex);
  RateDecision decision{true, limit, limit, window_ms};
  auto it = shard.windows.find(std::string(bucket));
  if (it == shard.windows.end() || now_ms - it->second.start_ms >= window_ms ||
      now_ms < it->second.start_ms) {
    return decision;  // the next request opens a fresh window
  }
  decision.remaining = limit - it->second.used;
  decision.allowed = decision.remaining > 0;
  decision.reset_ms = it->second.start_ms + window_ms - now_ms;
  return decision;
}

void MemoryRateLimits::Clear() {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.windows.clear();
  }
}

std::vector<RateLimit::PoolView> RateLimit::View(std::string_view owner) const {
  std::vector<PoolView> out;
  const bool by_ip = owner.starts_with("ip:");
  const int64_t now = clock_.NowMs();
  for (RatePool pool : {RatePool::kPublic, RatePool::kSpot, RatePool::kManagement,
                        RatePool::kFutures, RatePool::kEarn}) {
    if ((pool == RatePool::kPublic) != by_ip) continue;
    std::string bucket(owner);
    bucket += ':';
    bucket += std::to_string(static_cast<int>(pool));
    out.push_back({pool, backend_.Peek(bucket, PoolLimit(pool), options_.window_ms, now)});
  }
  return out;
}

int64_t RateLimit::PoolLimit(RatePool pool) const {
  switch (pool) {
    case RatePool::kPublic:
      return options_.public_per_ip;
    case RatePool::kSpot:
      return options_.spot;
    case RatePool::kManagement:
      return options_.management;
    case RatePool::kFutures:
      return options_.futures;
    case RatePool::kEarn:
      return options_.earn;
  }
  return options_.spot;
}

std::optional<Error> RateLimit::Consume(std::string_view owner, RatePool pool, int64_t weight,
                                        uint64_t connection_id, RateDecision* pool_decision) {
  if (!options_.enabled) return std::nullopt;
  const int64_t now = clock_.NowMs();
  if (options_.node_per_second > 0 &&
      !backend_.Consume("node", 1, options_.node_per_second, 1000, now).allowed) {
    CountRefusal(5);
    return Error(ErrorCode::kSystemRateLimit);
  }
  if (options_.per_connection > 0 && !backend_
                                          .Consume("conn:" + std::to_string(connection_id), weight,
                                                   options_.per_connection, options_.window_ms, now)
                                          .allowed) {
    CountRefusal(6);
    return Error(ErrorCode::kConnectionRateLimit);
  }
  std::string bucket(owner);
  bucket += ':';
  bucket += std::to_string(static_cast<int>(pool));
  const RateDecision decision =
      backend_.Consume(bucket, weight, PoolLimit(pool), options_.window_ms, now);
  if (pool_decision != nullptr) *pool_decision = decision;
  if (!decision.allowed) {
    CountRefusal(static_cast<size_t>(pool));
    return Error(ErrorCode::kUidRateLimit);
  }
  return std::nullopt;
}

RateLimit::Refusals RateLimit::refusals() const {
  Refusals out;
  for (size_t i = 0; i < out.pools.size(); ++i) {
    out.pools[i] = refused_[i].load(std::memory_order_relaxed);
  }
  out.node = refused_[5].load(std::memory_order_relaxed);
  out.connection = refused_[6].load(std::memory_order_relaxed);
  return out;
}

StageResult RateLimit::Run(Call& call) {
  if (!options_.enabled) return StageResult::kContinue;
  const Route& route = call.route();
  // Public is counted per IP; the other pools per UID (a private route always
  // has a key by now).
  const std::string owner = route.pool == RatePool::kPublic || call.api_key() == nullptr
                                ? "ip:" + call.peer().ip
                                : UidOwner(call.api_key()->uid);
  RateDecision decision;
  decision.limit = -1;
  auto refusal = Consume(owner, route.pool, route.weight, call.peer().connection_id, &decision);
  if (decision.limit >= 0) {
    call.set_rate_decision(decision.limit, decision.remaining, decision.reset_ms);
  }
  if (refusal) {
    call.Fail(*refusal);
    return StageResult::kResponded;
  }
  return StageResult::kContinue;
}

}  // namespace kc::gateway
