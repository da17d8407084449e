#include "lab/fault_stage.h"

#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "gateway/call.h"
#include "lab/codes.h"

namespace kc::lab {

namespace {

// Answers the call per `action` once any delay is over (the request not
// executed): a code, a dropped connection, or (no code) nothing, so the
// pipeline goes on.
bool Finish(gateway::Call& call, const FaultAction& action) {
  if (action.disconnect) {
    call.Drop();
    return true;
  }
  if (!action.code.empty() && !action.after_execute) {
    call.Respond(RestAnswer(action.code, call.peer().ip));
    return true;
  }
  if (action.after_execute) call.ReplaceAnswer(RestAnswer(action.code, call.peer().ip));
  return false;
}

}  // namespace

gateway::StageResult FaultStage::Run(gateway::Call& call) {
  const gateway::ApiKey* key = call.api_key();
  auto action = book_.Fire(FaultSubject{
      .kind = FaultKind::kRest,
      .method = call.request().method_string(),
      .path = call.path(),
      .uid = key ? key->uid : 0,
      .api_key = key ? std::string_view(key->key) : std::string_view(),
      .ip = call.peer().ip,
      .topic = {},
      .op = {},
  });
  if (!action) return gateway::StageResult::kContinue;
  if (action->delay_ms <= 0) {
    return Finish(call, *action) ? gateway::StageResult::kResponded
                                 : gateway::StageResult::kContinue;
  }
  // Held on the connection's own loop; the pipeline resumes after this stage.
  auto self = call.shared_from_this();
  auto timer = std::make_shared<boost::asio::steady_timer>(
      call.executor(), std::chrono::milliseconds(action->delay_ms));
  timer->async_wait([self, timer, action = *action](boost::system::error_code ec) {
    if (ec) return;
    if (!Finish(*self, action)) self->pipeline->Resume(self);
  });
  return gateway::StageResult::kPending;
}

}  // namespace kc::lab
