// KuCoin's deposit and withdrawal REST routes, simulated (kcgate moves no
// coins): deposit history (the admin's credits), deposit addresses (stable
// per user and chain, api/deposit_address.h), withdrawals (engine commands
// that hold the funds and complete after a delay), their history, cancel and
// quotas. Chains, limits and fees come from the currencies' chains
// (engine::ChainSpec). Registered once at start-up.
#pragma once

#include <cstdint>

#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// [funding] in the config.
struct FundingOptions {
  // A withdrawal moves PROCESSING -> SUCCESS this long after it is made.
  std::int64_t withdrawal_delay_ms = 5000;
  // false: withdrawals stay PROCESSING until canceled (a lab can test that).
  bool complete_withdrawals = true;
};

// `loop` must outlive the routes.
void AddFundingRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                      FundingOptions options);

}  // namespace kc::api
