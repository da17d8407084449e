// KuCoin's spot fill REST routes: /api/v1/fills (paged), /api/v1/hf/fills
// (lastId paging) and /api/v1/limit/fills (the last 24 hours). Fills are
// copied out of the engine's bounded fill history (QueryEngine). Registered
// once at start-up.
#pragma once

#include "core/clock.h"
#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` and `clock` must outlive the routes.
void AddFillRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock);

}  // namespace kc::api
