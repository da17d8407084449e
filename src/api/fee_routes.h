// KuCoin's spot fee reads: the basic fee rate (GET /api/v1/base-fee) and the
// actual rates of up to 10 symbols (GET /api/v1/trade-fees?symbols=A,B, what
// ccxt's fetchTradingFee and the official SDK's getSpotActualFee call). They
// answer the rates the engine charges: each symbol's configured maker and
// taker rate ([[markets.symbols]]), the same for every user. Registered once
// at start-up.
#pragma once

#include "engine/markets.h"
#include "gateway/route_table.h"

namespace kc::api {

// `markets` must outlive the routes.
void AddFeeRoutes(gateway::RouteTable& routes, const engine::MarketConfig& markets);

// The basic rates: those most symbols charge (ties: the first symbol's).
std::pair<std::int64_t, std::int64_t> BasicFeeRates(const engine::MarketConfig& markets);

}  // namespace kc::api
