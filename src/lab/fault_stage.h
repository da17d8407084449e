// The test lab's fault rules on REST (core/fault_book.h), as the pipeline's last
// stage (after the quotas, so uid and key are known and a request refused
// for real is never faulted too): a code is answered as kcgate answers it
// (registry status and message, the gw-ratelimit headers already decided),
// a delay holds the call on its own event loop and resumes it, after-execute
// lets the handler run and replaces its answer, disconnect drops the
// connection unanswered. With no rule set: one relaxed atomic load.
#pragma once

#include "core/fault_book.h"
#include "gateway/pipeline.h"

namespace kc::lab {

class FaultStage final : public gateway::Stage {
 public:
  explicit FaultStage(FaultBook& book) : book_(book) {}
  gateway::StageResult Run(gateway::Call& call) override;

 private:
  FaultBook& book_;
};

}  // namespace kc::lab
