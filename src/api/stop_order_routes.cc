#include "api/stop_order_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <string>
#include <vector>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/order_request.h"
#include "api/paging.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CancelStopOrders;
using engine::CommandResult;
using engine::Exchange;
using engine::MarketConfig;
using engine::OrderId;
using engine::RejectReason;
using engine::StopOrder;
using engine::SymbolId;
using engine::Uid;
using gateway::Call;
using gateway::Permission;

namespace {

json::value OrNull(const std::string& s) {
  if (s.empty()) return nullptr;
  return json::string(s);
}

// The official SDK's stop-order shape (reference examples): status "NEW", or
// "TRIGGERED" once its order (same id, GET /api/v1/orders/{id}) was placed.
json::object StopOrderJson(const StopOrder& s, Uid uid, const MarketConfig& markets) {
  const engine::PlaceOrder& o = s.order;
  const engine::SymbolSpec& spec = markets.symbol(o.symbol);
  const int bs = markets.currency(spec.base).precision;
  const int qs = markets.currency(spec.quote).precision;
  const bool limit = o.type == engine::OrderType::kLimit;
  return json::object{
      {"id", s.id.ToString()},
      {"symbol", spec.symbol},
      {"userId", std::to_string(uid)},
      {"status", s.triggered() ? "TRIGGERED" : "NEW"},
      {"type", engine::ToString(o.type)},
      {"side", engine::ToString(o.side)},
      {"price", limit ? json::value(Amount(o.price, qs)) : json::value(nullptr)},
      {"size", o.size != 0 ? json::value(Amount(o.size, bs)) : json::value(nullptr)},
      {"funds", o.funds != 0 ? json::value(Amount(o.funds, qs)) : json::value(nullptr)},
      {"stp", OrNull(std::string(engine::ToString(o.stp)))},
      {"timeInForce", engine::ToString(o.time_in_force)},
      {"cancelAfter", o.time_in_force == engine::TimeInForce::kGtt ? o.cancel_after : -1},
      {"postOnly", o.post_only},
      {"hidden", o.hidden},
      {"iceberg", o.iceberg},
      {"visibleSize", o.iceberg ? json::value(Amount(o.visible_size, bs)) : json::value(nullptr)},
      {"channel", "API"},
      {"clientOid", OrNull(std::string(o.client_oid.view()))},
      {"remark", OrNull(std::string(o.remark.view()))},
      {"tags", nullptr},
      {"orderTime", s.created_at},
      {"domainId", "kucoin"},
      {"tradeSource", "USER"},
      {"tradeType", "TRADE"},
      {"feeCurrency", markets.currency(spec.quote).currency},
      {"takerFeeRate", Rate(spec.taker_fee_rate)},
      {"makerFeeRate", Rate(spec.maker_fee_rate)},
      {"createdAt", s.created_at / engine::kNanosPerMilli},
      {"stop", engine::ToString(s.stop)},
      {"stopTriggerTime",
       s.triggered() ? json::value(s.triggered_at / engine::kNanosPerMilli) : json::value(nullptr)},
      {"stopPrice", Amount(s.stop_price, qs)},
  };
}

// ?orderIds=a,b (unparseable ids are dropped: they name no order).
std::vector<OrderId> ReadOrderIds(const Call& call) {
  std::vector<OrderId> out;
  const std::string* text = call.QueryParam("orderIds");
  if (text == nullptr) return out;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    if (const auto id = OrderId::Parse(rest.substr(0, comma))) out.push_back(*id);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

json::array IdList(const std::vector<OrderId>& ids) {
  json::array out;
  for (const OrderId& id : ids) out.push_back(json::string(id.ToString()));
  return out;
}

void AddPlace(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const MarketConfig& markets = loop.exchange().markets();
  AddSpot(
      routes, http::verb::post, "/api/v1/stop-order", Permission::kSpot, 2,
      [&loop, &markets](const std::shared_ptr<Call>& call) {
        const auto uid = Caller(call);
        if (!uid) return;
        auto body = ParseJsonObject(call->body());
        if (!body) return call->Fail(body.error());
        if (auto trade_type = OptionalString(*body, "tradeType");
            !trade_type || (*trade_type && !(*trade_type)->empty() && **trade_type != "TRADE")) {
          return call->Fail(Error(ErrorCode::kInvalidParameter));  // no margin in kcgate
        }
        auto order = ParseOrder(*body, markets, *uid);
        if (!order) return Refuse(call, order.error());
        engine::PlaceStopOrder command;
        command.order = *order;
        auto stop = OptionalString(*body, "stop");
        if (!stop) return call->Fail(stop.error());
        if (*stop && **stop == "entry") {
          command.stop = engine::StopKind::kEntry;
        } else if (*stop && !(*stop)->empty() && **stop != "loss") {
          return call->Fail(Error(ErrorCode::kInvalidParameter));
        }
        auto stop_price =
            ReadDecimalField(*body, "stopPrice", markets.quote_scale(order->symbol),
                             RejectReason::kPriceIncrement, RejectReason::kInvalidPrice);
        if (!stop_price) return Refuse(call, stop_price.error());
        if (!*stop_price) return call->Fail(Error(ErrorCode::kInvalidParameter));
        command.stop_price = **stop_price;
        SubmitCommand(
            loop, call, command, [](const CommandResult& r, const Exchange&) { return r; },
            [](const CommandResult& r) {
              if (!r.ok()) return Refusal(r.reject).ToResponse();
              return Ok(json::object{{"orderId", r.order_id.ToString()}});
            });
      });
}

void AddQueries(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const MarketConfig& markets = loop.exchange().markets();
  AddSpot(routes, http::verb::get, "/api/v1/stop-order", Permission::kGeneral, 8,
          [&loop, &markets](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            if (auto trade_type = CheckTradeType(*call); !trade_type) {
              return call->Fail(trade_type.error());
            }
            auto symbol = ReadSymbol(*call, markets, /*required=*/false);
            if (!symbol) return Refuse(call, symbol.error());
            auto side = ReadSide(*call);
            auto type = ReadOrderType(*call);
            auto start = ReadMillis(*call, "startAt");
            auto end = ReadMillis(*call, "endAt");
            auto page = ReadPage(*call);
            if (!side || !type || !start || !end || !page) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            const std::vector<OrderId> ids = ReadOrderIds(*call);
            const bool by_ids = call->QueryParam("orderIds") != nullptr;
            QueryEngine(
                loop, call,
                [uid = *uid, symbol = *symbol, side = *side, type = *type, start = *start,
                 end = *end, ids, by_ids](const Exchange& exchange) {
                  std::vector<StopOrder> out;
                  for (StopOrder& s : exchange.StopOrders(uid)) {
                    if (symbol && s.order.symbol != *symbol) continue;
                    if (side && s.order.side != *side) continue;
                    if (type && s.order.type != *type) continue;
                    if (start != 0 && s.created_at < start) continue;
                    if (end != 0 && s.created_at > end) continue;
                    if (by_ids && std::find(ids.begin(), ids.end(), s.id) == ids.end()) continue;
                    out.push_back(std::move(s));
                  }
                  std::reverse(out.begin(), out.end());  // newest first
                  return out;
                },
                [&markets, uid = *uid, page = *page](const std::vector<StopOrder>& all) {
                  json::array items;
                  for (std::size_t i = page.offset();
                       i < all.size() && i < page.offset() + page.limit(); ++i) {
                    items.push_back(StopOrderJson(all[i], uid, markets));
                  }
                  return Ok(PagedList(page, all.size(), std::move(items)));
                });
          });

  AddSpot(routes, http::verb::get, "/api/v1/stop-order/queryOrderByClientOid", Permission::kGeneral,
          3, [&loop, &markets](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const std::string* client_oid = call->QueryParam("clientOid");
            if (client_oid == nullptr || client_oid->empty()) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            auto symbol = ReadSymbol(*call, markets, /*required=*/false);
            if (!symbol) return Refuse(call, symbol.error());
            QueryEngine(
                loop, call,
                [uid = *uid, oid = *client_oid, symbol = *symbol](const Exchange& exchange) {
                  std::vector<StopOrder> out;
                  const auto wanted = engine::ClientOid::From(oid);
                  if (!wanted) return out;
                  auto s = exchange.FindStopOrderByClientOid(uid, *wanted);
                  if (s && (!symbol || s->order.symbol == *symbol)) out.push_back(std::move(*s));
                  return out;
                },
                [&markets, uid = *uid](const std::vector<StopOrder>& found) {
                  json::array items;
                  for (const StopOrder& s : found) items.push_back(StopOrderJson(s, uid, markets));
                  return Ok(items);
                });
          });

  AddSpot(routes, http::verb::get, "/api/v1/stop-order/{orderId}", Permission::kGeneral, 3,
          [&loop, &markets](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto id = OrderId::Parse(call->PathParam("orderId"));
            if (!id) return call->Respond(BusinessResponse(kOrderNotExist));
            QueryEngine(
                loop, call,
                [uid = *uid, id = *id](const Exchange& exchange) {
                  return exchange.FindStopOrder(uid, id);
                },
                [&markets, uid = *uid](const std::optional<StopOrder>& s) {
                  if (!s) return BusinessResponse(kOrderNotExist);
                  return Ok(StopOrderJson(*s, uid, markets));
                });
          });
}

void AddCancels(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const MarketConfig& markets = loop.exchange().markets();
  const auto extract = [](const CommandResult& r, const Exchange&) { return r; };
  AddSpot(routes, http::verb::delete_, "/api/v1/stop-order/cancelOrderByClientOid",
          Permission::kSpot, 5, [&loop, &markets, extract](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const std::string* text = call->QueryParam("clientOid");
            engine::ClientOid client_oid;
            if (text == nullptr || text->empty()) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            if (!client_oid.Assign(*text)) return Refuse(call, RejectReason::kOrderNotFound);
            auto symbol = ReadSymbol(*call, markets, /*required=*/false);
            if (!symbol) return Refuse(call, symbol.error());
            SubmitCommand(loop, call, CancelStopOrders{*uid, {}, client_oid, *symbol}, extract,
                          [oid = *text](const CommandResult& r) {
                            if (!r.ok()) return Refusal(r.reject).ToResponse();
                            return Ok(json::object{{"cancelledOrderId", r.order_id.ToString()},
                                                   {"clientOid", oid}});
                          });
          });

  AddSpot(
      routes, http::verb::delete_, "/api/v1/stop-order/cancel", Permission::kSpot, 3,
      [&loop, &markets](const std::shared_ptr<Call>& call) {
        const auto uid = Caller(call);
        if (!uid) return;
        if (auto trade_type = CheckTradeType(*call); !trade_type) {
          return call->Fail(trade_type.error());
        }
        auto symbol = ReadSymbol(*call, markets, /*required=*/false);
        if (!symbol) return Refuse(call, symbol.error());
        const auto render = [](const std::vector<OrderId>& ids) {
          return Ok(json::object{{"cancelledOrderIds", IdList(ids)}});
        };
        const std::vector<OrderId> ids = ReadOrderIds(*call);
        if (ids.empty()) {
          SubmitCommand(
              loop, call, CancelStopOrders{*uid, {}, {}, *symbol},
              [](const CommandResult& r, const Exchange&) { return r.canceled; }, render);
          return;
        }
        // One command per id, in order; the completions run one after the
        // other on the engine thread, the last one answers with all.
        auto cancelled = std::make_shared<std::vector<OrderId>>();
        for (std::size_t i = 0; i + 1 < ids.size(); ++i) {
          const bool queued = loop.Submit(
              CancelStopOrders{*uid, ids[i], {}, *symbol},
              [cancelled](const CommandResult& r, const Exchange&) -> engine::CommandLoop::Reply {
                if (r.ok()) cancelled->push_back(r.order_id);
                return nullptr;
              });
          if (!queued) return call->Fail(Error(ErrorCode::kServerBusy));
        }
        SubmitCommand(
            loop, call, CancelStopOrders{*uid, ids.back(), {}, *symbol},
            [cancelled](const CommandResult& r, const Exchange&) {
              if (r.ok()) cancelled->push_back(r.order_id);
              return *cancelled;
            },
            render);
      });

  AddSpot(routes, http::verb::delete_, "/api/v1/stop-order/{orderId}", Permission::kSpot, 3,
          [&loop, extract](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto id = OrderId::Parse(call->PathParam("orderId"));
            if (!id) return Refuse(call, RejectReason::kOrderNotFound);
            SubmitCommand(loop, call, CancelStopOrders{*uid, *id, {}, std::nullopt}, extract,
                          [](const CommandResult& r) {
                            if (!r.ok()) return Refusal(r.reject).ToResponse();
                            return Ok(json::object{{"cancelledOrderIds", IdList(r.canceled)}});
                          });
          });
}

}  // namespace

void AddStopOrderRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  AddPlace(routes, loop);
  AddQueries(routes, loop);
  AddCancels(routes, loop);
}

}  // namespace kc::api
