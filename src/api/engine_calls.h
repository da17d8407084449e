// How request handlers talk to the engine thread. A handler submits a command
// (or a read-only query) with two functions: `extract` runs on the engine
// thread right after the command applied and copies what the answer needs out
// of the Exchange (keep it short: it holds up matching); once the command's
// batch is durable the copy is posted to the client's event loop, where
// `render` turns it into KuCoin's answer. A full queue answers 503000 at
// once; an engine that has not answered within its reply deadline
// ([engine] deadline_ms), 504000.
//
// The templates serve any request type `T` that offers executor() (the
// client's loop), Respond(<what render returns>) and Fail(Error), each
// answering once: gateway::Call for REST (render returns an ApiResponse), and
// api::OpCall (op_call.h) for the order operations REST and the WebSocket
// order API share.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>

#include "api/business_error.h"
#include "engine/command_loop.h"
#include "gateway/call.h"

namespace kc::api {

// A refusal as a REST answer (CheckThenSubmit's refusals go through Refuse).
inline void Refuse(const std::shared_ptr<gateway::Call>& call, const Refusal& refusal) {
  call->Respond(refusal.ToResponse());
}

// A timer on the call's event loop that answers 504000 unless canceled first.
// The render step cancels it on the same loop, so the two never race.
template <typename T>
std::shared_ptr<boost::asio::steady_timer> ArmEngineDeadline(const std::shared_ptr<T>& call,
                                                             std::chrono::milliseconds deadline) {
  auto timer = std::make_shared<boost::asio::steady_timer>(call->executor(), deadline);
  timer->async_wait([weak = std::weak_ptr<T>(call)](boost::system::error_code ec) {
    if (ec) return;  // canceled: the engine answered
    if (auto late = weak.lock()) late->Fail(Error(ErrorCode::kGatewayTimeout));
  });
  return timer;
}

// The Reply the engine releases once the answer's batch is durable: it posts
// the copy to the call's loop, which renders it.
template <typename T, typename Copy, typename Render>
engine::CommandLoop::Reply Deliver(const std::shared_ptr<T>& call,
                                   const std::shared_ptr<boost::asio::steady_timer>& deadline,
                                   Copy copy, Render render) {
  // std::function needs a copyable callable; a shared box keeps move-only copies.
  auto box = std::make_shared<std::pair<Copy, Render>>(std::move(copy), std::move(render));
  return [call, deadline, box] {
    boost::asio::post(call->executor(), [call, deadline, box] {
      deadline->cancel();
      call->Respond(box->second(std::move(box->first)));
    });
  };
}

template <typename T, typename Extract, typename Render>
void QueryEngine(engine::CommandLoop& loop, const std::shared_ptr<T>& call, Extract extract,
                 Render render) {
  auto deadline = ArmEngineDeadline(call, loop.reply_deadline());
  const bool queued =
      loop.SubmitQuery([call, deadline, extract = std::move(extract),
                        render = std::move(render)](const engine::Exchange& exchange) mutable {
        return Deliver(call, deadline, extract(exchange), std::move(render));
      });
  if (!queued) {
    deadline->cancel();
    call->Fail(Error(ErrorCode::kServerBusy));
  }
}

template <typename T, typename Extract, typename Render>
void SubmitCommand(engine::CommandLoop& loop, const std::shared_ptr<T>& call,
                   engine::Command command, Extract extract, Render render) {
  auto deadline = ArmEngineDeadline(call, loop.reply_deadline());
  const bool queued = loop.Submit(
      std::move(command),
      [call, deadline, extract = std::move(extract), render = std::move(render)](
          const engine::CommandResult& result, const engine::Exchange& exchange) mutable {
        return Deliver(call, deadline, extract(result, exchange), std::move(render));
      });
  if (!queued) {
    deadline->cancel();
    call->Fail(Error(ErrorCode::kServerBusy));
  }
}

// Runs `check` on the engine thread; answers its refusal (through Refuse), or
// else submits `command` with `extract`/`render` as SubmitCommand does. Routes
// that name a symbol beside an order id use it: an order's symbol never
// changes, so the check still holds when the command runs.
template <typename T, typename Check, typename Extract, typename Render>
void CheckThenSubmit(engine::CommandLoop& loop, const std::shared_ptr<T>& call, Check check,
                     engine::Command command, Extract extract, Render render) {
  const bool queued =
      loop.SubmitQuery([&loop, call, check = std::move(check), command = std::move(command),
                        extract = std::move(extract), render = std::move(render)](
                           const engine::Exchange& exchange) mutable -> engine::CommandLoop::Reply {
        // A Reply-returning query runs in queue order without waiting for the
        // journal (a void one would drain the pipeline); a refusal goes out once
        // the state it read is durable.
        if (std::optional<Refusal> refusal = check(exchange)) {
          return [call, refusal = std::move(*refusal)] {
            boost::asio::post(call->executor(), [call, refusal] { Refuse(call, refusal); });
          };
        }
        SubmitCommand(loop, call, std::move(command), std::move(extract), std::move(render));
        return nullptr;
      });
  if (!queued) call->Fail(Error(ErrorCode::kServerBusy));
}

}  // namespace kc::api
