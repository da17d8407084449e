#include "api/spot_json.h"

#include <boost/json/serialize.hpp>
#include <charconv>

#include "core/decimal.h"

namespace kc::api {

namespace json = boost::json;
using engine::MarketConfig;
using engine::Order;
using engine::OrderType;

namespace {

std::int64_t Millis(engine::Timestamp ts) { return ts / engine::kNanosPerMilli; }

struct Scales {
  int base;
  int quote;
  std::string_view quote_currency;
};

Scales ScalesOf(engine::SymbolId symbol, const MarketConfig& markets) {
  const engine::SymbolSpec& s = markets.symbol(symbol);
  return {markets.currency(s.base).precision, markets.currency(s.quote).precision,
          markets.currency(s.quote).currency};
}

// What a limit order's size is worth at its price (KuCoin's HF "funds").
engine::Units LimitFunds(const Order& o, engine::Units size, const Scales& sc) {
  return MulDecimal(o.price, sc.quote, size, sc.base, sc.quote, Rounding::kDown).value_or(0);
}

json::value Remark(const Order& o) {
  if (o.remark.empty()) return nullptr;
  return json::string(o.remark.view());
}

std::string_view AccountTypeName(engine::AccountType type) {
  return type == engine::AccountType::kMain ? "MAIN" : "TRADE";
}

std::string LedgerContext(const engine::LedgerEntry& e, const MarketConfig& markets) {
  if (!e.has_trade) return "";
  json::object context{
      {"symbol", markets.symbol(e.symbol).symbol},
      {"orderId", e.order_id.ToString()},
      {"tradeId", std::to_string(e.trade_id)},
  };
  return json::serialize(context);
}

}  // namespace

std::optional<engine::Uid> TradingUid(const gateway::Call& call) {
  const gateway::ApiKey* key = call.api_key();
  if (key == nullptr || key->uid <= 0 || key->uid > kMaxEngineUid) return std::nullopt;
  return static_cast<engine::Uid>(key->uid);
}

std::string Amount(engine::Units units, int scale) { return FormatDecimal(units, scale); }

std::string Rate(std::int64_t rate) { return FormatDecimal(rate, engine::kRateScale); }

json::object ClassicOrderJson(const Order& o, const MarketConfig& markets) {
  const Scales sc = ScalesOf(o.symbol, markets);
  return json::object{
      {"id", o.id.ToString()},
      {"symbol", markets.symbol(o.symbol).symbol},
      {"opType", "DEAL"},
      {"type", engine::ToString(o.type)},
      {"side", engine::ToString(o.side)},
      {"price", Amount(o.price, sc.quote)},
      {"size", Amount(o.size, sc.base)},
      {"funds", Amount(o.funds, sc.quote)},
      {"dealFunds", Amount(o.deal_funds, sc.quote)},
      {"dealSize", Amount(o.deal_size, sc.base)},
      {"fee", Amount(o.fee, sc.quote)},
      {"feeCurrency", sc.quote_currency},
      {"stp", engine::ToString(o.stp)},
      {"stop", ""},
      {"stopTriggered", false},
      {"stopPrice", "0"},
      {"timeInForce", engine::ToString(o.time_in_force)},
      {"postOnly", o.post_only},
      {"hidden", o.hidden},
      {"iceberg", o.iceberg},
      {"visibleSize", Amount(o.visible_size, sc.base)},
      {"cancelAfter", o.cancel_after},
      {"channel", "API"},
      {"clientOid", o.client_oid.view()},
      {"remark", Remark(o)},
      {"tags", nullptr},
      {"isActive", o.active()},
      {"cancelExist", o.canceled},
      {"createdAt", Millis(o.created_at)},
      {"tradeType", "TRADE"},
  };
}

json::object HfOrderJson(const Order& o, const MarketConfig& markets) {
  const Scales sc = ScalesOf(o.symbol, markets);
  engine::Units funds = o.funds;
  engine::Units remain_funds = 0;
  engine::Units canceled_funds = o.canceled_funds;
  if (o.type == OrderType::kLimit) {
    funds = LimitFunds(o, o.size, sc);
    remain_funds = funds > o.deal_funds ? funds - o.deal_funds : 0;
    canceled_funds = LimitFunds(o, o.canceled_size, sc);
  } else if (o.by_funds()) {
    remain_funds = o.active() ? o.remaining_funds() : 0;
  }
  const engine::Units remain_size = o.active() && !o.by_funds() ? o.remaining() : 0;
  json::value stp = nullptr;
  if (o.stp != engine::Stp::kNone) stp = json::string(engine::ToString(o.stp));
  return json::object{
      {"id", o.id.ToString()},
      {"clientOid", o.client_oid.view()},
      {"symbol", markets.symbol(o.symbol).symbol},
      {"opType", "DEAL"},
      {"type", engine::ToString(o.type)},
      {"side", engine::ToString(o.side)},
      {"price", Amount(o.price, sc.quote)},
      {"size", Amount(o.size, sc.base)},
      {"funds", Amount(funds, sc.quote)},
      {"dealSize", Amount(o.deal_size, sc.base)},
      {"dealFunds", Amount(o.deal_funds, sc.quote)},
      {"remainSize", Amount(remain_size, sc.base)},
      {"remainFunds", Amount(remain_funds, sc.quote)},
      {"cancelledSize", Amount(o.canceled_size, sc.base)},
      {"cancelledFunds", Amount(canceled_funds, sc.quote)},
      {"fee", Amount(o.fee, sc.quote)},
      {"feeCurrency", sc.quote_currency},
      {"stp", std::move(stp)},
      {"timeInForce", engine::ToString(o.time_in_force)},
      {"postOnly", o.post_only},
      {"hidden", o.hidden},
      {"iceberg", o.iceberg},
      {"visibleSize", Amount(o.visible_size, sc.base)},
      {"cancelAfter", o.cancel_after},
      {"channel", "API"},
      {"remark", Remark(o)},
      {"tags", nullptr},
      {"cancelExist", o.canceled},
      {"tradeType", "TRADE"},
      {"inOrderBook", o.status == engine::OrderStatus::kOpen},
      {"active", o.active()},
      {"tax", "0"},
      {"createdAt", Millis(o.created_at)},
      {"lastUpdatedAt", Millis(o.updated_at)},
  };
}

void AddSyncFields(const Order& o, const MarketConfig& markets, json::object& out) {
  const Scales sc = ScalesOf(o.symbol, markets);
  const engine::Units remain = o.active() && !o.by_funds() ? o.remaining() : 0;
  out["originSize"] = Amount(o.size, sc.base);
  out["dealSize"] = Amount(o.deal_size, sc.base);
  out["remainSize"] = Amount(remain, sc.base);
  out["canceledSize"] = Amount(o.canceled_size, sc.base);
  out["status"] = o.active() ? "open" : "done";
}

json::object ClassicFillJson(const engine::Fill& f, const MarketConfig& markets) {
  const Scales sc = ScalesOf(f.symbol, markets);
  return json::object{
      {"symbol", markets.symbol(f.symbol).symbol},
      {"tradeId", std::to_string(f.trade_id)},
      {"orderId", f.order_id.ToString()},
      {"counterOrderId", f.counter_order_id.ToString()},
      {"side", engine::ToString(f.side)},
      {"liquidity", engine::ToString(f.liquidity)},
      {"forceTaker", false},
      {"price", Amount(f.price, sc.quote)},
      {"size", Amount(f.size, sc.base)},
      {"funds", Amount(f.funds, sc.quote)},
      {"fee", Amount(f.fee, sc.quote)},
      {"feeRate", Rate(f.fee_rate)},
      {"feeCurrency", sc.quote_currency},
      {"stop", ""},
      {"tradeType", "TRADE"},
      {"type", engine::ToString(f.order_type)},
      {"createdAt", Millis(f.created_at)},
  };
}

json::object HfFillJson(const engine::Fill& f, const MarketConfig& markets) {
  const Scales sc = ScalesOf(f.symbol, markets);
  return json::object{
      {"id", f.id},
      {"orderId", f.order_id.ToString()},
      {"counterOrderId", f.counter_order_id.ToString()},
      {"tradeId", f.trade_id},
      {"symbol", markets.symbol(f.symbol).symbol},
      {"side", engine::ToString(f.side)},
      {"liquidity", engine::ToString(f.liquidity)},
      {"type", engine::ToString(f.order_type)},
      {"forceTaker", false},
      {"price", Amount(f.price, sc.quote)},
      {"size", Amount(f.size, sc.base)},
      {"funds", Amount(f.funds, sc.quote)},
      {"fee", Amount(f.fee, sc.quote)},
      {"feeRate", Rate(f.fee_rate)},
      {"feeCurrency", sc.quote_currency},
      {"stop", ""},
      {"tradeType", "TRADE"},
      {"taxRate", "0"},
      {"tax", "0"},
      {"createdAt", Millis(f.created_at)},
  };
}

json::object AccountJson(const engine::Account& a, const MarketConfig& markets) {
  const engine::CurrencySpec& c = markets.currency(a.currency);
  return json::object{
      {"id", a.id.ToString()},
      {"currency", c.currency},
      {"type", engine::ToString(a.type)},
      {"balance", Amount(a.balance(), c.precision)},
      {"available", Amount(a.available, c.precision)},
      {"holds", Amount(a.holds, c.precision)},
  };
}

json::object LedgerJson(const engine::LedgerEntry& e, const MarketConfig& markets) {
  const engine::CurrencySpec& c = markets.currency(e.currency);
  return json::object{
      {"id", e.id.ToString()},
      {"currency", c.currency},
      {"amount", Amount(e.amount, c.precision)},
      {"fee", Amount(e.fee, c.precision)},
      {"balance", Amount(e.balance, c.precision)},
      {"accountType", AccountTypeName(e.account_type)},
      {"bizType", engine::ToString(e.biz_type)},
      {"direction", engine::ToString(e.direction)},
      {"createdAt", Millis(e.created_at)},
      {"context", LedgerContext(e, markets)},
  };
}

json::object HfLedgerJson(const engine::LedgerEntry& e, const MarketConfig& markets) {
  const engine::CurrencySpec& c = markets.currency(e.currency);
  std::string_view biz = "TRANSFER";
  if (e.biz_type == engine::BizType::kExchange) biz = "TRADE_EXCHANGE";
  if (e.biz_type == engine::BizType::kDeposit) biz = "DEPOSIT";
  if (e.biz_type == engine::BizType::kWithdrawal) biz = "WITHDRAW";
  return json::object{
      {"id", std::to_string(e.id.seq)},
      {"currency", c.currency},
      {"amount", Amount(e.amount, c.precision)},
      {"fee", Amount(e.fee, c.precision)},
      {"tax", "0"},
      {"balance", Amount(e.balance, c.precision)},
      {"accountType", AccountTypeName(e.account_type)},
      {"bizType", biz},
      {"direction", engine::ToString(e.direction)},
      {"createdAt", std::to_string(Millis(e.created_at))},
      {"context", LedgerContext(e, markets)},
  };
}

boost::system::result<std::optional<engine::SymbolId>, Refusal> ReadSymbol(
    const gateway::Call& call, const MarketConfig& markets, bool required,
    const BusinessError& unknown) {
  const std::string* text = call.QueryParam("symbol");
  if (text == nullptr || text->empty()) {
    if (required) return Refusal(ErrorCode::kInvalidParameter);
    return std::optional<engine::SymbolId>();
  }
  const auto id = markets.FindSymbol(*text);
  if (!id) return Refusal(unknown);
  return std::optional<engine::SymbolId>(*id);
}

boost::system::result<std::optional<engine::Side>, Error> ReadSide(const gateway::Call& call) {
  const std::string* text = call.QueryParam("side");
  if (text == nullptr || text->empty()) return std::optional<engine::Side>();
  if (*text == "buy") return std::optional<engine::Side>(engine::Side::kBuy);
  if (*text == "sell") return std::optional<engine::Side>(engine::Side::kSell);
  return Error(ErrorCode::kInvalidParameter);
}

boost::system::result<std::optional<OrderType>, Error> ReadOrderType(const gateway::Call& call) {
  const std::string* text = call.QueryParam("type");
  if (text == nullptr || text->empty()) return std::optional<OrderType>();
  if (*text == "limit") return std::optional<OrderType>(OrderType::kLimit);
  if (*text == "market") return std::optional<OrderType>(OrderType::kMarket);
  return Error(ErrorCode::kInvalidParameter);
}

boost::system::result<std::optional<std::int64_t>, Error> ReadInteger(const gateway::Call& call,
                                                                      std::string_view name) {
  const std::string* text = call.QueryParam(name);
  if (text == nullptr || text->empty()) return std::optional<std::int64_t>();
  std::int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) return Error(ErrorCode::kInvalidParameter);
  return std::optional<std::int64_t>(value);
}

boost::system::result<engine::Timestamp, Error> ReadMillis(const gateway::Call& call,
                                                           std::string_view name) {
  auto value = ReadInteger(call, name);
  if (!value) return value.error();
  if (!*value) return engine::Timestamp{0};
  // Beyond year 2262 nanoseconds overflow int64: not a time any order has.
  if (**value > INT64_MAX / engine::kNanosPerMilli) return Error(ErrorCode::kInvalidParameter);
  return **value * engine::kNanosPerMilli;
}

boost::system::result<void, Error> CheckTradeType(const gateway::Call& call) {
  const std::string* text = call.QueryParam("tradeType");
  if (text == nullptr || text->empty() || *text == "TRADE") return {};
  return Error(ErrorCode::kInvalidParameter);
}

}  // namespace kc::api
