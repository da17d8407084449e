#include "upstream/options.h"

#include <bit>

namespace kc::upstream {

std::optional<gateway::RatePool> ParseRatePool(std::string_view name) {
  using gateway::RatePool;
  if (name == "public") return RatePool::kPublic;
  if (name == "spot") return RatePool::kSpot;
  if (name == "management") return RatePool::kManagement;
  if (name == "futures") return RatePool::kFutures;
  if (name == "earn") return RatePool::kEarn;
  return std::nullopt;
}

std::optional<gateway::Permission> ParsePermission(std::string_view name) {
  auto parsed = gateway::Permissions::Parse(name);
  if (!parsed || std::popcount(parsed->bits()) != 1) return std::nullopt;
  return static_cast<gateway::Permission>(parsed->bits());
}

}  // namespace kc::upstream
