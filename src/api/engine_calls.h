// How REST handlers talk to the engine thread. A handler submits a command (or
// a read-only query) with two functions: `extract` runs on the engine thread
// and copies what the answer needs out of the Exchange (keep it short: it
// holds up matching); `render` runs back on the client's event loop and turns
// that copy into KuCoin JSON. A full queue answers 503000 at once.
#pragma once

#include <boost/asio/post.hpp>
#include <memory>
#include <utility>

#include "engine/command_loop.h"
#include "gateway/call.h"

namespace kc::api {

template <typename Extract, typename Render>
void QueryEngine(engine::CommandLoop& loop, const std::shared_ptr<gateway::Call>& call,
                 Extract extract, Render render) {
  const bool queued =
      loop.SubmitQuery([call, extract = std::move(extract),
                        render = std::move(render)](const engine::Exchange& exchange) mutable {
        auto copy = extract(exchange);
        boost::asio::post(call->executor(),
                          [call, copy = std::move(copy), render = std::move(render)]() mutable {
                            call->Respond(render(std::move(copy)));
                          });
      });
  if (!queued) call->Fail(Error(ErrorCode::kServerBusy));
}

template <typename Extract, typename Render>
void SubmitCommand(engine::CommandLoop& loop, const std::shared_ptr<gateway::Call>& call,
                   engine::Command command, Extract extract, Render render) {
  const bool queued = loop.Submit(
      std::move(command),
      [call, extract = std::move(extract), render = std::move(render)](
          const engine::CommandResult& result, const engine::Exchange& exchange) mutable {
        auto copy = extract(result, exchange);
        boost::asio::post(call->executor(),
                          [call, copy = std::move(copy), render = std::move(render)]() mutable {
                            call->Respond(render(std::move(copy)));
                          });
      });
  if (!queued) call->Fail(Error(ErrorCode::kServerBusy));
}

}  // namespace kc::api
