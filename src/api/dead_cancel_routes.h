// KuCoin's dead-cancel-all (DCP) REST routes: POST /api/v1/hf/orders/dead-cancel-all
// sets, renews or (timeout -1) clears the caller's setting through the engine
// (engine::SetDeadCancel, journaled); GET .../dead-cancel-all/query reads it.
// The engine cancels the orders itself when the trigger time passes
// (ExpireOrders). Registered once at start-up.
#pragma once

#include "core/clock.h"
#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` and `clock` must outlive the routes.
void AddDeadCancelRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                         const Clock& clock);

}  // namespace kc::api
