// GET /healthz and GET /readyz on the admin listener, for load balancers and
// orchestrators; neither needs the admin token (a health checker holds none).
//
// /healthz: 200 while the process serves HTTP at all (liveness).
// /readyz: 200 when kcgate should get traffic, else 503; the JSON body names
// every check that fails: "listening" (the KuCoin listener accepts),
// "maintenance" (`kcgate status set close`), "shutdown" (SIGTERM drain),
// "journal" (a batch has waited longer than [health] deadline_ms for its
// sync: the journal file is not taking writes) and "engine" (a read-only
// query did not come back within the deadline: the engine thread is stuck or
// far behind, or its queue is full). Handlers run on the admin loop; /readyz
// waits at most the deadline for the engine.
#pragma once

#include <atomic>
#include <chrono>

#include "admin/router.h"
#include "core/service_state.h"

namespace kc::engine {
class CommandLoop;
}
namespace kc::store {
class SqliteJournal;
}

namespace kc::app {

struct HealthSources {
  const std::atomic<bool>& listening;      // the KuCoin listener accepts
  const std::atomic<bool>& shutting_down;  // Server::Shutdown began
  const ServiceState& service_state;
  engine::CommandLoop& engine;
  const store::SqliteJournal& journal;
  std::chrono::milliseconds deadline;  // [health] deadline_ms
};

void AddHealthRoutes(admin::Router& router, HealthSources sources);

}  // namespace kc::app
