// REST routes about the service and the caller's own account: server time,
// service status, API key info and account summary.
#pragma once

#include "api/user_directory.h"
#include "core/clock.h"
#include "core/service_state.h"
#include "gateway/route_table.h"

namespace kc::api {

void AddSystemRoutes(gateway::RouteTable& routes, const Clock& clock, const ServiceState& state);
void AddUserRoutes(gateway::RouteTable& routes, const UserDirectory& users);

}  // namespace kc::api
