#include "api/info_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "api/engine_calls.h"
#include "api/paging.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "core/decimal.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CurrencyId;
using gateway::Call;
using gateway::Permission;

namespace {

constexpr std::string_view kUsdStable = "USDT";

// Each listed currency's USD price in USDT units (its precision), when the
// market has one: 1 for USDT, the last X-USDT trade, or the last X-Q trade
// times the last Q-USDT trade.
std::vector<std::optional<engine::Units>> UsdPrices(const engine::Exchange& exchange) {
  const engine::MarketConfig& markets = exchange.markets();
  std::vector<std::optional<engine::Units>> out(markets.currencies.size());
  const auto usdt = markets.FindCurrency(kUsdStable);
  if (!usdt) return out;
  const int usdt_scale = markets.currency(*usdt).precision;
  out[*usdt] = Pow10(usdt_scale);
  const auto last = [&](engine::SymbolId s) -> std::optional<engine::Units> {
    const auto trade = exchange.market_data(s).LastTrade();
    if (!trade) return std::nullopt;
    return trade->price;
  };
  for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
    const engine::SymbolSpec& spec = markets.symbol(s);
    if (spec.quote == *usdt && !out[spec.base]) out[spec.base] = last(s);
  }
  for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
    const engine::SymbolSpec& spec = markets.symbol(s);
    if (out[spec.base] || !out[spec.quote] || spec.quote == *usdt) continue;
    const auto price = last(s);
    if (!price) continue;
    // base in quote x quote in USDT, at USDT's precision.
    const auto usd = MulDecimal(*price, markets.currency(spec.quote).precision, *out[spec.quote],
                                usdt_scale, usdt_scale, Rounding::kDown);
    if (usd) out[spec.base] = *usd;
  }
  return out;
}

}  // namespace

void AddInfoRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const engine::MarketConfig& markets = loop.exchange().markets();

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/my-ip",
              .permission = Permission::kNone,
              .weight = 1,
              .handler = [](const std::shared_ptr<Call>& call) {
                call->Respond(Ok(json::string(call->peer().ip)));
              }});

  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/prices",
       .permission = Permission::kNone,
       .weight = 3,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         if (const std::string* base = call->QueryParam("base");
             base && !base->empty() && *base != "USD") {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         // ?currencies=BTC,ETH: those (unknown names are left out); else all.
         std::vector<bool> wanted(markets.currencies.size(), true);
         if (const std::string* list = call->QueryParam("currencies"); list && !list->empty()) {
           wanted.assign(markets.currencies.size(), false);
           std::string_view rest = *list;
           while (!rest.empty()) {
             const std::size_t comma = rest.find(',');
             if (const auto id = markets.FindCurrency(rest.substr(0, comma))) wanted[*id] = true;
             rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
           }
         }
         QueryEngine(
             loop, call, [](const engine::Exchange& exchange) { return UsdPrices(exchange); },
             [&markets, wanted](std::vector<std::optional<engine::Units>> prices) {
               json::object data;
               const auto usdt = markets.FindCurrency(kUsdStable);
               for (CurrencyId c = 0; c < prices.size(); ++c) {
                 if (!wanted[c] || !prices[c] || !usdt) continue;
                 data[markets.currency(c).currency] =
                     Amount(*prices[c], markets.currency(*usdt).precision);
               }
               return Ok(data);
             });
       }});

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v3/announcements",
              .permission = Permission::kNone,
              .weight = 20,
              .handler = [](const std::shared_ptr<Call>& call) {
                auto page = ReadPage(*call, 50, 100);
                if (!page) return call->Fail(page.error());
                call->Respond(Ok(PagedList(*page, 0, json::array())));
              }});
}

}  // namespace kc::api
