#include "gateway/pipeline.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace kc::gateway {

void Pipeline::Run(const std::shared_ptr<Call>& call) {
  call->pipeline = this;
  try {
    while (call->next_stage < stages_.size()) {
      Stage* stage = stages_[call->next_stage++];
      switch (stage->Run(*call)) {
        case StageResult::kContinue:
          break;
        case StageResult::kResponded:
        case StageResult::kPending:
          return;
      }
    }
    call->route().handler(call);
  } catch (const std::exception& e) {
    spdlog::error("request {} {}: unexpected failure: {}", call->id(), std::string(call->path()),
                  e.what());
    call->Fail(Error(ErrorCode::kInternal));
  } catch (...) {
    spdlog::error("request {} {}: unknown failure", call->id(), std::string(call->path()));
    call->Fail(Error(ErrorCode::kUnknown));
  }
}

}  // namespace kc::gateway
