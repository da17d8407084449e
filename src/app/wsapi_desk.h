// The WebSocket order API's OrderDesk (wsapi/order_desk.h), wired to the HF
// order operations the REST routes run (api/hf_orders.h): spot.order and
// spot.sync_order place as POST /api/v1/hf/orders[/sync], spot.modify alters
// as POST /api/v1/hf/orders/alter, spot.cancel and spot.sync_cancel cancel as
// DELETE /api/v1/hf/orders[/sync]/{orderId | client-order/{clientOid}}. Each
// operation's pool and weight are read from its twin's route at start-up, so
// the two cannot drift apart. In cancelonly, placing and amending get KuCoin's
// 126009 as their REST twins do (gateway/access_policy.cc). Thread-safe after
// construction.
#pragma once

#include <array>

#include "api/hf_orders.h"
#include "core/service_state.h"
#include "gateway/route_table.h"
#include "wsapi/order_desk.h"

namespace kc::app {

class WsApiDesk final : public wsapi::OrderDesk {
 public:
  // `routes` must already hold the HF order routes.
  WsApiDesk(engine::CommandLoop& loop, const gateway::RouteTable& routes,
            const ServiceState& service);

  wsapi::OpCost Cost(wsapi::SpotOp op) const override { return costs_[static_cast<size_t>(op)]; }
  void Run(wsapi::SpotOp op, int64_t uid, const boost::json::object& args,
           boost::asio::any_io_executor loop, std::function<void(wsapi::OpResult)> done) override;

 private:
  api::HfOrders orders_;
  const ServiceState& service_;
  std::array<wsapi::OpCost, 5> costs_;
};

}  // namespace kc::app
