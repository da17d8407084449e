// KuCoin's spot stop-order REST routes (/api/v1/stop-order family, used by
// ccxt's createOrder with triggerPrice/stopPrice and by the official SDK):
// place (engine::PlaceStopOrder), list, query by id or clientOid, cancel by id,
// clientOid, symbol or ids (engine::CancelStopOrders). Untriggered stop orders
// only: once triggered, an order is a regular order under the same id.
// Registered once at start-up.
#pragma once

#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` must outlive the routes.
void AddStopOrderRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop);

}  // namespace kc::api
