#include "app/wsapi_desk.h"

#include <stdexcept>
#include <string>

#include "api/spot_json.h"

namespace kc::app {

namespace http = boost::beast::http;
using wsapi::SpotOp;

namespace {

wsapi::OpCost TwinCost(const gateway::RouteTable& routes, http::verb method,
                       std::string_view path) {
  const auto match = routes.Find(method, path);
  if (!match) throw std::logic_error("wsapi: no REST twin route for " + std::string(path));
  return {match->route->pool, match->route->weight};
}

}  // namespace

WsApiDesk::WsApiDesk(engine::CommandLoop& loop, const gateway::RouteTable& routes,
                     const ServiceState& service)
    : orders_(loop), service_(service) {
  auto cost = [this](SpotOp op) -> wsapi::OpCost& { return costs_[static_cast<size_t>(op)]; };
  cost(SpotOp::kOrder) = TwinCost(routes, http::verb::post, "/api/v1/hf/orders");
  cost(SpotOp::kSyncOrder) = TwinCost(routes, http::verb::post, "/api/v1/hf/orders/sync");
  cost(SpotOp::kModify) = TwinCost(routes, http::verb::post, "/api/v1/hf/orders/alter");
  cost(SpotOp::kCancel) = TwinCost(routes, http::verb::delete_, "/api/v1/hf/orders/x");
  cost(SpotOp::kSyncCancel) = TwinCost(routes, http::verb::delete_, "/api/v1/hf/orders/sync/x");
}

void WsApiDesk::Run(SpotOp op, int64_t uid, const boost::json::object& args,
                    boost::asio::any_io_executor loop, std::function<void(wsapi::OpResult)> done) {
  auto call = api::OpCall::Make(loop, [done = std::move(done)](api::OpAnswer answer) {
    if (answer.refusal) {
      return done(wsapi::OpResult{answer.refusal->Code(), answer.refusal->Message(), nullptr});
    }
    done(wsapi::OpResult{"200000", "", std::move(answer.data)});
  });
  // The engine keys accounts by uid << 12: a uid it cannot hold is 400010, as on REST.
  if (uid <= 0 || uid > api::kMaxEngineUid) return call->Fail(Error(ErrorCode::kUidDenied));
  const auto engine_uid = static_cast<engine::Uid>(uid);
  const bool places = op == SpotOp::kOrder || op == SpotOp::kSyncOrder || op == SpotOp::kModify;
  if (places && service_.status() == ServiceStatus::kCancelOnly) {
    return call->Respond(api::OpAnswer{api::kSuspendedFromCreatingOrders, nullptr});
  }
  switch (op) {
    case SpotOp::kOrder:
      return orders_.Place(engine_uid, args, api::PlaceAnswer::kHf, call);
    case SpotOp::kSyncOrder:
      return orders_.Place(engine_uid, args, api::PlaceAnswer::kHfSync, call);
    case SpotOp::kModify:
      return orders_.Alter(engine_uid, args, call);
    case SpotOp::kCancel:
      return orders_.Cancel(engine_uid, args, /*sync=*/false, call);
    case SpotOp::kSyncCancel:
      return orders_.Cancel(engine_uid, args, /*sync=*/true, call);
  }
}

}  // namespace kc::app
