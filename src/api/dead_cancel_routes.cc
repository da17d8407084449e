#include "api/dead_cancel_routes.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <limits>
#include <string>
#include <vector>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CommandResult;
using engine::DeadCancel;
using engine::Exchange;
using engine::MarketConfig;
using engine::SymbolId;
using gateway::Call;
using gateway::Permission;

namespace {

// More pairs than KuCoin takes in one setting.
constexpr BusinessError kTooManySymbols{"400100", "symbols not in the given range!"};

std::int64_t Seconds(engine::Timestamp ts) { return ts / engine::kNanosPerSecond; }

// "BTC-USDT,ETH-USDT" -> the pairs' ids, each once, in the order given.
boost::system::result<std::vector<SymbolId>, Refusal> ParseSymbols(std::string_view text,
                                                                   const MarketConfig& markets) {
  std::vector<SymbolId> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view name = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) continue;
    const auto symbol = markets.FindSymbol(name);
    if (!symbol || *symbol > std::numeric_limits<std::uint16_t>::max()) {
      return Refusal(engine::RejectReason::kUnknownSymbol);
    }
    if (std::find(out.begin(), out.end(), *symbol) == out.end()) out.push_back(*symbol);
  }
  if (out.size() > engine::kMaxDeadCancelSymbols) return Refusal(kTooManySymbols);
  return out;
}

std::string SymbolList(const std::vector<SymbolId>& symbols, const MarketConfig& markets) {
  std::string out;
  for (SymbolId s : symbols) {
    if (!out.empty()) out += ',';
    out += markets.symbol(s).symbol;
  }
  return out;
}

}  // namespace

void AddDeadCancelRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                         const Clock& clock) {
  const MarketConfig& markets = loop.exchange().markets();

  AddSpot(routes, http::verb::post, "/api/v1/hf/orders/dead-cancel-all", Permission::kSpot, 2,
          [&loop, &markets](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            auto body = ParseJsonObject(call->body());
            if (!body) return call->Fail(body.error());
            const json::value* timeout = body->if_contains("timeout");
            if (timeout == nullptr || !timeout->is_int64()) {
              return call->Fail(Error(ErrorCode::kInvalidParameter));
            }
            const std::int64_t seconds = timeout->as_int64();
            if (seconds != -1 && (seconds < engine::kDeadCancelMinTimeout ||
                                  seconds > engine::kDeadCancelMaxTimeout)) {
              return call->Respond(Refusal(engine::RejectReason::kInvalidTimeout).ToResponse());
            }
            auto names = OptionalString(*body, "symbols");
            if (!names) return call->Fail(names.error());
            auto symbols = ParseSymbols(names->value_or(""), markets);
            if (!symbols) return call->Respond(symbols.error().ToResponse());
            engine::SetDeadCancel command;
            command.uid = *uid;
            command.timeout = static_cast<std::int32_t>(seconds);
            for (SymbolId s : *symbols) {
              command.symbols[command.symbol_count++] = static_cast<std::uint16_t>(s);
            }
            SubmitCommand(
                loop, call, command, [](const CommandResult& r, const Exchange&) { return r; },
                [seconds](const CommandResult& r) {
                  if (!r.ok()) return Refusal(r.reject).ToResponse();
                  // Cleared (-1): nothing will fire, so no trigger time (0).
                  const std::int64_t now = Seconds(r.at);
                  return Ok(json::object{{"currentTime", now},
                                         {"triggerTime", seconds == -1 ? 0 : now + seconds}});
                });
          });

  AddSpot(routes, http::verb::get, "/api/v1/hf/orders/dead-cancel-all/query", Permission::kGeneral,
          2, [&loop, &markets, &clock](const std::shared_ptr<Call>& call) {
            const auto uid = Caller(call);
            if (!uid) return;
            QueryEngine(
                loop, call,
                [uid = *uid](const Exchange& exchange) { return exchange.DeadCancelOf(uid); },
                [&markets, &clock](const std::optional<DeadCancel>& d) {
                  if (!d) return Ok(nullptr);
                  return Ok(json::object{{"timeout", d->timeout},
                                         {"symbols", SymbolList(d->symbols, markets)},
                                         {"currentTime", clock.NowMs() / 1000},
                                         {"triggerTime", Seconds(d->trigger_at)}});
                });
          });
}

}  // namespace kc::api
