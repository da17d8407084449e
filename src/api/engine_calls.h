// How REST handlers talk to the engine thread. A handler submits a command (or
// a read-only query) with two functions: `extract` runs on the engine thread
// right after the command applied and copies what the answer needs out of the
// Exchange (keep it short: it holds up matching); once the command's batch is
// durable the copy is posted to the client's event loop, where `render` turns
// it into KuCoin JSON. A full queue answers 503000 at once; an engine
// that has not answered within the deadline, 504000.
#pragma once

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <utility>

#include "engine/command_loop.h"
#include "gateway/call.h"

namespace kc::api {

inline constexpr std::chrono::milliseconds kEngineDeadline{10'000};

// A timer on the call's event loop that answers 504000 unless canceled first.
// The render step cancels it on the same loop, so the two never race.
inline std::shared_ptr<boost::asio::steady_timer> ArmEngineDeadline(
    const std::shared_ptr<gateway::Call>& call) {
  auto timer = std::make_shared<boost::asio::steady_timer>(call->executor(), kEngineDeadline);
  timer->async_wait([weak = std::weak_ptr<gateway::Call>(call)](boost::system::error_code ec) {
    if (ec) return;  // canceled: the engine answered
    if (auto late = weak.lock()) late->Fail(Error(ErrorCode::kGatewayTimeout));
  });
  return timer;
}

// The Reply the engine releases once the answer's batch is durable: it posts
// the copy to the call's loop, which renders it.
template <typename Copy, typename Render>
engine::CommandLoop::Reply Deliver(const std::shared_ptr<gateway::Call>& call,
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

template <typename Extract, typename Render>
void QueryEngine(engine::CommandLoop& loop, const std::shared_ptr<gateway::Call>& call,
                 Extract extract, Render render) {
  auto deadline = ArmEngineDeadline(call);
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

template <typename Extract, typename Render>
void SubmitCommand(engine::CommandLoop& loop, const std::shared_ptr<gateway::Call>& call,
                   engine::Command command, Extract extract, Render render) {
  auto deadline = ArmEngineDeadline(call);
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

}  // namespace kc::api
