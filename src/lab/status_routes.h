// The test lab's status switch (issue 13, item 9), on the admin listener:
//   GET  /admin/v1/status
//   POST /admin/v1/status {"status":"open|close|cancelonly","msg":"..."}
// The same maintenance mechanism as `kcgate status set`: the row is written
// to kcgate.db (so it outlives a restart) and applied to the running
// server's ServiceState at once (REST 501000, push and WS API sessions get
// the notice and close).
#pragma once

#include <string>

#include "admin/router.h"
#include "core/clock.h"
#include "core/service_state.h"

namespace kc::lab {

void AddStatusRoutes(admin::Router& router, std::string database_path, ServiceState& state,
                     const Clock& clock);

}  // namespace kc::lab
