#include "api/market_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "core/decimal.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::MarketConfig;
using engine::SymbolId;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

// KuCoin lists at most 1500 candles per request.
constexpr std::size_t kMaxCandles = 1500;

json::value OrNull(bool present, std::string text) {
  if (!present) return nullptr;
  return json::string(text);
}

json::object SymbolJson(const engine::SymbolSpec& s, const MarketConfig& markets) {
  const int bs = markets.currency(s.base).precision;
  const int qs = markets.currency(s.quote).precision;
  const std::string& quote = markets.currency(s.quote).currency;
  return json::object{
      {"symbol", s.symbol},
      {"name", s.name},
      {"baseCurrency", markets.currency(s.base).currency},
      {"quoteCurrency", quote},
      {"feeCurrency", quote},
      {"market", s.market},
      {"baseMinSize", Amount(s.base_min_size, bs)},
      {"quoteMinSize", Amount(s.quote_min_size, qs)},
      {"baseMaxSize", Amount(s.base_max_size, bs)},
      {"quoteMaxSize", Amount(s.quote_max_size, qs)},
      {"baseIncrement", Amount(s.base_increment, bs)},
      {"quoteIncrement", Amount(s.quote_increment, qs)},
      {"priceIncrement", Amount(s.price_increment, qs)},
      {"priceLimitRate", Rate(s.price_limit_rate)},
      {"minFunds", Amount(s.min_funds, qs)},
      {"isMarginEnabled", false},
      {"enableTrading", s.enable_trading},
      {"feeCategory", 1},
      {"makerFeeCoefficient", "1.00"},
      {"takerFeeCoefficient", "1.00"},
      {"st", false},
      {"callauctionIsEnabled", false},
      {"callauctionPriceFloor", nullptr},
      {"callauctionPriceCeiling", nullptr},
      {"callauctionFirstStageStartTime", nullptr},
      {"callauctionSecondStageStartTime", nullptr},
      {"callauctionThirdStageStartTime", nullptr},
      {"tradingStartTime", nullptr},
  };
}

json::value AmountOrNull(const std::optional<engine::Units>& units, int scale) {
  if (!units) return nullptr;
  return json::string(Amount(*units, scale));
}

json::object ChainJson(const engine::ChainSpec& chain, int precision) {
  return json::object{
      {"chainName", chain.chain_name},
      {"withdrawalMinSize", Amount(chain.withdrawal_min_size, precision)},
      {"depositMinSize", AmountOrNull(chain.deposit_min_size, precision)},
      {"withdrawFeeRate", Rate(chain.withdraw_fee_rate)},
      {"withdrawalMinFee", Amount(chain.withdrawal_min_fee, precision)},
      {"isWithdrawEnabled", chain.withdraw_enabled},
      {"isDepositEnabled", chain.deposit_enabled},
      {"confirms", chain.confirms},
      {"preConfirms", chain.pre_confirms},
      {"contractAddress", chain.contract_address},
      {"withdrawPrecision", chain.withdraw_precision},
      {"maxWithdraw", AmountOrNull(chain.max_withdraw, precision)},
      {"maxDeposit", AmountOrNull(chain.max_deposit, precision)},
      {"needTag", chain.need_tag},
      {"chainId", chain.chain_id},
  };
}

// /api/v3/currencies entries (and the legacy /api/v2/currencies/{currency}):
// deposits and withdrawals are simulated on the configured chains; `?chain=`
// (by chainId or chainName) keeps only that chain.
json::object CurrencyJson(const engine::CurrencySpec& c, const std::string* chain = nullptr) {
  json::array chains;
  for (const engine::ChainSpec& x : c.chains) {
    if (chain != nullptr && !chain->empty() && c.FindChain(*chain) != &x) continue;
    chains.push_back(ChainJson(x, c.precision));
  }
  return json::object{
      {"currency", c.currency},   {"name", c.name},          {"fullName", c.full_name},
      {"precision", c.precision}, {"confirms", nullptr},     {"contractAddress", nullptr},
      {"isMarginEnabled", false}, {"isDebitEnabled", false}, {"chains", std::move(chains)},
  };
}

// What a ticker needs, copied on the engine thread.
struct TickerCopy {
  SymbolId symbol = 0;
  std::optional<engine::BookLevel> bid, ask;
  engine::Stats24h stats;
  std::optional<engine::PublicTrade> last;
  std::uint64_t sequence = 0;
};

TickerCopy CopyTicker(const engine::Exchange& exchange, SymbolId symbol, engine::Timestamp now) {
  TickerCopy t;
  t.symbol = symbol;
  const engine::BookSnapshot book = exchange.Book(symbol, 1);
  if (!book.bids.empty()) t.bid = book.bids.front();
  if (!book.asks.empty()) t.ask = book.asks.front();
  t.sequence = book.sequence;
  const engine::MarketData& data = exchange.market_data(symbol);
  t.stats = data.Stats(now);
  t.last = data.LastTrade();
  return t;
}

// /api/v1/market/stats and the entries of /api/v1/market/allTickers.
// `time_ms` leads the single-symbol answer (stats), as KuCoin orders its fields.
json::object TickerJson(const TickerCopy& t, const MarketConfig& markets, bool all_tickers,
                        std::optional<std::int64_t> time_ms = std::nullopt) {
  const engine::SymbolSpec& s = markets.symbol(t.symbol);
  const int bs = markets.base_scale(t.symbol);
  const int qs = markets.quote_scale(t.symbol);
  const engine::Stats24h& st = t.stats;
  json::object out;
  if (time_ms) out["time"] = *time_ms;
  out["symbol"] = s.symbol;
  if (all_tickers) out["symbolName"] = s.name;
  out["buy"] = OrNull(t.bid.has_value(), t.bid ? Amount(t.bid->price, qs) : "");
  if (all_tickers)
    out["bestBidSize"] = OrNull(t.bid.has_value(), t.bid ? Amount(t.bid->size, bs) : "");
  out["sell"] = OrNull(t.ask.has_value(), t.ask ? Amount(t.ask->price, qs) : "");
  if (all_tickers)
    out["bestAskSize"] = OrNull(t.ask.has_value(), t.ask ? Amount(t.ask->size, bs) : "");
  out["changeRate"] = FormatDecimal(st.has_trades ? st.change_rate : 0, engine::kChangeRateScale);
  out["changePrice"] = Amount(st.has_trades ? st.change_price : 0, qs);
  out["high"] = OrNull(st.has_trades, Amount(st.high, qs));
  out["low"] = OrNull(st.has_trades, Amount(st.low, qs));
  out["vol"] = Amount(st.vol, bs);
  out["volValue"] = Amount(st.vol_value, qs);
  out["last"] = OrNull(t.last.has_value(), t.last ? Amount(t.last->price, qs) : "");
  out["averagePrice"] = OrNull(st.has_trades, Amount(st.average_price, qs));
  out["takerFeeRate"] = Rate(s.taker_fee_rate);
  out["makerFeeRate"] = Rate(s.maker_fee_rate);
  out["takerCoefficient"] = "1";
  out["makerCoefficient"] = "1";
  return out;
}

json::object BookJson(const engine::BookSnapshot& book, SymbolId symbol,
                      const MarketConfig& markets, std::int64_t now_ms) {
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  auto side = [&](const std::vector<engine::BookLevel>& levels) {
    json::array out;
    out.reserve(levels.size());
    for (const engine::BookLevel& l : levels) {
      out.push_back(
          json::array{json::string(Amount(l.price, qs)), json::string(Amount(l.size, bs))});
    }
    return out;
  };
  return json::object{
      {"time", now_ms},
      {"sequence", std::to_string(book.sequence)},
      {"bids", side(book.bids)},
      {"asks", side(book.asks)},
  };
}

// The ?symbol= of a market-data route; answers the call itself when missing
// or unknown.
std::optional<SymbolId> MarketSymbol(const std::shared_ptr<Call>& call,
                                     const MarketConfig& markets) {
  auto symbol = ReadSymbol(*call, markets, /*required=*/true, kPairNotProvided);
  if (!symbol) {
    call->Respond(symbol.error().ToResponse());
    return std::nullopt;
  }
  return **symbol;
}

void AddBookRoute(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock,
                  const MarketConfig& markets, std::string pattern, std::size_t depth, int weight,
                  Access access) {
  routes.Add({.method = http::verb::get,
              .pattern = std::move(pattern),
              .access = access,
              .permission = access == Access::kPublic ? Permission::kNone : Permission::kGeneral,
              .pool = access == Access::kPublic ? RatePool::kPublic : RatePool::kSpot,
              .weight = weight,
              .handler = [&loop, &clock, &markets, depth](const std::shared_ptr<Call>& call) {
                const auto symbol = MarketSymbol(call, markets);
                if (!symbol) return;
                QueryEngine(
                    loop, call,
                    [symbol = *symbol, depth](const engine::Exchange& exchange) {
                      return exchange.Book(symbol, depth);
                    },
                    [&clock, &markets, symbol = *symbol](engine::BookSnapshot book) {
                      return Ok(BookJson(book, symbol, markets, clock.NowMs()));
                    });
              }});
}

}  // namespace

void AddMarketRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop, const Clock& clock) {
  const MarketConfig& markets = loop.exchange().markets();

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v2/symbols",
              .permission = Permission::kNone,
              .weight = 4,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                const std::string* market = call->QueryParam("market");
                json::array data;
                for (const engine::SymbolSpec& s : markets.symbols) {
                  if (market && !market->empty() && *market != s.market) continue;
                  data.push_back(SymbolJson(s, markets));
                }
                call->Respond(Ok(data));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v2/symbols/{symbol}",
              .permission = Permission::kNone,
              .weight = 4,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                const auto id = markets.FindSymbol(call->PathParam("symbol"));
                if (!id) return call->Respond(BusinessResponse(kPairNotProvided));
                call->Respond(Ok(SymbolJson(markets.symbol(*id), markets)));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v3/currencies",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                json::array data;
                for (const engine::CurrencySpec& c : markets.currencies) {
                  data.push_back(CurrencyJson(c));
                }
                call->Respond(Ok(data));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v3/currencies/{currency}",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                const auto id = markets.FindCurrency(call->PathParam("currency"));
                if (!id) return call->Respond(BusinessResponse(kCurrencyNotExists));
                call->Respond(Ok(CurrencyJson(markets.currency(*id), call->QueryParam("chain"))));
              }});
  // The legacy detail (kucoin-node-sdk's getCurrencyDetail sends
  // /api/v2/currencies/BTC?currency=BTC): the same answer as v3.
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v2/currencies/{currency}",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                const auto id = markets.FindCurrency(call->PathParam("currency"));
                if (!id) return call->Respond(BusinessResponse(kCurrencyNotExists));
                call->Respond(Ok(CurrencyJson(markets.currency(*id), call->QueryParam("chain"))));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/markets",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&markets](const std::shared_ptr<Call>& call) {
                json::array data;
                std::set<std::string_view> seen;
                for (const engine::SymbolSpec& s : markets.symbols) {
                  if (seen.insert(s.market).second) data.push_back(json::string(s.market));
                }
                call->Respond(Ok(data));
              }});

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/market/allTickers",
              .permission = Permission::kNone,
              .weight = 15,
              .handler = [&loop, &clock, &markets](const std::shared_ptr<Call>& call) {
                const std::int64_t now_ms = clock.NowMs();
                QueryEngine(
                    loop, call,
                    [now_ms](const engine::Exchange& exchange) {
                      std::vector<TickerCopy> all;
                      const std::size_t n = exchange.markets().symbols.size();
                      all.reserve(n);
                      for (std::size_t i = 0; i < n; ++i) {
                        all.push_back(CopyTicker(exchange, static_cast<SymbolId>(i),
                                                 now_ms * engine::kNanosPerMilli));
                      }
                      return all;
                    },
                    [&markets, now_ms](std::vector<TickerCopy> all) {
                      json::array tickers;
                      for (const TickerCopy& t : all)
                        tickers.push_back(TickerJson(t, markets, true));
                      return Ok(json::object{{"time", now_ms}, {"ticker", std::move(tickers)}});
                    });
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/market/stats",
              .permission = Permission::kNone,
              .weight = 15,
              .handler = [&loop, &clock, &markets](const std::shared_ptr<Call>& call) {
                const auto symbol = MarketSymbol(call, markets);
                if (!symbol) return;
                const std::int64_t now_ms = clock.NowMs();
                QueryEngine(
                    loop, call,
                    [symbol = *symbol, now_ms](const engine::Exchange& exchange) {
                      return CopyTicker(exchange, symbol, now_ms * engine::kNanosPerMilli);
                    },
                    [&markets, now_ms](TickerCopy t) {
                      return Ok(TickerJson(t, markets, false, now_ms));
                    });
              }});
  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/market/orderbook/level1",
       .permission = Permission::kNone,
       .weight = 2,
       .handler = [&loop, &clock, &markets](const std::shared_ptr<Call>& call) {
         const auto symbol = MarketSymbol(call, markets);
         if (!symbol) return;
         const std::int64_t now_ms = clock.NowMs();
         QueryEngine(
             loop, call,
             [symbol = *symbol, now_ms](const engine::Exchange& exchange) {
               return CopyTicker(exchange, symbol, now_ms * engine::kNanosPerMilli);
             },
             [&markets, now_ms](TickerCopy t) {
               const int bs = markets.base_scale(t.symbol);
               const int qs = markets.quote_scale(t.symbol);
               const bool traded = t.last.has_value();
               return Ok(json::object{
                   {"time", now_ms},
                   {"sequence", std::to_string(t.sequence)},
                   {"price", OrNull(traded, traded ? Amount(t.last->price, qs) : "")},
                   {"size", OrNull(traded, traded ? Amount(t.last->size, bs) : "")},
                   {"bestBid", OrNull(t.bid.has_value(), t.bid ? Amount(t.bid->price, qs) : "")},
                   {"bestBidSize", OrNull(t.bid.has_value(), t.bid ? Amount(t.bid->size, bs) : "")},
                   {"bestAsk", OrNull(t.ask.has_value(), t.ask ? Amount(t.ask->price, qs) : "")},
                   {"bestAskSize", OrNull(t.ask.has_value(), t.ask ? Amount(t.ask->size, bs) : "")},
               });
             });
       }});
  AddBookRoute(routes, loop, clock, markets, "/api/v1/market/orderbook/level2_20", 20, 2,
               Access::kPublic);
  AddBookRoute(routes, loop, clock, markets, "/api/v1/market/orderbook/level2_100", 100, 4,
               Access::kPublic);
  AddBookRoute(routes, loop, clock, markets, "/api/v3/market/orderbook/level2", 0, 3,
               Access::kPrivate);

  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/market/histories",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
                const auto symbol = MarketSymbol(call, markets);
                if (!symbol) return;
                QueryEngine(
                    loop, call,
                    [symbol = *symbol](const engine::Exchange& exchange) {
                      std::vector<engine::PublicTrade> trades;
                      exchange.market_data(symbol).RecentTrades(&trades);
                      return trades;
                    },
                    [&markets, symbol = *symbol](std::vector<engine::PublicTrade> trades) {
                      const int bs = markets.base_scale(symbol);
                      const int qs = markets.quote_scale(symbol);
                      // Oldest first, as KuCoin lists them (sequence increasing).
                      json::array data;
                      data.reserve(trades.size());
                      for (auto it = trades.rbegin(); it != trades.rend(); ++it) {
                        data.push_back(json::object{
                            {"sequence", std::to_string(it->sequence)},
                            {"price", Amount(it->price, qs)},
                            {"size", Amount(it->size, bs)},
                            {"side", engine::ToString(it->side)},
                            {"time", it->ts},
                        });
                      }
                      return Ok(data);
                    });
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/market/candles",
              .permission = Permission::kNone,
              .weight = 3,
              .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
                const auto symbol = MarketSymbol(call, markets);
                if (!symbol) return;
                const std::string* type = call->QueryParam("type");
                const auto interval = type ? engine::ParseCandleInterval(*type) : std::nullopt;
                if (!interval) return call->Fail(Error(ErrorCode::kInvalidParameter));
                const auto start = ReadInteger(*call, "startAt");
                const auto end = ReadInteger(*call, "endAt");
                if (!start || !end) return call->Fail(Error(ErrorCode::kInvalidParameter));
                QueryEngine(
                    loop, call,
                    [symbol = *symbol, interval = *interval, from = start->value_or(0),
                     to = end->value_or(0)](const engine::Exchange& exchange) {
                      std::vector<engine::Candle> candles;
                      exchange.market_data(symbol).candles(interval).Query(from, to, kMaxCandles,
                                                                           &candles);
                      return candles;
                    },
                    [&markets, symbol = *symbol](std::vector<engine::Candle> candles) {
                      const int bs = markets.base_scale(symbol);
                      const int qs = markets.quote_scale(symbol);
                      json::array data;
                      data.reserve(candles.size());
                      for (const engine::Candle& c : candles) {
                        data.push_back(json::array{
                            json::string(std::to_string(c.start)), json::string(Amount(c.open, qs)),
                            json::string(Amount(c.close, qs)), json::string(Amount(c.high, qs)),
                            json::string(Amount(c.low, qs)), json::string(Amount(c.volume, bs)),
                            json::string(Amount(c.turnover, qs))});
                      }
                      return Ok(data);
                    });
              }});
}

}  // namespace kc::api
