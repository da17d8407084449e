// The gateway's request pipeline (after Envoy's filter chain): a fixed list of
// small stages — admission, authentication, policy, rate limit — and finally
// the route's handler. Each stage answers Continue, Responded (it sent
// an error) or Pending (it will call Resume itself, e.g. after a Redis reply).
// Built at start-up; Run may be called from any thread.
#pragma once

#include <memory>
#include <vector>

#include "gateway/call.h"

namespace kc::gateway {

enum class StageResult { kContinue, kResponded, kPending };

class Stage {
 public:
  virtual ~Stage() = default;
  virtual StageResult Run(Call& call) = 0;
};

class Pipeline {
 public:
  void AddStage(Stage& stage) { stages_.push_back(&stage); }
  // Runs the stages from call->next_stage on, then the handler. A std::exception
  // becomes 500000, anything else 505000, with the call's id in the log.
  void Run(const std::shared_ptr<Call>& call);
  // For a stage that returned Pending.
  void Resume(const std::shared_ptr<Call>& call) { Run(call); }

 private:
  std::vector<Stage*> stages_;
};

}  // namespace kc::gateway
