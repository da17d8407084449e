// KuCoin's public informational reads the official SDK calls: the caller's
// IP as kcgate sees it (GET /api/v1/my-ip), fiat prices (GET /api/v1/prices,
// USD only: each currency's last price against USDT in the demo market, USDT
// itself at 1) and announcements (GET /api/v3/announcements: kcgate makes
// none, so an empty page). Registered once at start-up.
#pragma once

#include "engine/command_loop.h"
#include "gateway/route_table.h"

namespace kc::api {

// `loop` must outlive the routes.
void AddInfoRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop);

}  // namespace kc::api
