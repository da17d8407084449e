#include "api/fill_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/paging.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::Exchange;
using engine::Fill;
using engine::MarketConfig;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

constexpr engine::Timestamp kDay = 86'400 * engine::kNanosPerSecond;

// The filters /fills and /hf/fills share; answers the call itself on a bad one.
// `no_match` is set when ?orderId= cannot name any order (not a KuCoin id).
std::optional<engine::FillFilter> ReadFillFilter(const std::shared_ptr<Call>& call,
                                                 const MarketConfig& markets, bool symbol_required,
                                                 bool* no_match) {
  const auto uid = Caller(call);
  if (!uid) return std::nullopt;
  if (auto trade_type = CheckTradeType(*call); !trade_type) {
    call->Fail(trade_type.error());
    return std::nullopt;
  }
  auto symbol = ReadSymbol(*call, markets, symbol_required);
  if (!symbol) {
    call->Respond(symbol.error().ToResponse());
    return std::nullopt;
  }
  auto side = ReadSide(*call);
  auto type = ReadOrderType(*call);
  auto start = ReadMillis(*call, "startAt");
  auto end = ReadMillis(*call, "endAt");
  if (!side || !type || !start || !end) {
    call->Fail(Error(ErrorCode::kInvalidParameter));
    return std::nullopt;
  }
  engine::FillFilter filter{*uid, *symbol, std::nullopt, *side, *type, *start, *end};
  *no_match = false;
  if (const std::string* order_id = call->QueryParam("orderId"); order_id && !order_id->empty()) {
    filter.order_id = engine::OrderId::Parse(*order_id);
    *no_match = !filter.order_id.has_value();
  }
  return filter;
}

}  // namespace

void AddFillRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock) {
  const MarketConfig& markets = loop.exchange().markets();

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/fills",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kSpot,
              .weight = 10,
              .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
                bool no_match = false;
                const auto filter = ReadFillFilter(call, markets, false, &no_match);
                if (!filter) return;
                auto page = ReadPage(*call, 50, 500);
                if (!page) return call->Fail(page.error());
                if (no_match) return call->Respond(Ok(PagedList(*page, 0, {})));
                struct Copy {
                  std::size_t total = 0;
                  std::vector<Fill> items;
                };
                QueryEngine(
                    loop, call,
                    [filter = *filter, page = *page](const Exchange& exchange) {
                      Copy copy;
                      copy.total = exchange.Fills(filter, page.offset(), page.limit(), &copy.items);
                      return copy;
                    },
                    [&markets, page = *page](Copy copy) {
                      json::array items;
                      for (const Fill& f : copy.items) items.push_back(ClassicFillJson(f, markets));
                      return Ok(PagedList(page, copy.total, std::move(items)));
                    });
              }});
  // lastId paging: fills newest first, those with an id below lastId; the
  // answer's lastId is the last item's id (0 when there is none).
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/hf/fills",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kSpot,
              .weight = 2,
              .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
                bool no_match = false;
                auto filter = ReadFillFilter(call, markets, true, &no_match);
                if (!filter) return;
                auto last_id = ReadInteger(*call, "lastId");
                auto limit = ReadInteger(*call, "limit");
                if (!last_id || !limit) return call->Fail(Error(ErrorCode::kInvalidParameter));
                const std::size_t count =
                    static_cast<std::size_t>(std::clamp<std::int64_t>(limit->value_or(20), 1, 100));
                auto render = [&markets](std::vector<Fill> fills) {
                  json::array items;
                  for (const Fill& f : fills) items.push_back(HfFillJson(f, markets));
                  const std::uint64_t last = fills.empty() ? 0 : fills.back().id;
                  return Ok(json::object{{"items", std::move(items)}, {"lastId", last}});
                };
                if (no_match) return call->Respond(render({}));
                QueryEngine(
                    loop, call,
                    [filter = *filter, before = static_cast<std::uint64_t>(last_id->value_or(0)),
                     count](const Exchange& exchange) {
                      std::vector<Fill> out;
                      if (before == 0) {
                        exchange.Fills(filter, 0, count, &out);
                        return out;
                      }
                      std::vector<Fill> all;
                      exchange.Fills(filter, 0, std::numeric_limits<std::size_t>::max(), &all);
                      for (const Fill& f : all) {
                        if (out.size() >= count) break;
                        if (f.id < before) out.push_back(f);
                      }
                      return out;
                    },
                    render);
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/limit/fills",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kSpot,
              .weight = 20,
              .handler = [&loop, &markets, &clock](const std::shared_ptr<Call>& call) {
                const auto uid = Caller(call);
                if (!uid) return;
                engine::FillFilter filter;
                filter.uid = *uid;
                filter.start = clock.NowMs() * engine::kNanosPerMilli - kDay;
                QueryEngine(
                    loop, call,
                    [filter](const Exchange& exchange) {
                      std::vector<Fill> out;
                      exchange.Fills(filter, 0, 1000, &out);
                      return out;
                    },
                    [&markets](std::vector<Fill> fills) {
                      json::array data;
                      for (const Fill& f : fills) data.push_back(ClassicFillJson(f, markets));
                      return Ok(data);
                    });
              }});
}

}  // namespace kc::api
