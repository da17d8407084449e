// POST /api/v1/bullet-public (no auth) and /api/v1/bullet-private (signed,
// General permission): a token for the push service and the instance server
// to connect to, as KuCoin answers them:
//   {"code":"200000","data":{"token":"...","instanceServers":[{"endpoint":
//    "ws://127.0.0.1:8080/","encrypt":false,"protocol":"websocket",
//    "pingInterval":18000,"pingTimeout":10000}]}}
// Handlers run on the connection's event loop; `push` outlives the routes.
#pragma once

#include "gateway/route_table.h"
#include "push/service.h"

namespace kc::api {

void AddBulletRoutes(gateway::RouteTable& routes, const push::PushService& push);

}  // namespace kc::api
