#include "push/feed.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

namespace kc::push {
namespace {

using engine::CandleInterval;
using engine::kCandleIntervals;

// The same rule as engine::CandleSeries::Add, on the newest candle only: a
// trade in the newest candle's period updates it, a later one opens a new
// candle, and a late one (engine time never goes backwards, so only within a
// command) joins the newest. Returns whether a candle was opened.
bool AddToCandle(CandleInterval interval, const engine::TradeEvent& t, engine::Candle& c,
                 bool& has_candle) {
  const std::int64_t start = engine::CandleStart(interval, t.ts / engine::kNanosPerSecond);
  if (has_candle) {
    if (c.start == start) {
      c.close = t.price;
      c.high = std::max(c.high, t.price);
      c.low = std::min(c.low, t.price);
      c.volume += t.size;
      c.turnover += t.funds;
      return false;
    }
    if (start < c.start) {
      c.close = t.price;
      c.volume += t.size;
      c.turnover += t.funds;
      return false;
    }
  }
  c = engine::Candle{start, t.price, t.price, t.price, t.price, t.size, t.funds};
  has_candle = true;
  return true;
}

TopOfBook ReadTop(const engine::Exchange& exchange, engine::SymbolId s) {
  const engine::OrderBook& book = exchange.book(s);
  TopOfBook top;
  top.sequence = book.sequence();
  top.best_bid = book.BestVisible(engine::Side::kBuy);
  top.best_ask = book.BestVisible(engine::Side::kSell);
  top.last_trade = exchange.market_data(s).LastTrade();
  return top;
}

bool SameLevels(const std::vector<engine::BookLevel>& a, const std::vector<engine::BookLevel>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const engine::BookLevel& x, const engine::BookLevel& y) {
                      return x.price == y.price && x.size == y.size;
                    });
}

}  // namespace

MarketFeed::MarketFeed(engine::MarketConfig markets, Publisher* publisher, FeedOptions options)
    : markets_(std::move(markets)), publisher_(publisher), options_(options) {
  symbols_.resize(markets_.symbols.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const std::string& name = markets_.symbols[i].symbol;
    SymbolFeed& f = symbols_[i];
    f.level2_topic = std::string(kLevel2Prefix) + name;
    f.match_topic = std::string(kMatchPrefix) + name;
    f.ticker_topic = std::string(kTickerPrefix) + name;
    f.snapshot_topic = std::string(kSnapshotPrefix) + name;
    f.level1_topic = std::string(kLevel1Prefix) + name;
    f.depth5_topic = std::string(kDepth5Prefix) + name;
    f.depth50_topic = std::string(kDepth50Prefix) + name;
    f.market_topic = std::string(kSnapshotPrefix) + markets_.symbols[i].market;
    for (std::size_t k = 0; k < kCandleIntervals; ++k) {
      f.candle_topics[k] = std::string(kCandlesPrefix) + name + "_" +
                           std::string(engine::ToString(static_cast<CandleInterval>(k)));
    }
  }
}

void MarketFeed::Seed(const engine::Exchange& exchange) {
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const engine::MarketData& data = exchange.market_data(static_cast<engine::SymbolId>(i));
    for (std::size_t k = 0; k < kCandleIntervals; ++k) {
      const engine::Candle* last = data.candles(static_cast<CandleInterval>(k)).Last();
      symbols_[i].has_candle[k] = last != nullptr;
      if (last != nullptr) symbols_[i].candles[k] = *last;
    }
  }
}

void MarketFeed::Publish(std::string_view topic, engine::Uid uid, std::string text) {
  Frame frame = std::make_shared<const std::string>(std::move(text));
  if (held_ != nullptr) {
    held_->push_back(Held{std::string(topic), uid, std::move(frame)});
    return;
  }
  publisher_->Publish(topic, static_cast<std::int64_t>(uid), std::move(frame));
}

std::vector<MarketFeed::Held> MarketFeed::FlushHeld(const engine::Exchange& exchange,
                                                    engine::Timestamp now) {
  std::vector<Held> out;
  held_ = &out;
  Flush(exchange, now);
  held_ = nullptr;
  return out;
}

void MarketFeed::PublishHeld(const std::vector<Held>& frames) {
  for (const Held& h : frames)
    publisher_->Publish(h.topic, static_cast<std::int64_t>(h.uid), h.frame);
}

// Bounds a level2 message (and the time a busy symbol's changes wait).
constexpr std::size_t kMaxLevel2Changes = 100;

void MarketFeed::OnBook(const engine::BookEvent& e) {
  SymbolFeed& f = symbols_[e.symbol];
  ++f.version;
  if (!publisher_->HasSubscribers(f.level2_topic)) return;
  f.level2.push_back(e);
  if (f.level2.size() == kMaxLevel2Changes) PublishLevel2(f);
}

void MarketFeed::OnEventsEnd() {
  for (SymbolFeed& f : symbols_) PublishLevel2(f);
}

void MarketFeed::PublishLevel2(SymbolFeed& f) {
  if (f.level2.empty()) return;
  Publish(f.level2_topic, 0, Level2Message(markets_, f.level2_topic, f.level2));
  f.level2.clear();
}

void MarketFeed::OnTrade(const engine::TradeEvent& e) {
  SymbolFeed& f = symbols_[e.symbol];
  ++f.version;
  if (publisher_->HasSubscribers(f.match_topic)) {
    Publish(f.match_topic, 0, MatchMessage(markets_, f.match_topic, e));
  }
  // Candles are kept whether anyone listens or not: a later subscriber must
  // see the whole candle.
  for (std::size_t k = 0; k < kCandleIntervals; ++k) {
    const bool added =
        AddToCandle(static_cast<CandleInterval>(k), e, f.candles[k], f.has_candle[k]);
    if (publisher_->HasSubscribers(f.candle_topics[k])) {
      Publish(f.candle_topics[k], 0,
              CandleMessage(markets_, f.candle_topics[k], e.symbol, f.candles[k], added, e.ts));
    }
  }
}

void MarketFeed::OnOrder(const engine::OrderEvent& e) {
  const auto uid = static_cast<std::int64_t>(e.uid);
  const bool v2 = publisher_->HasSubscribers(kOrdersV2Topic, uid);
  // The first version of the topic has no "received" messages.
  const bool v1 = e.type != engine::OrderEventType::kReceived &&
                  publisher_->HasSubscribers(kOrdersV1Topic, uid);
  if (!v1 && !v2) return;
  const std::string data = OrderChangeData(markets_, e);
  if (v2) Publish(kOrdersV2Topic, e.uid, OrderChangeMessage(kOrdersV2Topic, e.uid, data));
  if (v1) Publish(kOrdersV1Topic, e.uid, OrderChangeMessage(kOrdersV1Topic, e.uid, data));
}

void MarketFeed::OnBalance(const engine::BalanceEvent& e) {
  if (!publisher_->HasSubscribers(kBalanceTopic, static_cast<std::int64_t>(e.uid))) return;
  Publish(kBalanceTopic, e.uid, BalanceMessage(markets_, e));
}

void MarketFeed::OnStop(const engine::StopEvent& e) {
  if (!publisher_->HasSubscribers(kAdvancedOrdersTopic, static_cast<std::int64_t>(e.uid))) return;
  Publish(kAdvancedOrdersTopic, e.uid, StopOrderMessage(markets_, e));
}

engine::Timestamp MarketFeed::flush_period() const {
  return std::min({options_.ticker_interval, options_.depth_interval, options_.snapshot_interval});
}

MarketFeed::Due MarketFeed::Check(std::string_view topic, Pushed& p, std::uint64_t version) const {
  if (!publisher_->HasSubscribers(topic)) {
    p.subscribed = false;
    return Due::kNo;
  }
  if (!p.subscribed) {
    p.subscribed = true;
    return Due::kFirstSubscriber;
  }
  return p.version == version ? Due::kNo : Due::kChanged;
}

void MarketFeed::Flush(const engine::Exchange& exchange, engine::Timestamp now) {
  // A timer tick a little early must not skip a whole period: allow a tenth.
  auto due = [&](engine::Timestamp last, engine::Timestamp interval) {
    return now - last >= interval - interval / 10;
  };
  if (due(last_ticker_, options_.ticker_interval)) {
    last_ticker_ = now;
    FlushTickers(exchange, now);
  }
  if (due(last_depth_, options_.depth_interval)) {
    last_depth_ = now;
    FlushDepth(exchange, now);
  }
  if (due(last_snapshot_, options_.snapshot_interval)) {
    last_snapshot_ = now;
    FlushSnapshots(exchange, now);
  }
}

void MarketFeed::FlushTickers(const engine::Exchange& exchange, engine::Timestamp now) {
  const bool all = publisher_->HasSubscribers(kTickerAllTopic);
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    SymbolFeed& f = symbols_[i];
    const auto s = static_cast<engine::SymbolId>(i);
    std::optional<TopOfBook> top;
    const Due one = Check(f.ticker_topic, f.ticker, f.version);
    Due every = Due::kNo;
    if (!all) {
      f.ticker_all.subscribed = false;
    } else if (!f.ticker_all.subscribed) {
      f.ticker_all.subscribed = true;
      every = Due::kFirstSubscriber;
    } else if (f.ticker_all.version != f.version) {
      every = Due::kChanged;
    }
    if (one == Due::kNo && every == Due::kNo) continue;
    top = ReadTop(exchange, s);
    // A change deeper in the book or at an unchanged best level is no ticker.
    if (one == Due::kFirstSubscriber || (one == Due::kChanged && f.ticker.top != top)) {
      Publish(f.ticker_topic, 0,
              TickerMessage(markets_, f.ticker_topic, "trade.ticker", s, *top, now));
      f.ticker.top = top;
    }
    if (one != Due::kNo) f.ticker.version = f.version;
    if (every == Due::kFirstSubscriber || (every == Due::kChanged && f.ticker_all.top != top)) {
      Publish(kTickerAllTopic, 0,
              TickerMessage(markets_, kTickerAllTopic, markets_.symbols[i].symbol, s, *top, now));
      f.ticker_all.top = top;
    }
    if (every != Due::kNo) f.ticker_all.version = f.version;
  }
}

void MarketFeed::FlushDepthOf(const engine::Exchange& exchange, engine::SymbolId s,
                              std::size_t depth, const std::string& topic, Pushed& p,
                              engine::Timestamp now) {
  SymbolFeed& f = symbols_[s];
  const Due due = Check(topic, p, f.version);
  if (due == Due::kNo) return;
  p.version = f.version;
  std::vector<engine::BookLevel> bids, asks;
  exchange.book(s).Snapshot(depth, &bids, &asks);
  // KuCoin: "If there is no change in the market, data will not be pushed".
  if (due == Due::kChanged && SameLevels(bids, p.bids) && SameLevels(asks, p.asks)) return;
  Publish(topic, 0,
          depth == 1 ? Level1Message(markets_, topic, s, bids, asks, now)
                     : DepthMessage(markets_, topic, s, bids, asks, now));
  p.bids = std::move(bids);
  p.asks = std::move(asks);
}

void MarketFeed::FlushDepth(const engine::Exchange& exchange, engine::Timestamp now) {
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    SymbolFeed& f = symbols_[i];
    const auto s = static_cast<engine::SymbolId>(i);
    FlushDepthOf(exchange, s, 1, f.level1_topic, f.level1, now);
    FlushDepthOf(exchange, s, 5, f.depth5_topic, f.depth5, now);
    FlushDepthOf(exchange, s, 50, f.depth50_topic, f.depth50, now);
  }
}

void MarketFeed::FlushSnapshots(const engine::Exchange& exchange, engine::Timestamp now) {
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    SymbolFeed& f = symbols_[i];
    const auto s = static_cast<engine::SymbolId>(i);
    const Due one = Check(f.snapshot_topic, f.snapshot, f.version);
    const Due market = Check(f.market_topic, f.market_snapshot, f.version);
    if (one == Due::kNo && market == Due::kNo) continue;
    const engine::MarketData& data = exchange.market_data(s);
    SnapshotData snapshot;
    snapshot.top = ReadTop(exchange, s);
    snapshot.day = data.Stats(now);
    snapshot.hour = Window(data, now, 3600);
    snapshot.four_hours = Window(data, now, 4 * 3600);
    if (one != Due::kNo) {
      Publish(f.snapshot_topic, 0, SnapshotMessage(markets_, f.snapshot_topic, s, snapshot, now));
      f.snapshot.version = f.version;
    }
    if (market != Due::kNo) {
      Publish(f.market_topic, 0, SnapshotMessage(markets_, f.market_topic, s, snapshot, now));
      f.market_snapshot.version = f.version;
    }
  }
}

}  // namespace kc::push
