#include "app/health_routes.h"

#include <boost/json.hpp>
#include <future>
#include <memory>
#include <string>

#include "engine/command_loop.h"
#include "store/sqlite_journal.h"

namespace kc::app {

namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Empty when the engine answered a read-only query within `deadline`.
std::string EngineProblem(engine::CommandLoop& engine, std::chrono::milliseconds deadline) {
  auto answered = std::make_shared<std::promise<void>>();
  std::future<void> done = answered->get_future();
  const bool queued = engine.SubmitQuery([answered](const engine::Exchange&) {
    return engine::CommandLoop::Reply([answered] { answered->set_value(); });
  });
  if (!queued) return "the engine queue is full or the engine stopped";
  if (done.wait_for(deadline) != std::future_status::ready) {
    return "no answer within " + std::to_string(deadline.count()) + " ms";
  }
  return {};
}

}  // namespace

void AddHealthRoutes(admin::Router& router, HealthSources sources) {
  router.Add(
      admin::http::verb::get, "/healthz",
      [](const admin::AdminRequest&) {
        return admin::AdminReply::Json(boost::json::object{{"status", "up"}});
      },
      admin::Access::kOpen);
  router.Add(
      admin::http::verb::get, "/readyz",
      [sources](const admin::AdminRequest&) {
        boost::json::object not_ready;
        if (!sources.listening.load(std::memory_order_acquire)) {
          not_ready["listening"] = "the KuCoin listener is not accepting connections";
        }
        if (sources.shutting_down.load(std::memory_order_acquire)) {
          not_ready["shutdown"] = "shutting down: requests in flight are finishing";
        } else if (auto [status, message] = sources.service_state.Get();
                   status == ServiceStatus::kClose) {
          not_ready["maintenance"] =
              message.empty() ? std::string("status close") : "status close: " + message;
        }
        if (const int64_t since = sources.journal.syncing_since_ms(); since != 0) {
          const int64_t waited = SteadyMs() - since;
          if (waited > sources.deadline.count()) {
            not_ready["journal"] =
                "a batch has waited " + std::to_string(waited) + " ms to be made durable";
          }
        }
        if (std::string problem = EngineProblem(sources.engine, sources.deadline);
            !problem.empty()) {
          not_ready["engine"] = problem;
        }
        const bool ready = not_ready.empty();
        return admin::AdminReply::Json(
            boost::json::object{{"status", ready ? "ready" : "not ready"},
                                {"notReady", std::move(not_ready)}},
            ready ? 200 : 503);
      },
      admin::Access::kOpen);
}

}  // namespace kc::app
