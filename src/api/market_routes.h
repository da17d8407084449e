// KuCoin's spot market-data REST routes: symbols, currencies, markets,
// tickers, 24h stats, order books (level1, level2_20/100, the signed full
// depth), trade history and candles. Static attributes come from the
// MarketConfig (read-only after start); live data is copied out of the engine
// with QueryEngine (api/engine_calls.h). Registered once at start-up.
#pragma once

#include "core/clock.h"
#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` and `clock` must outlive the routes.
void AddMarketRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock);

}  // namespace kc::api
