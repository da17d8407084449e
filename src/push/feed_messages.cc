// Messages are written straight into one string with a tiny writer instead of
// building a Boost.JSON value first: this runs on the engine thread once per
// event, and appending known keys and engine numbers needs no allocation
// beyond the output itself. Only strings that can come from users (clientOid)
// or config (symbols, currencies) go through the escaper.
#include "push/feed_messages.h"

#include <algorithm>
#include <charconv>

#include "core/decimal.h"

namespace kc::push {
namespace {

using engine::kNanosPerMilli;
using engine::kNanosPerSecond;
using engine::Units;

void AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

template <typename Int>
void AppendInt(std::string& out, Int value) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, r.ptr);
}

// Writes one JSON object; keys are literals of ours and are not escaped.
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_.push_back('{'); }
  ~Object() { out_.push_back('}'); }
  Object(const Object&) = delete;
  Object& operator=(const Object&) = delete;

  void Str(std::string_view key, std::string_view value) {
    Key(key);
    AppendEscaped(out_, value);
  }
  // A decimal as KuCoin's string ("0.1").
  void Dec(std::string_view key, Units units, int scale) {
    Key(key);
    out_.push_back('"');
    AppendDecimal(out_, units, scale);
    out_.push_back('"');
  }
  // A decimal as a JSON number (snapshot data).
  void DecNumber(std::string_view key, Units units, int scale) {
    Key(key);
    AppendDecimal(out_, units, scale);
  }
  // null when `present` is false (no trade yet, an empty book side).
  void DecNumberOrNull(std::string_view key, bool present, Units units, int scale) {
    if (present) {
      DecNumber(key, units, scale);
    } else {
      Null(key);
    }
  }
  void DecOrNull(std::string_view key, bool present, Units units, int scale) {
    if (present) {
      Dec(key, units, scale);
    } else {
      Null(key);
    }
  }
  template <typename T>
  void Int(std::string_view key, T value) {
    Key(key);
    AppendInt(out_, value);
  }
  template <typename T>
  void IntString(std::string_view key, T value) {
    Key(key);
    out_.push_back('"');
    AppendInt(out_, value);
    out_.push_back('"');
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    out_.append(value ? "true" : "false");
  }
  void Null(std::string_view key) {
    Key(key);
    out_.append("null");
  }
  // The key of a nested value the caller writes itself.
  std::string& Nested(std::string_view key) {
    Key(key);
    return out_;
  }

 private:
  void Key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(key);
    out_.append("\":");
  }

  std::string& out_;
  bool first_ = true;
};

// {"type":"message","topic":..,"subject":.., then the caller's fields; the
// caller closes the object.
void Envelope(Object& o, std::string_view topic, std::string_view subject) {
  o.Str("type", "message");
  o.Str("topic", topic);
  o.Str("subject", subject);
}

void AppendLevels(std::string& out, const std::vector<engine::BookLevel>& levels, int price_scale,
                  int size_scale) {
  out.push_back('[');
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i != 0) out.push_back(',');
    out.append("[\"");
    AppendDecimal(out, levels[i].price, price_scale);
    out.append("\",\"");
    AppendDecimal(out, levels[i].size, size_scale);
    out.append("\"]");
  }
  out.push_back(']');
}

std::int64_t Millis(engine::Timestamp ts) { return ts / kNanosPerMilli; }

std::string_view OrderStatus(const engine::OrderEvent& e) {
  switch (e.type) {
    case engine::OrderEventType::kReceived:
      return "new";
    case engine::OrderEventType::kOpen:
      return "open";
    case engine::OrderEventType::kMatch:
    case engine::OrderEventType::kUpdate:
      return e.in_book ? "open" : "match";
    case engine::OrderEventType::kFilled:
    case engine::OrderEventType::kCanceled:
      return "done";
  }
  return "";
}

// `traded`: the symbol has a last trade (else open/high/low are null).
void WriteWindow(std::string& out, const WindowStats& w, bool traded, int base_scale,
                 int quote_scale) {
  Object o(out);
  o.DecNumber("changePrice", w.change_price, quote_scale);
  o.DecNumber("changeRate", w.change_rate, engine::kChangeRateScale);
  if (traded) {
    o.DecNumber("high", w.high, quote_scale);
    o.DecNumber("low", w.low, quote_scale);
    o.DecNumber("open", w.open, quote_scale);
  } else {
    o.Null("high");
    o.Null("low");
    o.Null("open");
  }
  o.DecNumber("vol", w.vol, base_scale);
  o.DecNumber("volValue", w.vol_value, quote_scale);
}

}  // namespace

bool operator==(const TopOfBook& a, const TopOfBook& b) {
  auto same_level = [](const std::optional<engine::BookLevel>& x,
                       const std::optional<engine::BookLevel>& y) {
    if (x.has_value() != y.has_value()) return false;
    return !x || (x->price == y->price && x->size == y->size);
  };
  auto trade_id = [](const std::optional<engine::PublicTrade>& t) {
    return t ? t->trade_id : std::uint64_t{0};
  };
  return same_level(a.best_bid, b.best_bid) && same_level(a.best_ask, b.best_ask) &&
         trade_id(a.last_trade) == trade_id(b.last_trade);
}

std::string Level2Message(const engine::MarketConfig& markets, std::string_view topic,
                          std::span<const engine::BookEvent> levels) {
  const engine::BookEvent& first = levels.front();
  const engine::BookEvent& last = levels.back();
  const int bs = markets.base_scale(first.symbol);
  const int qs = markets.quote_scale(first.symbol);
  std::string out;
  out.reserve(192 + 40 * levels.size());
  {
    Object o(out);
    Envelope(o, topic, "trade.l2update");
    std::string& d = o.Nested("data");
    Object data(d);
    {
      std::string& c = data.Nested("changes");
      Object changes(c);
      for (const engine::Side side : {engine::Side::kSell, engine::Side::kBuy}) {
        std::string& list = changes.Nested(side == engine::Side::kSell ? "asks" : "bids");
        list.push_back('[');
        for (const engine::BookEvent& e : levels) {
          if (e.side != side) continue;
          if (list.back() != '[') list.push_back(',');
          list.append("[\"");
          AppendDecimal(list, e.price, qs);
          list.append("\",\"");
          AppendDecimal(list, e.size, bs);
          list.append("\",\"");
          AppendInt(list, e.sequence);
          list.append("\"]");
        }
        list.push_back(']');
      }
    }
    data.Int("sequenceEnd", last.sequence);
    data.Int("sequenceStart", first.sequence);
    data.Str("symbol", markets.symbol(first.symbol).symbol);
    data.Int("time", Millis(last.ts));
  }
  return out;
}

std::string MatchMessage(const engine::MarketConfig& markets, std::string_view topic,
                         const engine::TradeEvent& e) {
  const int bs = markets.base_scale(e.symbol);
  const int qs = markets.quote_scale(e.symbol);
  std::string out;
  out.reserve(384);
  {
    Object o(out);
    Envelope(o, topic, "trade.l3match");
    std::string& d = o.Nested("data");
    Object data(d);
    data.Str("makerOrderId", e.maker_order_id.ToString());
    data.Dec("price", e.price, qs);
    data.IntString("sequence", e.sequence);
    data.Str("side", engine::ToString(e.taker_side));
    data.Dec("size", e.size, bs);
    data.Str("symbol", markets.symbol(e.symbol).symbol);
    data.Str("takerOrderId", e.taker_order_id.ToString());
    data.IntString("time", e.ts);
    data.IntString("tradeId", e.trade_id);
    data.Str("type", "match");
  }
  return out;
}

std::string CandleMessage(const engine::MarketConfig& markets, std::string_view topic,
                          engine::SymbolId symbol, const engine::Candle& c, bool added,
                          engine::Timestamp now) {
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  std::string out;
  out.reserve(320);
  {
    Object o(out);
    Envelope(o, topic, added ? "trade.candles.add" : "trade.candles.update");
    std::string& d = o.Nested("data");
    Object data(d);
    data.Str("symbol", markets.symbol(symbol).symbol);
    std::string& list = data.Nested("candles");
    // KuCoin's order: start (seconds), open, close, high, low, volume, turnover.
    list.append("[\"");
    AppendInt(list, c.start);
    for (const Units price : {c.open, c.close, c.high, c.low}) {
      list.append("\",\"");
      AppendDecimal(list, price, qs);
    }
    list.append("\",\"");
    AppendDecimal(list, c.volume, bs);
    list.append("\",\"");
    AppendDecimal(list, c.turnover, qs);
    list.append("\"]");
    data.Int("time", now);
  }
  return out;
}

std::string TickerMessage(const engine::MarketConfig& markets, std::string_view topic,
                          std::string_view subject, engine::SymbolId symbol, const TopOfBook& top,
                          engine::Timestamp now) {
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  const bool bid = top.best_bid.has_value();
  const bool ask = top.best_ask.has_value();
  const engine::BookLevel none{0, 0};
  const engine::BookLevel& b = bid ? *top.best_bid : none;
  const engine::BookLevel& a = ask ? *top.best_ask : none;
  std::string out;
  out.reserve(320);
  {
    Object o(out);
    Envelope(o, topic, subject);
    std::string& d = o.Nested("data");
    Object data(d);
    data.DecOrNull("bestAsk", ask, a.price, qs);
    data.DecOrNull("bestAskSize", ask, a.size, bs);
    data.DecOrNull("bestBid", bid, b.price, qs);
    data.DecOrNull("bestBidSize", bid, b.size, bs);
    if (top.last_trade) {
      data.Dec("price", top.last_trade->price, qs);
    } else {
      data.Null("price");
    }
    data.IntString("sequence", top.sequence);
    if (top.last_trade) {
      data.Dec("size", top.last_trade->size, bs);
    } else {
      data.Null("size");
    }
    data.Int("time", Millis(now));
  }
  return out;
}

std::string DepthMessage(const engine::MarketConfig& markets, std::string_view topic,
                         engine::SymbolId symbol, const std::vector<engine::BookLevel>& bids,
                         const std::vector<engine::BookLevel>& asks, engine::Timestamp now) {
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  std::string out;
  out.reserve(128 + 48 * (bids.size() + asks.size()));
  {
    Object o(out);
    Envelope(o, topic, "level2");
    std::string& d = o.Nested("data");
    Object data(d);
    AppendLevels(data.Nested("asks"), asks, qs, bs);
    AppendLevels(data.Nested("bids"), bids, qs, bs);
    data.Int("timestamp", Millis(now));
  }
  return out;
}

std::string Level1Message(const engine::MarketConfig& markets, std::string_view topic,
                          engine::SymbolId symbol, const std::vector<engine::BookLevel>& bids,
                          const std::vector<engine::BookLevel>& asks, engine::Timestamp now) {
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  // One level, flat: ["68145.8","0.51987471"].
  const auto best = [&](std::string& out, const std::vector<engine::BookLevel>& side) {
    if (side.empty()) {
      out.append("[]");
      return;
    }
    out.append("[\"");
    AppendDecimal(out, side.front().price, qs);
    out.append("\",\"");
    AppendDecimal(out, side.front().size, bs);
    out.append("\"]");
  };
  std::string out;
  out.reserve(192);
  {
    Object o(out);
    Envelope(o, topic, "level1");
    std::string& d = o.Nested("data");
    Object data(d);
    best(data.Nested("asks"), asks);
    best(data.Nested("bids"), bids);
    data.Int("timestamp", Millis(now));
  }
  return out;
}

WindowStats Window(const engine::MarketData& data, engine::Timestamp now, std::int64_t seconds) {
  WindowStats w;
  const auto last = data.LastTrade();
  if (!last) return w;
  w.last = last->price;
  w.open = w.high = w.low = w.last;
  const std::int64_t from = now / kNanosPerSecond - seconds;
  std::vector<engine::Candle> window;
  data.candles(engine::CandleInterval::k1min)
      .Query(from + 1, 0, engine::MarketData::kCandleCapacity, &window);
  for (const engine::Candle& c : window) {
    if (!w.has_trades) {
      w.high = c.high;
      w.low = c.low;
    }
    w.has_trades = true;
    w.high = std::max(w.high, c.high);
    w.low = std::min(w.low, c.low);
    w.vol += c.volume;
    w.vol_value += c.turnover;
  }
  if (!window.empty()) w.open = window.back().open;
  w.change_price = w.last - w.open;
  if (w.open != 0) {
    w.change_rate =
        MulDiv(w.change_price, Pow10(engine::kChangeRateScale), w.open, Rounding::kHalfEven)
            .value_or(0);
  }
  return w;
}

std::string SnapshotMessage(const engine::MarketConfig& markets, std::string_view topic,
                            engine::SymbolId symbol, const SnapshotData& s, engine::Timestamp now) {
  const engine::SymbolSpec& spec = markets.symbol(symbol);
  const int bs = markets.base_scale(symbol);
  const int qs = markets.quote_scale(symbol);
  // Without any trade yet the prices are unknown (null); after one, Stats
  // reports the last price for open/high/low of a window without trades.
  const bool traded = s.top.last_trade.has_value();
  const Units last = traded ? s.top.last_trade->price : 0;
  const bool bid = s.top.best_bid.has_value();
  const bool ask = s.top.best_ask.has_value();
  const engine::BookLevel none{0, 0};
  const engine::BookLevel& b = bid ? *s.top.best_bid : none;
  const engine::BookLevel& a = ask ? *s.top.best_ask : none;
  std::string out;
  out.reserve(1536);
  {
    Object o(out);
    Envelope(o, topic, "trade.snapshot");
    std::string& d = o.Nested("data");
    Object outer(d);
    outer.IntString("sequence", s.top.sequence);
    std::string& inner_text = outer.Nested("data");
    Object data(inner_text);
    data.DecNumberOrNull("askSize", ask, a.size, bs);
    data.DecNumber("averagePrice", s.day.average_price, qs);
    data.Str("baseCurrency", markets.currency(spec.base).currency);
    data.DecNumberOrNull("bidSize", bid, b.size, bs);
    // KuCoin's display attributes that kcgate has no notion of keep KuCoin's
    // values for an ordinary listed symbol.
    data.Int("board", 0);
    data.DecNumberOrNull("buy", bid, b.price, qs);
    data.DecNumber("changePrice", s.day.change_price, qs);
    data.DecNumber("changeRate", s.day.change_rate, engine::kChangeRateScale);
    data.DecNumberOrNull("close", traded, last, qs);
    data.Int("datetime", Millis(now));
    data.DecNumberOrNull("high", traded, s.day.high, qs);
    data.DecNumberOrNull("lastTradedPrice", traded, last, qs);
    data.DecNumberOrNull("low", traded, s.day.low, qs);
    data.Int("makerCoefficient", 1);
    data.DecNumber("makerFeeRate", spec.maker_fee_rate, engine::kRateScale);
    data.Bool("marginTrade", false);
    data.Int("mark", 0);
    data.Str("market", spec.market);
    WriteWindow(data.Nested("marketChange1h"), s.hour, traded, bs, qs);
    WriteWindow(data.Nested("marketChange24h"),
                WindowStats{s.day.has_trades, s.day.open, s.day.high, s.day.low, s.day.last,
                            s.day.vol, s.day.vol_value, s.day.change_price, s.day.change_rate},
                traded, bs, qs);
    WriteWindow(data.Nested("marketChange4h"), s.four_hours, traded, bs, qs);
    {
      std::string& list = data.Nested("markets");
      list.push_back('[');
      AppendEscaped(list, spec.market);
      list.push_back(']');
    }
    data.DecNumberOrNull("open", traded, s.day.open, qs);
    data.Str("quoteCurrency", markets.currency(spec.quote).currency);
    data.DecNumberOrNull("sell", ask, a.price, qs);
    data.Nested("siteTypes").append("[\"global\"]");
    data.Int("sort", 100);
    data.Str("symbol", spec.symbol);
    data.Str("symbolCode", spec.symbol);
    data.Int("takerCoefficient", 1);
    data.DecNumber("takerFeeRate", spec.taker_fee_rate, engine::kRateScale);
    data.Bool("trading", spec.enable_trading);
    data.DecNumber("vol", s.day.vol, bs);
    data.DecNumber("volValue", s.day.vol_value, qs);
  }
  return out;
}

std::string OrderChangeData(const engine::MarketConfig& markets, const engine::OrderEvent& e) {
  using engine::OrderEventType;
  const int bs = markets.base_scale(e.symbol);
  const int qs = markets.quote_scale(e.symbol);
  const bool by_funds = e.order_type == engine::OrderType::kMarket && e.origin_funds != 0;
  std::string out;
  out.reserve(512);
  {
    Object data(out);
    if (e.type != OrderEventType::kReceived) {
      data.Dec("canceledSize", e.canceled_size, bs);
    }
    data.Str("clientOid", e.client_oid.view());
    if (e.type == OrderEventType::kMatch) {
      data.Str("feeType", e.liquidity == engine::Liquidity::kTaker ? "takerFee" : "makerFee");
    }
    if (e.type != OrderEventType::kReceived) {
      data.Dec("filledSize", e.filled_size, bs);
    }
    if (e.type == OrderEventType::kMatch) {
      data.Str("liquidity", engine::ToString(e.liquidity));
      data.Dec("matchPrice", e.match_price, qs);
      data.Dec("matchSize", e.match_size, bs);
    }
    if (e.type == OrderEventType::kUpdate) {
      data.Dec("oldSize", e.old_size, bs);
    }
    data.Str("orderId", e.order_id.ToString());
    data.Int("orderTime", Millis(e.order_time));
    data.Str("orderType", engine::ToString(e.order_type));
    data.Dec("originSize", e.origin_size, bs);
    if (e.order_type == engine::OrderType::kLimit) {
      data.Dec("price", e.price, qs);
    }
    if (e.type != OrderEventType::kReceived) {
      if (by_funds) data.Dec("remainFunds", e.remain_funds, qs);
      data.Dec("remainSize", e.remain_size, bs);
    }
    data.Str("side", engine::ToString(e.side));
    if (e.type != OrderEventType::kReceived) {
      data.Dec("size", e.size, bs);
    }
    data.Str("status", OrderStatus(e));
    data.Str("symbol", markets.symbol(e.symbol).symbol);
    if (e.type == OrderEventType::kMatch) {
      data.IntString("tradeId", e.trade_id);
    }
    data.Int("ts", e.ts);
    data.Str("type", engine::ToString(e.type));
  }
  return out;
}

std::string OrderChangeMessage(std::string_view topic, engine::Uid uid, std::string_view data) {
  std::string out;
  out.reserve(160 + data.size());
  {
    Object o(out);
    Envelope(o, topic, "orderChange");
    o.IntString("userId", uid);
    o.Str("channelType", "private");
    o.Nested("data").append(data);
  }
  return out;
}

std::string RelationEvent(engine::BalanceCause cause, engine::AccountType account) {
  std::string out(engine::ToString(account));
  switch (cause) {
    case engine::BalanceCause::kDeposit:
      out += ".deposit";
      break;
    case engine::BalanceCause::kTransfer:
      out += ".transfer";
      break;
    // KuCoin reports holding and releasing funds for an order alike.
    case engine::BalanceCause::kTradeHold:
    case engine::BalanceCause::kTradeRelease:
      out += ".hold";
      break;
    case engine::BalanceCause::kTradeSettled:
      out += ".setted";
      break;
    case engine::BalanceCause::kWithdrawHold:
      out += ".withdraw_hold";
      break;
    case engine::BalanceCause::kWithdrawDone:
      out += ".withdraw_done";
      break;
  }
  return out;
}

std::string BalanceMessage(const engine::MarketConfig& markets, const engine::BalanceEvent& e) {
  const int scale = markets.currency(e.currency).precision;
  std::string out;
  out.reserve(512);
  {
    Object o(out);
    Envelope(o, kBalanceTopic, "account.balance");
    o.IntString("id", e.event_id);
    o.IntString("userId", e.uid);
    o.Str("channelType", "private");
    std::string& d = o.Nested("data");
    Object data(d);
    data.Str("accountId", e.account_id.ToString());
    data.Dec("available", e.available, scale);
    data.Dec("availableChange", e.available_change, scale);
    data.Str("currency", markets.currency(e.currency).currency);
    data.Dec("hold", e.hold, scale);
    data.Dec("holdChange", e.hold_change, scale);
    {
      std::string& c = data.Nested("relationContext");
      Object context(c);
      if (e.order_id.valid()) {
        context.Str("orderId", e.order_id.ToString());
        context.Str("symbol", markets.symbol(e.symbol).symbol);
      }
    }
    data.Str("relationEvent", RelationEvent(e.cause, e.account_type));
    data.IntString("relationEventId", e.event_id);
    data.IntString("time", Millis(e.ts));
    data.Dec("total", e.total, scale);
  }
  return out;
}

std::string StopOrderMessage(const engine::MarketConfig& markets, const engine::StopEvent& e) {
  const engine::SymbolSpec& spec = markets.symbol(e.symbol);
  const int bs = markets.currency(spec.base).precision;
  const int qs = markets.currency(spec.quote).precision;
  std::string out;
  out.reserve(512);
  {
    Object o(out);
    Envelope(o, kAdvancedOrdersTopic, "stopOrder");
    o.IntString("userId", e.uid);
    o.Str("channelType", "private");
    std::string& d = o.Nested("data");
    Object data(d);
    data.Str("orderId", e.order_id.ToString());
    // A market stop order has no price; one by funds shows its funds as size.
    if (e.order_type == engine::OrderType::kLimit) {
      data.Dec("orderPrice", e.price, qs);
    } else {
      data.Str("orderPrice", "");
    }
    data.Str("orderType", "stop");
    data.Str("side", engine::ToString(e.side));
    if (e.size != 0) {
      data.Dec("size", e.size, bs);
    } else {
      data.Dec("size", e.funds, qs);
    }
    data.Str("stop", engine::ToString(e.stop));
    data.Dec("stopPrice", e.stop_price, qs);
    data.Str("symbol", spec.symbol);
    data.Str("tradeType", "TRADE");
    data.Str("type", engine::ToString(e.type));
    data.Int("createdAt", Millis(e.created_at));
    data.Int("ts", e.ts);
  }
  return out;
}

}  // namespace kc::push
