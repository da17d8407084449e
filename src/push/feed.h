// The market-data feed: the engine's EventSink that turns engine events into
// KuCoin push messages and hands them to the Publisher (the WebSocket hub).
//
// Real-time topics are published per event, serialized once, and only when
// Publisher::HasSubscribers says someone listens: /market/level2 (a
// trade.l2update per symbol per group of events, i.e. per engine batch, each
// change carrying its book sequence, so it stitches onto GET
// /api/v3/market/orderbook/level2; one message per change would cost a frame
// per subscriber per change under load), /market/match, /market/candles
// (every interval), and the private /spotMarket/tradeOrdersV2,
// /spotMarket/tradeOrders, /spotMarket/advancedOrders and /account/balance.
//
// Throttled topics are published by Flush(), which a FeedTimer runs on the
// engine thread as a CommandLoop query: tickers (/market/ticker:{symbol} and
// :all, KuCoin: "once every 100ms" on a change of best bid/ask or last trade),
// /spotMarket/level1 (KuCoin: every 10 ms; here at the depth interval),
// /spotMarket/level2Depth5 and Depth50 (every 100 ms when the levels changed)
// and /market/snapshot:{symbol} and :{market} (every 2 s when anything
// changed). A topic that gains its first subscriber gets the current state
// at the next flush, so a new client of a quiet market is not left waiting.
//
// Owned by app::Server beside the CommandLoop. Every method runs on the
// engine thread (the sink callbacks, Flush from a query); Seed runs before
// the engine thread starts. No locks: the engine thread owns all state here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/events.h"
#include "engine/exchange.h"
#include "engine/market_data.h"
#include "engine/markets.h"
#include "push/feed_messages.h"
#include "push/publisher.h"

namespace kc::push {

struct FeedOptions {
  // KuCoin's documented push frequencies.
  engine::Timestamp ticker_interval = 100 * engine::kNanosPerMilli;
  engine::Timestamp depth_interval = 100 * engine::kNanosPerMilli;
  engine::Timestamp snapshot_interval = 2 * engine::kNanosPerSecond;
};

class MarketFeed final : public engine::EventSink {
 public:
  // `publisher` must outlive the feed.
  MarketFeed(engine::MarketConfig markets, Publisher* publisher, FeedOptions options = {});

  // Before the engine thread starts, after journal replay (whose events are
  // dropped): takes over the current candles, so that the first pushes after
  // a restart continue them.
  void Seed(const engine::Exchange& exchange);

  void OnOrder(const engine::OrderEvent& e) override;
  void OnTrade(const engine::TradeEvent& e) override;
  void OnBook(const engine::BookEvent& e) override;
  void OnBalance(const engine::BalanceEvent& e) override;
  void OnStop(const engine::StopEvent& e) override;
  void OnEventsEnd() override;  // publishes the level2 changes held since the last

  // Publishes the throttled topics that are due at `now` (engine time, ns).
  void Flush(const engine::Exchange& exchange, engine::Timestamp now);
  // The same, but the frames are handed back instead of published, for a
  // caller that may publish only once the state they show is durable
  // (FeedTimer: the state a query reads may be ahead of the journal).
  struct Held {
    std::string topic;
    engine::Uid uid = 0;
    Frame frame;
  };
  std::vector<Held> FlushHeld(const engine::Exchange& exchange, engine::Timestamp now);
  void PublishHeld(const std::vector<Held>& frames);
  // How often Flush should run (the shortest interval).
  engine::Timestamp flush_period() const;

 private:
  // A throttled topic's delivery state.
  struct Pushed {
    bool subscribed = false;                    // had subscribers at the last flush
    std::uint64_t version = 0;                  // the symbol's version at the last push
    std::optional<TopOfBook> top;               // tickers: what was pushed
    std::vector<engine::BookLevel> bids, asks;  // depth: what was pushed
  };
  struct SymbolFeed {
    std::string level2_topic, match_topic, ticker_topic, snapshot_topic, level1_topic, depth5_topic,
        depth50_topic, market_topic;
    std::array<std::string, engine::kCandleIntervals> candle_topics;
    std::array<engine::Candle, engine::kCandleIntervals> candles{};
    std::array<bool, engine::kCandleIntervals> has_candle{};
    std::uint64_t version = 1;              // bumped by every book or trade event
    std::vector<engine::BookEvent> level2;  // changes not yet published
    Pushed ticker, ticker_all, level1, depth5, depth50, snapshot, market_snapshot;
  };

  enum class Due { kNo, kChanged, kFirstSubscriber };

  void Publish(std::string_view topic, engine::Uid uid, std::string text);
  void PublishLevel2(SymbolFeed& f);
  // Whether a throttled topic should be pushed now: it has subscribers and
  // either gained its first or the symbol changed since the last push.
  Due Check(std::string_view topic, Pushed& p, std::uint64_t version) const;
  void FlushTickers(const engine::Exchange& exchange, engine::Timestamp now);
  void FlushDepth(const engine::Exchange& exchange, engine::Timestamp now);
  void FlushSnapshots(const engine::Exchange& exchange, engine::Timestamp now);
  void FlushDepthOf(const engine::Exchange& exchange, engine::SymbolId s, std::size_t depth,
                    const std::string& topic, Pushed& p, engine::Timestamp now);

  engine::MarketConfig markets_;
  Publisher* publisher_;
  FeedOptions options_;
  std::vector<SymbolFeed> symbols_;
  std::vector<Held>* held_ = nullptr;  // set during FlushHeld
  engine::Timestamp last_ticker_ = 0;
  engine::Timestamp last_depth_ = 0;
  engine::Timestamp last_snapshot_ = 0;
};

}  // namespace kc::push
