// KuCoin's spot account REST routes: account list and detail, ledgers
// (classic paged and HF lastId-paged), the HF-account flag, inner transfer
// between a user's main and trade accounts, and the account-mode query ccxt
// makes before its first private call. Balances are copied out of the engine
// (QueryEngine); transfers are engine commands (SubmitCommand). Registered
// once at start-up.
#pragma once

#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` must outlive the routes.
void AddAccountRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop);

}  // namespace kc::api
