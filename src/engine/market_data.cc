#include "engine/market_data.h"

#include <algorithm>

#include "core/decimal.h"

namespace kc::engine {
namespace {

constexpr std::array<std::string_view, kCandleIntervals> kIntervalNames = {
    "1min",  "3min",  "5min",  "15min",  "30min", "1hour", "2hour",
    "4hour", "6hour", "8hour", "12hour", "1day",  "1week", "1month"};
constexpr std::array<std::int64_t, 12> kIntervalSeconds = {60,   180,   300,   900,   1800,  3600,
                                                           7200, 14400, 21600, 28800, 43200, 86400};
constexpr std::int64_t kWeek = 7 * 86400;
constexpr std::int64_t kFirstMonday = 4 * 86400;  // 1970-01-05

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Howard Hinnant's civil-from-days / days-from-civil, for month starts.
void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = FloorDiv(y, 400);
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::string_view ToString(CandleInterval interval) {
  return kIntervalNames[static_cast<std::size_t>(interval)];
}

std::optional<CandleInterval> ParseCandleInterval(std::string_view text) {
  for (std::size_t i = 0; i < kIntervalNames.size(); ++i) {
    if (kIntervalNames[i] == text) return static_cast<CandleInterval>(i);
  }
  return std::nullopt;
}

std::int64_t CandleStart(CandleInterval interval, std::int64_t seconds) {
  const auto i = static_cast<std::size_t>(interval);
  if (i < kIntervalSeconds.size()) {
    return FloorDiv(seconds, kIntervalSeconds[i]) * kIntervalSeconds[i];
  }
  if (interval == CandleInterval::k1week) {
    return FloorDiv(seconds - kFirstMonday, kWeek) * kWeek + kFirstMonday;
  }
  std::int64_t y = 0;
  unsigned m = 0;
  CivilFromDays(FloorDiv(seconds, 86400), &y, &m);
  return DaysFromCivil(y, m, 1) * 86400;
}

void CandleSeries::Add(const PublicTrade& t) {
  const std::int64_t seconds = FloorDiv(t.ts, kNanosPerSecond);
  if (candles_.size() != 0) {
    Candle& c = candles_.Newest();
    // Most trades land in the newest candle: a range check instead of
    // CandleStart's divisions (and date arithmetic for months).
    if (c.start == newest_start_ && seconds >= c.start && seconds < newest_end_) {
      Update(c, t);
      return;
    }
    const std::int64_t start = CandleStart(interval_, seconds);
    if (c.start == start) {
      Update(c, t);
      Cache(start);
      return;
    }
    // Engine time never goes backwards; a late trade joins the newest candle.
    if (start < c.start) {
      c.close = t.price;
      c.volume += t.size;
      c.turnover += t.funds;
      return;
    }
  }
  const std::int64_t start = CandleStart(interval_, seconds);
  candles_.Push(Candle{start, t.price, t.price, t.price, t.price, t.size, t.funds});
  Cache(start);
}

void CandleSeries::Update(Candle& c, const PublicTrade& t) {
  c.close = t.price;
  c.high = std::max(c.high, t.price);
  c.low = std::min(c.low, t.price);
  c.volume += t.size;
  c.turnover += t.funds;
}

void CandleSeries::Cache(std::int64_t start) {
  newest_start_ = start;
  // The next candle's start: a month is at most 31 days long.
  const auto i = static_cast<std::size_t>(interval_);
  newest_end_ = i < kIntervalSeconds.size()           ? start + kIntervalSeconds[i]
                : interval_ == CandleInterval::k1week ? start + kWeek
                                                      : CandleStart(interval_, start + 32 * 86400);
}

void CandleSeries::Query(std::int64_t start, std::int64_t end, std::size_t limit,
                         std::vector<Candle>* out) const {
  candles_.ForEachNewest([&](const Candle& c) {
    if (out->size() >= limit) return false;
    if (end != 0 && c.start > end) return true;
    if (start != 0 && c.start < start) return false;
    out->push_back(c);
    return true;
  });
}

MarketData::MarketData(int base_scale) : base_scale_(base_scale), recent_(kRecentTrades) {
  series_.reserve(kCandleIntervals);
  for (std::size_t i = 0; i < kCandleIntervals; ++i) {
    series_.emplace_back(static_cast<CandleInterval>(i), kCandleCapacity);
  }
}

void MarketData::AddTrade(const PublicTrade& trade) {
  recent_.Push(trade);
  for (CandleSeries& s : series_) s.Add(trade);
}

void MarketData::RecentTrades(std::vector<PublicTrade>* out) const {
  recent_.ForEachNewest([&](const PublicTrade& t) {
    out->push_back(t);
    return true;
  });
}

std::optional<PublicTrade> MarketData::LastTrade() const {
  if (recent_.size() == 0) return std::nullopt;
  return recent_.At(recent_.end() - 1);
}

Stats24h MarketData::Stats(Timestamp now) const {
  Stats24h s;
  const auto last = LastTrade();
  if (!last) return s;
  s.last = last->price;
  s.open = s.high = s.low = s.last;
  // The window is the minute candles that started within the last 24 hours.
  const std::int64_t from = FloorDiv(now, kNanosPerSecond) - 86400;
  std::vector<Candle> window;
  series_[0].Query(from + 1, 0, kCandleCapacity, &window);
  for (const Candle& c : window) {
    if (!s.has_trades) {
      s.high = c.high;
      s.low = c.low;
    }
    s.has_trades = true;
    s.high = std::max(s.high, c.high);
    s.low = std::min(s.low, c.low);
    s.vol += c.volume;
    s.vol_value += c.turnover;
  }
  if (!window.empty()) s.open = window.back().open;
  s.change_price = s.last - s.open;
  if (s.open != 0) {
    s.change_rate =
        MulDiv(s.change_price, Pow10(kChangeRateScale), s.open, Rounding::kHalfEven).value_or(0);
  }
  if (s.vol != 0) {
    s.average_price =
        MulDiv(s.vol_value, Pow10(base_scale_), s.vol, Rounding::kHalfEven).value_or(0);
  }
  return s;
}

}  // namespace kc::engine
