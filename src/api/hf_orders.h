// The spot order operations REST and the WebSocket order API share, one
// implementation for both: place (classic, HF, HF sync), cancel one HF order
// by orderId or clientOid (plain or sync) and alter an HF order. Each reads
// KuCoin's arguments from a JSON object (a REST route builds it from its body,
// path and query; a WS API request carries it as `args`), submits the engine
// command, and answers its OpCall with KuCoin's `data` or the refusal.
// Built once at start-up; the operations may be called from any event loop.
#pragma once

#include <boost/json/object.hpp>
#include <memory>

#include "api/op_call.h"
#include "engine/command_loop.h"
#include "engine/commands.h"
#include "engine/markets.h"
#include "engine/order.h"

namespace kc::api {

// Which answer a placed order gets.
enum class PlaceAnswer {
  kClassic,  // POST /api/v1/orders: {"orderId"}
  kHf,       // POST /api/v1/hf/orders, spot.order: {"orderId","clientOid"}
  kHfSync,   // POST /api/v1/hf/orders/sync, spot.sync_order: the order's state after matching
};

class HfOrders {
 public:
  explicit HfOrders(engine::CommandLoop& loop) : loop_(loop), markets_(loop.exchange().markets()) {}

  // The order fields of KuCoin's add-order body (order_request.h).
  void Place(engine::Uid uid, const boost::json::object& args, PlaceAnswer answer,
             const std::shared_ptr<OpCall>& call) const;
  // {"symbol", "orderId" or "clientOid"}: {"orderId"} or {"clientOid"}, whichever
  // was given, plus the sync fields when `sync`.
  void Cancel(engine::Uid uid, const boost::json::object& args, bool sync,
              const std::shared_ptr<OpCall>& call) const;
  // {"symbol", "orderId" or "clientOid", "newPrice", "newSize"}: {"newOrderId","clientOid"}.
  void Alter(engine::Uid uid, const boost::json::object& args,
             const std::shared_ptr<OpCall>& call) const;

  const engine::MarketConfig& markets() const { return markets_; }

 private:
  engine::CommandLoop& loop_;
  const engine::MarketConfig& markets_;
};

// The HF place answers, also used by the HF batch routes.
boost::json::object HfPlaced(const engine::CommandResult& result, const engine::PlaceOrder& order);
boost::json::object HfSynced(const engine::Order& order, const engine::MarketConfig& markets);

}  // namespace kc::api
