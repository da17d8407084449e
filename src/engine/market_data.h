// Public market data of one symbol, built from its trades: the last trades
// (/api/v1/market/histories), candles for each of KuCoin's intervals and the
// rolling 24h statistics (/api/v1/market/stats). Pure: the Exchange feeds it
// trades, and the push service may keep its own copy fed from TradeEvents.
// Single-threaded (whoever owns the instance).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/ring.h"
#include "engine/types.h"

namespace kc::engine {

struct PublicTrade {
  std::uint64_t sequence = 0;
  std::uint64_t trade_id = 0;
  Units price = 0;
  Units size = 0;
  Units funds = 0;
  Side side = Side::kBuy;  // the taker's side
  Timestamp ts = 0;
};

enum class CandleInterval : std::uint8_t {
  k1min,
  k3min,
  k5min,
  k15min,
  k30min,
  k1hour,
  k2hour,
  k4hour,
  k6hour,
  k8hour,
  k12hour,
  k1day,
  k1week,
  k1month,
};
inline constexpr std::size_t kCandleIntervals = 14;
std::string_view ToString(CandleInterval interval);  // "1min", ... "1month"
std::optional<CandleInterval> ParseCandleInterval(std::string_view text);
// Start (Unix seconds) of the candle holding `seconds`: UTC-aligned; weeks
// start on Monday 00:00 UTC, months on the 1st.
std::int64_t CandleStart(CandleInterval interval, std::int64_t seconds);

struct Candle {
  std::int64_t start = 0;  // Unix seconds
  Units open = 0, close = 0, high = 0, low = 0;
  Units volume = 0;    // base
  Units turnover = 0;  // quote
};

// The newest `capacity` candles of one interval.
class CandleSeries {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  CandleSeries(CandleInterval interval, std::size_t capacity)
      : interval_(interval), candles_(capacity) {}
  void Add(const PublicTrade& trade);
  // Candles with start in [start, end] (seconds; 0 = unbounded), newest first.
  void Query(std::int64_t start, std::int64_t end, std::size_t limit,
             std::vector<Candle>* out) const;
  const Candle* Last() const {
    return candles_.size() == 0 ? nullptr : &candles_.At(candles_.end() - 1);
  }
  CandleInterval interval() const { return interval_; }

 private:
  static void Update(Candle& c, const PublicTrade& t);
  void Cache(std::int64_t start);

  CandleInterval interval_;
  Ring<Candle> candles_;
  // [start, end) of the newest candle as last seen, a cache (not state: a
  // snapshot neither saves nor needs it, a mismatching start disables it).
  std::int64_t newest_start_ = 0;
  std::int64_t newest_end_ = 0;
};

struct Stats24h {
  bool has_trades = false;  // any trade in the window
  Units open = 0, high = 0, low = 0, last = 0;
  Units vol = 0;        // base
  Units vol_value = 0;  // quote
  Units change_price = 0;
  std::int64_t change_rate = 0;  // scaled by 10^kChangeRateScale ("0.0089")
  Units average_price = 0;       // volValue / vol, quote scale (0 without trades)
};
inline constexpr int kChangeRateScale = 4;

class MarketData {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  // KuCoin answers at most 1500 candles; 1500 minutes also cover the 24h window.
  static constexpr std::size_t kCandleCapacity = 1500;
  static constexpr std::size_t kRecentTrades = 100;

  explicit MarketData(int base_scale);
  void AddTrade(const PublicTrade& trade);
  // Newest first.
  void RecentTrades(std::vector<PublicTrade>* out) const;
  const CandleSeries& candles(CandleInterval interval) const {
    return series_[static_cast<std::size_t>(interval)];
  }
  Stats24h Stats(Timestamp now) const;
  std::optional<PublicTrade> LastTrade() const;

 private:
  int base_scale_;
  Ring<PublicTrade> recent_;
  std::vector<CandleSeries> series_;
};

}  // namespace kc::engine
