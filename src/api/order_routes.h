// KuCoin's spot order REST routes, classic (/api/v1/orders...) and
// high-frequency (/api/v1/hf/orders...): place (single, batch, sync, test),
// cancel (by id, by clientOid, all), amend, and the order queries. Bodies are
// read by api/order_request.h; orders go to the engine as commands
// (SubmitCommand) and answers are rendered from what the engine reports after
// the command is applied (so the "sync" routes show the state after matching).
// Registered once at start-up.
#pragma once

#include "core/clock.h"
#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` and `clock` must outlive the routes.
void AddOrderRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock);

}  // namespace kc::api
