// One order operation on its way through the engine, whoever asked for it: a
// REST route (OpCall::ForRest) or a WebSocket order API session. It carries
// the client's event loop and the one way out; engine_calls.h's templates
// drive it as they drive a gateway::Call. Respond may be called from any
// thread, once (later calls are ignored); `done` runs on the client's loop.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "api/business_error.h"
#include "core/error.h"
#include "gateway/call.h"

namespace kc::api {

// What an operation answers: KuCoin's `data` on success, else the refusal.
struct OpAnswer {
  std::optional<Refusal> refusal;
  boost::json::value data;
};

class OpCall {
 public:
  using Done = std::function<void(OpAnswer)>;

  OpCall(boost::asio::any_io_executor executor, Done done)
      : executor_(std::move(executor)), done_(std::move(done)) {}

  static std::shared_ptr<OpCall> Make(boost::asio::any_io_executor executor, Done done) {
    return std::make_shared<OpCall>(std::move(executor), std::move(done));
  }
  // An operation answering a REST call: {"code":"200000","data":…} or the refusal.
  static std::shared_ptr<OpCall> ForRest(const std::shared_ptr<gateway::Call>& call) {
    return Make(call->executor(), [call](OpAnswer answer) {
      if (answer.refusal) return call->Respond(answer.refusal->ToResponse());
      call->Respond(gateway::ApiResponse::Ok(boost::json::serialize(answer.data)));
    });
  }

  const boost::asio::any_io_executor& executor() const { return executor_; }

  void Respond(OpAnswer answer) {
    if (responded_.exchange(true, std::memory_order_acq_rel)) return;
    boost::asio::dispatch(executor_,
                          [done = std::move(done_), answer = std::move(answer)]() mutable {
                            done(std::move(answer));
                          });
  }
  void Fail(const Error& error) { Respond(OpAnswer{Refusal(error), nullptr}); }

 private:
  boost::asio::any_io_executor executor_;
  Done done_;
  std::atomic<bool> responded_{false};
};

// CheckThenSubmit's refusal path (found by argument-dependent lookup).
inline void Refuse(const std::shared_ptr<OpCall>& call, const Refusal& refusal) {
  call->Respond(OpAnswer{refusal, nullptr});
}

}  // namespace kc::api
