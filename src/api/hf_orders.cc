#include "api/hf_orders.h"

#include <boost/json/string.hpp>
#include <optional>
#include <string>
#include <utility>

#include "api/engine_calls.h"
#include "api/order_request.h"
#include "api/request_body.h"
#include "api/spot_json.h"

namespace kc::api {

namespace json = boost::json;
using engine::CommandResult;
using engine::Exchange;
using engine::Order;
using engine::OrderId;
using engine::SymbolId;
using engine::Uid;

namespace {

std::int64_t Millis(engine::Timestamp ts) { return ts / engine::kNanosPerMilli; }

void Answer(const std::shared_ptr<OpCall>& call, const Refusal& refusal) { Refuse(call, refusal); }

// "symbol": required; an unknown pair is KuCoin's business refusal.
boost::system::result<SymbolId, Refusal> ReadSymbolArg(const json::object& args,
                                                       const engine::MarketConfig& markets) {
  auto name = RequireString(args, "symbol");
  if (!name || name->empty()) return Refusal(ErrorCode::kInvalidParameter);
  const auto symbol = markets.FindSymbol(*name);
  if (!symbol) return Refusal(engine::RejectReason::kUnknownSymbol);
  return *symbol;
}

// The order an operation names: "orderId" when given, else "clientOid".
struct OrderKey {
  std::optional<OrderId> id;  // set: by orderId
  engine::ClientOid client_oid;
  std::string text;  // as the client wrote it (echoed by cancel)
};

boost::system::result<OrderKey, Refusal> ReadOrderKey(const json::object& args) {
  auto order_id = OptionalString(args, "orderId");
  auto client_oid = OptionalString(args, "clientOid");
  if (!order_id || !client_oid) return Refusal(ErrorCode::kInvalidParameter);
  OrderKey key;
  if (*order_id && !(*order_id)->empty()) {
    key.text = **order_id;
    key.id = OrderId::Parse(key.text);
    if (!key.id) return Refusal(engine::RejectReason::kOrderNotFound);
    return key;
  }
  if (*client_oid && !(*client_oid)->empty()) {
    key.text = **client_oid;
    if (!key.client_oid.Assign(key.text)) return Refusal(engine::RejectReason::kOrderNotFound);
    return key;
  }
  return Refusal(ErrorCode::kInvalidParameter);
}

std::optional<Order> FindByKey(const Exchange& exchange, Uid uid, const OrderKey& key) {
  return key.id ? exchange.FindOrder(uid, *key.id)
                : exchange.FindOrderByClientOid(uid, key.client_oid.view());
}

// The order's state after a command, for the sync and alter answers.
auto StateAfter(Uid uid) {
  return [uid](const CommandResult& r, const Exchange& exchange) {
    std::optional<Order> state;
    if (r.ok() && r.order_id.valid()) state = exchange.FindOrder(uid, r.order_id);
    return std::make_pair(r, state);
  };
}

OpAnswer Ok(json::value data) { return OpAnswer{std::nullopt, std::move(data)}; }
OpAnswer Fail(const Refusal& refusal) { return OpAnswer{refusal, nullptr}; }

}  // namespace

json::object HfPlaced(const CommandResult& result, const engine::PlaceOrder& order) {
  return json::object{{"orderId", result.order_id.ToString()},
                      {"clientOid", order.client_oid.view()}};
}

json::object HfSynced(const Order& o, const engine::MarketConfig& markets) {
  json::object out{{"orderId", o.id.ToString()},
                   {"clientOid", o.client_oid.view()},
                   {"orderTime", Millis(o.created_at)}};
  AddSyncFields(o, markets, out);
  out["matchTime"] = Millis(o.updated_at);
  return out;
}

void HfOrders::Place(Uid uid, const json::object& args, PlaceAnswer answer,
                     const std::shared_ptr<OpCall>& call) const {
  auto order = ParseOrder(args, markets_, uid);
  if (!order) return Answer(call, order.error());
  SubmitCommand(loop_, call, *order, StateAfter(uid),
                [&markets = markets_, answer,
                 placed = *order](std::pair<CommandResult, std::optional<Order>> out) {
                  const CommandResult& result = out.first;
                  if (!result.ok()) return Fail(Refusal(result.reject));
                  switch (answer) {
                    case PlaceAnswer::kClassic:
                      return Ok(json::object{{"orderId", result.order_id.ToString()}});
                    case PlaceAnswer::kHf:
                      return Ok(HfPlaced(result, placed));
                    case PlaceAnswer::kHfSync:
                      break;
                  }
                  // The order left the done history before we looked: only its id is known.
                  if (!out.second) return Ok(HfPlaced(result, placed));
                  return Ok(HfSynced(*out.second, markets));
                });
}

void HfOrders::Cancel(Uid uid, const json::object& args, bool sync,
                      const std::shared_ptr<OpCall>& call) const {
  const auto symbol = ReadSymbolArg(args, markets_);
  if (!symbol) return Answer(call, symbol.error());
  auto key = ReadOrderKey(args);
  if (!key) return Answer(call, key.error());
  engine::Command command;
  if (key->id) {
    command = engine::CancelOrder{uid, *key->id};
  } else {
    command = engine::CancelByClientOid{uid, key->client_oid};
  }
  CheckThenSubmit(
      loop_, call,
      [uid, symbol = *symbol, key = *key](const Exchange& exchange) -> std::optional<Refusal> {
        const auto order = FindByKey(exchange, uid, key);
        if (!order || order->symbol != symbol) return Refusal(engine::RejectReason::kOrderNotFound);
        return std::nullopt;
      },
      std::move(command), StateAfter(uid),
      [&markets = markets_, sync, key = *key](std::pair<CommandResult, std::optional<Order>> out) {
        const CommandResult& r = out.first;
        if (!r.ok()) return Fail(Refusal(r.reject));
        json::object data;
        if (key.id) {
          data["orderId"] = r.order_id.ToString();
        } else {
          data["clientOid"] = key.text;
        }
        if (sync && out.second) AddSyncFields(*out.second, markets, data);
        return Ok(std::move(data));
      });
}

void HfOrders::Alter(Uid uid, const json::object& args, const std::shared_ptr<OpCall>& call) const {
  const auto symbol = ReadSymbolArg(args, markets_);
  if (!symbol) return Answer(call, symbol.error());
  auto key = ReadOrderKey(args);
  if (!key) return Answer(call, key.error());
  engine::AmendOrder amend;
  amend.uid = uid;
  if (key->id) {
    amend.order_id = *key->id;
  } else {
    amend.client_oid = key->client_oid;
  }
  auto price =
      ReadDecimalField(args, "newPrice", markets_.quote_scale(*symbol),
                       engine::RejectReason::kPriceIncrement, engine::RejectReason::kInvalidPrice);
  if (!price) return Answer(call, price.error());
  auto size =
      ReadDecimalField(args, "newSize", markets_.base_scale(*symbol),
                       engine::RejectReason::kSizeIncrement, engine::RejectReason::kAboveMaxSize);
  if (!size) return Answer(call, size.error());
  amend.new_price = *price;
  amend.new_size = *size;
  CheckThenSubmit(
      loop_, call,
      [uid, symbol = *symbol, key = *key](const Exchange& exchange) -> std::optional<Refusal> {
        const auto order = FindByKey(exchange, uid, key);
        if (!order || order->symbol != symbol) return Refusal(engine::RejectReason::kOrderNotFound);
        return std::nullopt;
      },
      amend, StateAfter(uid),
      [](std::pair<CommandResult, std::optional<Order>> out) {
        const CommandResult& r = out.first;
        if (!r.ok()) return Fail(Refusal(r.reject));
        // A new size at or below what is filled only cancels: no new order.
        json::value new_id = nullptr;
        if (r.order_id.valid()) new_id = json::string(r.order_id.ToString());
        json::value oid = nullptr;
        if (out.second) oid = json::string(out.second->client_oid.view());
        return Ok(json::object{{"newOrderId", std::move(new_id)}, {"clientOid", std::move(oid)}});
      });
}

}  // namespace kc::api
