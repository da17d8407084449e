#include "api/fee_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <string_view>

#include "api/business_error.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using gateway::Call;
using gateway::Permission;

namespace {

// KuCoin answers at most this many symbols per trade-fees call.
constexpr std::size_t kMaxFeeSymbols = 10;

json::object FeeJson(std::int64_t maker, std::int64_t taker) {
  return json::object{{"takerFeeRate", Rate(taker)}, {"makerFeeRate", Rate(maker)}};
}

}  // namespace

std::pair<std::int64_t, std::int64_t> BasicFeeRates(const engine::MarketConfig& markets) {
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> uses;
  std::pair<std::int64_t, std::int64_t> best{0, 0};
  std::size_t best_uses = 0;
  for (const engine::SymbolSpec& s : markets.symbols) {
    const std::pair rates{s.maker_fee_rate, s.taker_fee_rate};
    if (const std::size_t n = ++uses[rates]; n > best_uses) {
      best = rates;
      best_uses = n;
    }
  }
  return best;
}

void AddFeeRoutes(gateway::RouteTable& routes, const engine::MarketConfig& markets) {
  // currencyType 0 (crypto, the SDK's default) or 1 (fiat): one rate here.
  AddSpot(routes, http::verb::get, "/api/v1/base-fee", Permission::kGeneral, 3,
          [&markets](const std::shared_ptr<Call>& call) {
            if (!Caller(call)) return;
            if (const std::string* type = call->QueryParam("currencyType");
                type && !type->empty() && *type != "0" && *type != "1") {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            const auto [maker, taker] = BasicFeeRates(markets);
            call->Respond(Ok(FeeJson(maker, taker)));
          });
  AddSpot(routes, http::verb::get, "/api/v1/trade-fees", Permission::kGeneral, 3,
          [&markets](const std::shared_ptr<Call>& call) {
            if (!Caller(call)) return;
            const std::string* text = call->QueryParam("symbols");
            if (text == nullptr || text->empty()) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            json::array data;
            std::string_view rest = *text;
            while (!rest.empty()) {
              const std::size_t comma = rest.find(',');
              const std::string_view name = rest.substr(0, comma);
              rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
              if (name.empty()) continue;
              if (data.size() == kMaxFeeSymbols) {
                return call->Fail(Error(ErrorCode::kInvalidParameter));
              }
              const auto id = markets.FindSymbol(name);
              if (!id) return call->Respond(BusinessResponse(kPairNotProvided));
              const engine::SymbolSpec& s = markets.symbol(*id);
              json::object entry{{"symbol", s.symbol}};
              for (auto& [key, value] : FeeJson(s.maker_fee_rate, s.taker_fee_rate)) {
                entry[key] = value;
              }
              data.push_back(std::move(entry));
            }
            if (data.empty()) return call->Fail(Error(ErrorCode::kInvalidParameter));
            call->Respond(Ok(data));
          });
}

}  // namespace kc::api
