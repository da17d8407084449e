// KuCoin's transfer routes beside inner transfer (account_routes.h): the
// transfer quota of one account (GET /api/v1/accounts/transferable) and the
// flex transfer (POST /api/v3/accounts/universal-transfer, what ccxt's
// transfer() and the official SDK's flexTransfer call) between a user's own
// MAIN and TRADE accounts, an engine InnerTransfer like inner transfer's.
// Registered once at start-up.
#pragma once

#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` must outlive the routes.
void AddTransferRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop);

}  // namespace kc::api
