// Batches (/orders/multi, /hf/orders/multi[/sync]) submit one engine command
// per order; the engine applies them in submission order, and the answer is
// rendered once the last completion has run (a countdown shared by the
// completions, which run on the engine thread, and the submitting thread).
// Routes that name a symbol beside an order id (HF cancel, query and alter)
// first check on the engine thread that the order is of that symbol
// (CheckThenSubmit). Single HF place, cancel and alter are hf_orders.h's
// operations, shared with the WebSocket order API.
#include "api/order_routes.h"

#include "engine/order_rules.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/hf_orders.h"
#include "api/order_request.h"
#include "api/paging.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "core/decimal.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CommandResult;
using engine::Exchange;
using engine::MarketConfig;
using engine::Order;
using engine::OrderId;
using engine::SymbolId;
using engine::Uid;
using gateway::ApiResponse;
using gateway::Call;
using gateway::Permission;

namespace {

constexpr std::size_t kClassicBatchMax = 5;  // /api/v1/orders/multi
constexpr std::size_t kHfBatchMax = 20;      // /api/v1/hf/orders/multi
constexpr engine::Timestamp kDay = 86'400 * engine::kNanosPerSecond;

struct Ctx {
  engine::CommandLoop& loop;
  const MarketConfig& markets;
  const Clock& clock;
  HfOrders orders;  // the operations REST shares with the WebSocket order API
};

// The HF routes' ?symbol= (required).
std::optional<SymbolId> HfSymbol(const std::shared_ptr<Call>& call, const MarketConfig& markets) {
  auto symbol = ReadSymbol(*call, markets, /*required=*/true);
  if (!symbol) {
    Refuse(call, symbol.error());
    return std::nullopt;
  }
  return **symbol;
}

// Ids the /test routes answer with: KuCoin's shape, never an engine order
// (the top bit of the counter part is set, which engine sequences never reach).
OrderId TestOrderId(const Clock& clock) {
  static std::atomic<std::uint64_t> counter{0};
  return OrderId{static_cast<std::uint32_t>(clock.NowMs() / 1000),
                 (std::uint64_t{1} << 63) | ++counter};
}

// One order of a batch, and what became of it.
struct Slot {
  json::object request;  // as sent, echoed by the classic batch answer
  std::optional<engine::PlaceOrder> order;
  std::optional<Refusal> refusal;
  CommandResult result;
  std::optional<Order> state;  // after the command, for the sync answers
};

struct Batch : std::enable_shared_from_this<Batch> {
  std::vector<Slot> slots;
  std::atomic<std::size_t> pending{0};
  std::shared_ptr<Call> call;
  std::function<ApiResponse(std::vector<Slot>&)> render;

  // The last of the completions (and the submitter) posts the answer.
  void Done() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    boost::asio::post(call->executor(), [self = shared_from_this()] {
      self->call->Respond(self->render(self->slots));
    });
  }
};

void SubmitBatch(engine::CommandLoop& loop, const std::shared_ptr<Call>& call,
                 std::vector<Slot> slots, std::function<ApiResponse(std::vector<Slot>&)> render) {
  auto batch = std::make_shared<Batch>();
  batch->slots = std::move(slots);
  batch->call = call;
  batch->render = std::move(render);
  std::size_t orders = 0;
  for (const Slot& s : batch->slots) orders += s.order ? 1 : 0;
  batch->pending.store(orders + 1);
  for (std::size_t i = 0; i < batch->slots.size(); ++i) {
    Slot& slot = batch->slots[i];
    if (!slot.order) continue;
    const bool queued =
        loop.Submit(*slot.order, [batch, i](const CommandResult& result, const Exchange& exchange) {
          Slot& s = batch->slots[i];
          s.result = result;
          if (result.ok()) s.state = exchange.FindOrder(s.order->uid, result.order_id);
          return [batch] { batch->Done(); };  // once durable
        });
    if (!queued) {
      slot.refusal = Refusal(ErrorCode::kServerBusy);
      batch->Done();
    }
  }
  batch->Done();
}

// Why a slot failed, or nullopt when its order was placed.
std::optional<Refusal> SlotFailure(const Slot& s) {
  if (s.refusal) return s.refusal;
  if (!s.result.ok()) return Refusal(s.result.reject);
  return std::nullopt;
}

// Reads a batch body's orderList (at most `max` objects) into slots, parsing
// each order; an order that does not parse fails alone, as on KuCoin.
boost::system::result<std::vector<Slot>, Refusal> ReadBatch(const json::object& body,
                                                            const MarketConfig& markets, Uid uid,
                                                            std::optional<SymbolId> symbol,
                                                            std::size_t max) {
  const json::value* list = body.if_contains("orderList");
  if (list == nullptr || !list->is_array() || list->as_array().empty() ||
      list->as_array().size() > max) {
    return Refusal(ErrorCode::kInvalidParameter);
  }
  std::vector<Slot> slots;
  for (const json::value& item : list->as_array()) {
    Slot slot;
    if (!item.is_object()) {
      slot.refusal = Refusal(ErrorCode::kInvalidParameter);
    } else {
      slot.request = item.as_object();
      auto order = ParseOrder(slot.request, markets, uid, symbol);
      if (order) {
        slot.order = *order;
      } else {
        slot.refusal = order.error();
      }
    }
    slots.push_back(std::move(slot));
  }
  return slots;
}

json::value Echo(const json::object& request, std::string_view name) {
  const json::value* v = request.if_contains(name);
  return v ? *v : json::value(nullptr);
}

// Classic queries: an order of this user by id or clientOid.
enum class Style { kClassic, kHf };

json::object OrderJson(const Order& o, const MarketConfig& markets, Style style) {
  return style == Style::kClassic ? ClassicOrderJson(o, markets) : HfOrderJson(o, markets);
}

// Registers the place routes of one family.
void AddPlaceRoutes(gateway::RouteTable& routes, const Ctx& ctx) {
  // POST /api/v1/orders and /api/v1/hf/orders[/sync] (hf_orders.h; spot.order's twin).
  auto place = [ctx](PlaceAnswer answer) {
    return [ctx, answer](const std::shared_ptr<Call>& call) {
      const auto uid = Caller(call);
      if (!uid) return;
      auto body = ParseJsonObject(call->body());
      if (!body) return call->Fail(body.error());
      ctx.orders.Place(*uid, *body, answer, OpCall::ForRest(call));
    };
  };
  AddSpot(routes, http::verb::post, "/api/v1/orders", Permission::kSpot, 2,
          place(PlaceAnswer::kClassic));
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders", Permission::kSpot, 1,
          place(PlaceAnswer::kHf));
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/sync", Permission::kSpot, 1,
          place(PlaceAnswer::kHfSync));

  // The /test routes check everything but balances and place nothing.
  auto test = [ctx](bool hf) {
    return [ctx, hf](const std::shared_ptr<Call>& call) {
      const auto uid = Caller(call);
      if (!uid) return;
      auto body = ParseJsonObject(call->body());
      if (!body) return call->Fail(body.error());
      auto order = ParseOrder(*body, ctx.markets, *uid);
      if (!order) return Refuse(call, order.error());
      if (auto reject = engine::ValidateOrder(*order, ctx.markets);
          reject != engine::RejectReason::kNone) {
        return Refuse(call, reject);
      }
      json::object data{{"orderId", TestOrderId(ctx.clock).ToString()}};
      if (hf) data["clientOid"] = order->client_oid.view();
      call->Respond(Ok(data));
    };
  };
  AddSpot(routes, http::verb::post, "/api/v1/orders/test", Permission::kSpot, 2, test(false));
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/test", Permission::kSpot, 1, test(true));

  AddSpot(
      routes, http::verb::post, "/api/v1/orders/multi", Permission::kSpot, 3,
      [ctx](const std::shared_ptr<Call>& call) {
        const auto uid = Caller(call);
        if (!uid) return;
        auto body = ParseJsonObject(call->body());
        if (!body) return call->Fail(body.error());
        auto symbol_name = RequireString(*body, "symbol");
        if (!symbol_name) return call->Fail(symbol_name.error());
        const auto symbol = ctx.markets.FindSymbol(*symbol_name);
        if (!symbol) return Refuse(call, engine::RejectReason::kUnknownSymbol);
        auto slots = ReadBatch(*body, ctx.markets, *uid, *symbol, kClassicBatchMax);
        if (!slots) return Refuse(call, slots.error());
        SubmitBatch(
            ctx.loop, call, std::move(*slots),
            [symbol_name = *symbol_name](std::vector<Slot>& done) {
              json::array items;
              for (const Slot& s : done) {
                const auto failure = SlotFailure(s);
                const json::value tif = Echo(s.request, "timeInForce");
                items.push_back(json::object{
                    {"symbol", symbol_name},
                    {"type",
                     s.request.contains("type") ? Echo(s.request, "type") : json::value("limit")},
                    {"side", Echo(s.request, "side")},
                    {"price", Echo(s.request, "price")},
                    {"size", Echo(s.request, "size")},
                    {"funds", Echo(s.request, "funds")},
                    {"stp", s.request.contains("stp") ? Echo(s.request, "stp") : json::value("")},
                    {"stop", ""},
                    {"stopPrice", nullptr},
                    {"timeInForce", tif.is_null() ? json::value("GTC") : tif},
                    {"cancelAfter", s.order ? s.order->cancel_after : 0},
                    {"postOnly", s.order && s.order->post_only},
                    {"hidden", s.order && s.order->hidden},
                    {"iceberge", s.order && s.order->iceberg},
                    {"iceberg", s.order && s.order->iceberg},
                    {"visibleSize", Echo(s.request, "visibleSize")},
                    {"channel", "API"},
                    {"id",
                     failure ? json::value(nullptr) : json::value(s.result.order_id.ToString())},
                    {"status", failure ? "fail" : "success"},
                    {"failMsg", failure ? json::value(failure->Message()) : json::value(nullptr)},
                    {"clientOid", Echo(s.request, "clientOid")},
                });
              }
              return Ok(json::object{{"data", std::move(items)}});
            });
      });

  auto hf_multi = [ctx](bool sync) {
    return [ctx, sync](const std::shared_ptr<Call>& call) {
      const auto uid = Caller(call);
      if (!uid) return;
      auto body = ParseJsonObject(call->body());
      if (!body) return call->Fail(body.error());
      auto slots = ReadBatch(*body, ctx.markets, *uid, std::nullopt, kHfBatchMax);
      if (!slots) return Refuse(call, slots.error());
      SubmitBatch(ctx.loop, call, std::move(*slots), [ctx, sync](std::vector<Slot>& done) {
        json::array items;
        for (const Slot& s : done) {
          if (const auto failure = SlotFailure(s)) {
            items.push_back(json::object{{"success", false}, {"failMsg", failure->Message()}});
            continue;
          }
          json::object item =
              sync && s.state ? HfSynced(*s.state, ctx.markets) : HfPlaced(s.result, *s.order);
          item["success"] = true;
          items.push_back(std::move(item));
        }
        return Ok(items);
      });
    };
  };
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/multi", Permission::kSpot, 1,
          hf_multi(false));
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/multi/sync", Permission::kSpot, 1,
          hf_multi(true));
}

void AddCancelRoutes(gateway::RouteTable& routes, const Ctx& ctx) {
  AddSpot(routes, http::verb::delete_, "/api/v1/orders/{orderId}", Permission::kSpot, 3,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto id = OrderId::Parse(call->PathParam("orderId"));
            if (!id) return Refuse(call, engine::RejectReason::kOrderNotFound);
            SubmitCommand(
                ctx.loop, call, engine::CancelOrder{*uid, *id},
                [](const CommandResult& r, const Exchange&) { return r; },
                [](CommandResult r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  return Ok(json::object{
                      {"cancelledOrderIds", json::array{json::string(r.order_id.ToString())}}});
                });
          });
  AddSpot(routes, http::verb::delete_, "/api/v1/order/client-order/{clientOid}", Permission::kSpot,
          5, [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const std::string client_oid(call->PathParam("clientOid"));
            engine::CancelByClientOid cancel{*uid, {}};
            if (!cancel.client_oid.Assign(client_oid)) {
              return Refuse(call, engine::RejectReason::kOrderNotFound);
            }
            SubmitCommand(
                ctx.loop, call, cancel, [](const CommandResult& r, const Exchange&) { return r; },
                [client_oid](CommandResult r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  return Ok(json::object{{"cancelledOrderId", r.order_id.ToString()},
                                         {"clientOid", client_oid},
                                         {"cancelledOcoOrderIds", nullptr}});
                });
          });
  AddSpot(routes, http::verb::delete_, "/api/v1/orders", Permission::kSpot, 20,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            if (auto trade_type = CheckTradeType(*call); !trade_type) {
              return call->Fail(trade_type.error());
            }
            auto symbol = ReadSymbol(*call, ctx.markets, /*required=*/false);
            if (!symbol) return Refuse(call, symbol.error());
            SubmitCommand(
                ctx.loop, call, engine::CancelAll{*uid, *symbol},
                [](const CommandResult& r, const Exchange&) { return r; },
                [](CommandResult r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  json::array ids;
                  for (const OrderId& id : r.canceled) ids.push_back(json::string(id.ToString()));
                  return Ok(json::object{{"cancelledOrderIds", std::move(ids)}});
                });
          });

  // HF cancels by id or clientOid, each with a plain and a sync answer
  // (hf_orders.h; spot.cancel's and spot.sync_cancel's twins).
  auto hf_cancel = [ctx](bool by_client_oid, bool sync) {
    return [ctx, by_client_oid, sync](const std::shared_ptr<Call>& call) {
      const auto uid = Caller(call);
      if (!uid) return;
      json::object args;
      if (const std::string* symbol = call->QueryParam("symbol")) args["symbol"] = *symbol;
      const std::string_view key = call->PathParam(by_client_oid ? "clientOid" : "orderId");
      args[by_client_oid ? "clientOid" : "orderId"] = key;
      ctx.orders.Cancel(*uid, args, sync, OpCall::ForRest(call));
    };
  };
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/{orderId}", Permission::kSpot, 1,
          hf_cancel(false, false));
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/sync/{orderId}", Permission::kSpot, 1,
          hf_cancel(false, true));
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/client-order/{clientOid}",
          Permission::kSpot, 1, hf_cancel(true, false));
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/sync/client-order/{clientOid}",
          Permission::kSpot, 1, hf_cancel(true, true));

  // Partial cancel: ?symbol= and ?cancelSize= (at the pair's base scale).
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/cancel/{orderId}", Permission::kSpot, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto symbol = HfSymbol(call, ctx.markets);
            if (!symbol) return;
            const std::string* size_text = call->QueryParam("cancelSize");
            if (size_text == nullptr) return call->Fail(Error(ErrorCode::kInvalidParameter));
            const auto size = ParseDecimal(*size_text, ctx.markets.base_scale(*symbol));
            if (!size) {
              if (size.error() == DecimalError::kTooPrecise) {
                return Refuse(call, engine::RejectReason::kSizeIncrement);
              }
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            const auto id = OrderId::Parse(call->PathParam("orderId"));
            if (!id) return Refuse(call, engine::RejectReason::kOrderNotFound);
            SubmitCommand(
                ctx.loop, call, engine::ReduceOrder{*uid, *id, *symbol, *size},
                [](const CommandResult& r, const Exchange&) { return r; },
                [ctx, symbol = *symbol](const CommandResult& r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  return Ok(json::object{
                      {"orderId", r.order_id.ToString()},
                      {"cancelSize", FormatDecimal(r.reduced, ctx.markets.base_scale(symbol))}});
                });
          });

  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders", Permission::kSpot, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto symbol = HfSymbol(call, ctx.markets);
            if (!symbol) return;
            SubmitCommand(
                ctx.loop, call, engine::CancelAll{*uid, *symbol},
                [](const CommandResult& r, const Exchange&) { return r; },
                [](CommandResult r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  return Ok(json::string("success"));
                });
          });
  AddSpot(routes, http::verb::delete_, "/api/v1/hf/orders/cancelAll", Permission::kSpot, 30,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            SubmitCommand(
                ctx.loop, call, engine::CancelAll{*uid, std::nullopt},
                [uid = *uid](const CommandResult& r, const Exchange& exchange) {
                  std::set<SymbolId> symbols;
                  for (const OrderId& id : r.canceled) {
                    if (const auto o = exchange.FindOrder(uid, id)) symbols.insert(o->symbol);
                  }
                  return std::make_pair(r, symbols);
                },
                [ctx](std::pair<CommandResult, std::set<SymbolId>> out) {
                  if (!out.first.ok()) return Refusal(out.first.reject).ToResponse();
                  json::array names;
                  for (SymbolId s : out.second) {
                    names.push_back(json::string(ctx.markets.symbol(s).symbol));
                  }
                  return Ok(json::object{{"succeedSymbols", std::move(names)},
                                         {"failedSymbols", json::array()}});
                });
          });

  // spot.modify's twin (hf_orders.h).
  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/alter", Permission::kSpot, 1,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            auto body = ParseJsonObject(call->body());
            if (!body) return call->Fail(body.error());
            ctx.orders.Alter(*uid, *body, OpCall::ForRest(call));
          });
}

void AddQueryRoutes(gateway::RouteTable& routes, const Ctx& ctx) {
  // One order by id or clientOid; HF routes also name its symbol.
  auto one = [ctx](bool by_client_oid, Style style) {
    return [ctx, by_client_oid, style](const std::shared_ptr<Call>& call) {
      const auto uid = Caller(call);
      if (!uid) return;
      std::optional<SymbolId> symbol;
      if (style == Style::kHf) {
        symbol = HfSymbol(call, ctx.markets);
        if (!symbol) return;
      }
      const std::string key(call->PathParam(by_client_oid ? "clientOid" : "orderId"));
      std::optional<OrderId> id;
      if (!by_client_oid) {
        id = OrderId::Parse(key);
        if (!id) return call->Respond(BusinessResponse(kOrderNotExist));
      }
      QueryEngine(
          ctx.loop, call,
          [uid = *uid, key, id, symbol](const Exchange& exchange) {
            auto order =
                id ? exchange.FindOrder(uid, *id) : exchange.FindOrderByClientOid(uid, key);
            if (order && symbol && order->symbol != *symbol) order.reset();
            return order;
          },
          [ctx, style](std::optional<Order> order) {
            if (!order) return BusinessResponse(kOrderNotExist);
            return Ok(OrderJson(*order, ctx.markets, style));
          });
    };
  };
  AddSpot(routes, http::verb::get, "/api/v1/orders/{orderId}", Permission::kGeneral, 2,
          one(false, Style::kClassic));
  AddSpot(routes, http::verb::get, "/api/v1/order/client-order/{clientOid}", Permission::kGeneral,
          2, one(true, Style::kClassic));
  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/{orderId}", Permission::kGeneral, 2,
          one(false, Style::kHf));
  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/client-order/{clientOid}",
          Permission::kGeneral, 2, one(true, Style::kHf));

  // GET /api/v1/orders: active or done, filtered and paged.
  AddSpot(routes, http::verb::get, "/api/v1/orders", Permission::kGeneral, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            if (auto trade_type = CheckTradeType(*call); !trade_type) {
              return call->Fail(trade_type.error());
            }
            const std::string* status = call->QueryParam("status");
            bool active = false;
            if (status && *status == "active") {
              active = true;
            } else if (status && !status->empty() && *status != "done") {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            auto page = ReadPage(*call, 50, 500);
            if (!page) return call->Fail(page.error());
            auto symbol = ReadSymbol(*call, ctx.markets, /*required=*/false);
            if (!symbol) return Refuse(call, symbol.error());
            auto side = ReadSide(*call);
            auto type = ReadOrderType(*call);
            auto start = ReadMillis(*call, "startAt");
            auto end = ReadMillis(*call, "endAt");
            if (!side || !type || !start || !end) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            engine::OrderFilter filter{*uid, *symbol, *side, *type, *start, *end};
            struct Copy {
              std::size_t total = 0;
              std::vector<Order> items;
            };
            QueryEngine(
                ctx.loop, call,
                [filter, active, page = *page](const Exchange& exchange) {
                  Copy copy;
                  if (!active) {
                    copy.total =
                        exchange.DoneOrders(filter, page.offset(), page.limit(), &copy.items);
                    return copy;
                  }
                  for (const Order& o : exchange.ActiveOrders(filter.uid, filter.symbol)) {
                    if (filter.side && o.side != *filter.side) continue;
                    if (filter.type && o.type != *filter.type) continue;
                    if (filter.start != 0 && o.created_at < filter.start) continue;
                    if (filter.end != 0 && o.created_at > filter.end) continue;
                    if (copy.total >= page.offset() && copy.total < page.offset() + page.limit()) {
                      copy.items.push_back(o);
                    }
                    ++copy.total;
                  }
                  return copy;
                },
                [ctx, page = *page](Copy copy) {
                  json::array items;
                  for (const Order& o : copy.items)
                    items.push_back(ClassicOrderJson(o, ctx.markets));
                  return Ok(PagedList(page, copy.total, std::move(items)));
                });
          });
  // The done orders of the last 24 hours, at most 1000.
  AddSpot(routes, http::verb::get, "/api/v1/limit/orders", Permission::kGeneral, 3,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            engine::OrderFilter filter;
            filter.uid = *uid;
            filter.start = ctx.clock.NowMs() * engine::kNanosPerMilli - kDay;
            QueryEngine(
                ctx.loop, call,
                [filter](const Exchange& exchange) {
                  std::vector<Order> out;
                  exchange.DoneOrders(filter, 0, 1000, &out);
                  return out;
                },
                [ctx](std::vector<Order> orders) {
                  json::array data;
                  for (const Order& o : orders) data.push_back(ClassicOrderJson(o, ctx.markets));
                  return Ok(data);
                });
          });

  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/active", Permission::kGeneral, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto symbol = HfSymbol(call, ctx.markets);
            if (!symbol) return;
            QueryEngine(
                ctx.loop, call,
                [uid = *uid, symbol = *symbol](const Exchange& exchange) {
                  return exchange.ActiveOrders(uid, symbol);
                },
                [ctx](std::vector<Order> orders) {
                  json::array data;
                  for (const Order& o : orders) data.push_back(HfOrderJson(o, ctx.markets));
                  return Ok(data);
                });
          });
  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/active/page", Permission::kGeneral, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto symbol = HfSymbol(call, ctx.markets);
            if (!symbol) return;
            const auto page = ReadPage(*call, 20, 100, "pageNum");
            if (!page) return call->Fail(page.error());
            QueryEngine(
                ctx.loop, call,
                [uid = *uid, symbol = *symbol, page = *page](const Exchange& exchange) {
                  std::vector<Order> all = exchange.ActiveOrders(uid, symbol);
                  const std::size_t total = all.size();
                  const auto first = std::min(page.offset(), total);
                  const auto last = std::min(first + page.limit(), total);
                  return std::make_pair(
                      total, std::vector<Order>(all.begin() + static_cast<std::ptrdiff_t>(first),
                                                all.begin() + static_cast<std::ptrdiff_t>(last)));
                },
                [ctx, page = *page](std::pair<std::size_t, std::vector<Order>> out) {
                  json::array items;
                  for (const Order& o : out.second) items.push_back(HfOrderJson(o, ctx.markets));
                  return Ok(PagedList(page, out.first, std::move(items)));
                });
          });
  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/active/symbols", Permission::kSpot, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            QueryEngine(
                ctx.loop, call,
                [uid = *uid](const Exchange& exchange) {
                  std::set<SymbolId> symbols;
                  for (const Order& o : exchange.ActiveOrders(uid)) symbols.insert(o.symbol);
                  return symbols;
                },
                [ctx](std::set<SymbolId> symbols) {
                  json::array names;
                  for (SymbolId s : symbols) {
                    names.push_back(json::string(ctx.markets.symbol(s).symbol));
                  }
                  return Ok(json::object{{"symbols", std::move(names)}});
                });
          });
  // Done orders with KuCoin's lastId paging: newest first by order id, the
  // page after `lastId`; the answer's lastId is the last item's (0 when empty).
  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/done", Permission::kGeneral, 2,
          [ctx](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            const auto symbol = HfSymbol(call, ctx.markets);
            if (!symbol) return;
            auto side = ReadSide(*call);
            auto type = ReadOrderType(*call);
            auto start = ReadMillis(*call, "startAt");
            auto end = ReadMillis(*call, "endAt");
            auto last_id = ReadInteger(*call, "lastId");
            auto limit = ReadInteger(*call, "limit");
            if (!side || !type || !start || !end || !last_id || !limit) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            const std::size_t count =
                static_cast<std::size_t>(std::clamp<std::int64_t>(limit->value_or(20), 1, 100));
            engine::OrderFilter filter{*uid, *symbol, *side, *type, *start, *end};
            QueryEngine(
                ctx.loop, call,
                [filter, before = static_cast<std::uint64_t>(last_id->value_or(0)),
                 count](const Exchange& exchange) {
                  std::vector<Order> all;
                  exchange.DoneOrders(filter, 0, std::numeric_limits<std::size_t>::max(), &all);
                  std::erase_if(all,
                                [&](const Order& o) { return before != 0 && o.id.seq >= before; });
                  std::sort(all.begin(), all.end(),
                            [](const Order& a, const Order& b) { return a.id.seq > b.id.seq; });
                  if (all.size() > count) all.resize(count);
                  return all;
                },
                [ctx](std::vector<Order> orders) {
                  json::array items;
                  for (const Order& o : orders) items.push_back(HfOrderJson(o, ctx.markets));
                  const std::uint64_t last = orders.empty() ? 0 : orders.back().id.seq;
                  return Ok(json::object{{"lastId", last}, {"items", std::move(items)}});
                });
          });
}

}  // namespace

void AddOrderRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock) {
  const Ctx ctx{loop, loop.exchange().markets(), clock, HfOrders(loop)};
  AddPlaceRoutes(routes, ctx);
  AddCancelRoutes(routes, ctx);
  AddQueryRoutes(routes, ctx);
}

}  // namespace kc::api
