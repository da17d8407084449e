// Random command streams (seeded, bounded) against the exchange: the book never
// crosses, money is neither created nor destroyed, and on plain limit/market
// flow the fills equal those of a deliberately naive reference book.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <random>

#include "engine/exchange.h"
#include "engine/flat_map.h"
#include "engine/money.h"
#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::U;

// The simplest book that can be right: every resting order in one vector,
// the maker chosen by scanning for the best price and then the oldest.
class ReferenceBook {
 public:
  struct Resting {
    std::uint64_t id;
    Side side;
    Units price;
    Units remaining;
    std::uint64_t time;
  };
  struct Match {
    std::uint64_t maker, taker;
    Units price, size;
    friend bool operator==(const Match&, const Match&) = default;
  };

  // price 0 = market. Returns the matches; rests the remainder when `rest`.
  void Place(std::uint64_t id, Side side, Units price, Units size, bool rest,
             std::vector<Match>* out) {
    while (size > 0) {
      Resting* best = nullptr;
      for (Resting& r : orders_) {
        if (r.side == side) continue;
        if (price != 0 && (side == Side::kBuy ? r.price > price : r.price < price)) continue;
        if (best == nullptr ||
            (side == Side::kBuy ? r.price < best->price : r.price > best->price) ||
            (r.price == best->price && r.time < best->time)) {
          best = &r;
        }
      }
      if (best == nullptr) break;
      const Units q = std::min(size, best->remaining);
      out->push_back({best->id, id, best->price, q});
      size -= q;
      best->remaining -= q;
      if (best->remaining == 0) {
        orders_.erase(orders_.begin() + (best - orders_.data()));
      }
    }
    if (size > 0 && rest && price != 0) orders_.push_back({id, side, price, size, ++clock_});
  }
  bool Cancel(std::uint64_t id) {
    for (auto it = orders_.begin(); it != orders_.end(); ++it) {
      if (it->id == id) {
        orders_.erase(it);
        return true;
      }
    }
    return false;
  }
  const std::vector<Resting>& orders() const { return orders_; }

 private:
  std::vector<Resting> orders_;
  std::uint64_t clock_ = 0;
};

class TradeRecorder final : public EventSink {
 public:
  void OnOrder(const OrderEvent&) override {}
  void OnTrade(const TradeEvent& e) override { trades.push_back(e); }
  void OnBook(const BookEvent& e) override {
    if (e.sequence != last_sequence[e.symbol] + 1) gap = true;
    last_sequence[e.symbol] = e.sequence;
  }
  void OnBalance(const BalanceEvent&) override {}
  std::vector<TradeEvent> trades;
  std::map<SymbolId, std::uint64_t> last_sequence;
  bool gap = false;
};

TEST(Property, FillsMatchTheNaiveReferenceBook) {
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    TradeRecorder rec;
    Exchange ex(DefaultMarkets(), &rec);
    ReferenceBook ref;
    const SymbolId sym = *ex.markets().FindSymbol("BTC-USDT");
    Timestamp now = 1'700'000'000 * kNanosPerSecond;
    for (Uid u = 1; u <= 4; ++u) {
      ex.Apply({++now,
                Deposit{u, DefaultMarkets().symbol(sym).base, AccountType::kTrade, U("1000000")}});
      ex.Apply({++now, Deposit{u, DefaultMarkets().symbol(sym).quote, AccountType::kTrade,
                               U("1000000000")}});
    }
    std::vector<std::pair<Uid, OrderId>> live;
    for (int step = 0; step < 3000; ++step) {
      const int dice = static_cast<int>(rng() % 100);
      const Uid uid = 1 + rng() % 4;
      if (dice < 30 && !live.empty()) {
        const std::size_t k = rng() % live.size();
        const auto [owner, id] = live[k];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        const bool ok = ex.Apply({++now, CancelOrder{owner, id}}).ok();
        ASSERT_EQ(ok, ref.Cancel(id.seq));
        continue;
      }
      PlaceOrder p;
      p.uid = uid;
      p.symbol = sym;
      p.side = rng() % 2 ? Side::kBuy : Side::kSell;
      p.size = static_cast<Units>(1 + rng() % 50) * U("0.0001");
      const bool market = dice >= 95;
      if (market) {
        p.type = OrderType::kMarket;
      } else {
        p.price = U("50000") + static_cast<Units>(static_cast<int>(rng() % 41) - 20) * U("0.1");
        p.time_in_force = dice >= 85 ? TimeInForce::kIoc : TimeInForce::kGtc;
      }
      const std::size_t before = rec.trades.size();
      const auto r = ex.Apply({++now, p});
      ASSERT_TRUE(r.ok()) << ToString(r.reject);
      std::vector<ReferenceBook::Match> want;
      ref.Place(r.order_id.seq, p.side, p.price, p.size,
                !market && p.time_in_force == TimeInForce::kGtc, &want);
      std::vector<ReferenceBook::Match> got;
      for (std::size_t i = before; i < rec.trades.size(); ++i) {
        const TradeEvent& t = rec.trades[i];
        got.push_back({t.maker_order_id.seq, t.taker_order_id.seq, t.price, t.size});
      }
      ASSERT_EQ(got, want) << "seed " << seed << " step " << step;
      if (ex.FindOrder(uid, r.order_id)->status == OrderStatus::kOpen) {
        live.push_back({uid, r.order_id});
      }
      // Makers filled away are no longer cancellable.
      std::erase_if(live, [&](const auto& x) {
        return ex.FindOrder(x.first, x.second)->status == OrderStatus::kDone;
      });
    }
    ex.CheckInvariants();
    EXPECT_EQ(ex.book(sym).order_count(), ref.orders().size());
    EXPECT_FALSE(rec.gap);
  }
}

// Everything at once, with tight balances so that rejections happen too.
TEST(Property, NeverCrossesAndConservesMoney) {
  const MarketConfig& markets = DefaultMarkets();
  for (std::uint32_t seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    TradeRecorder rec;
    ExchangeOptions options;
    options.done_order_capacity = 256;  // exercise eviction
    options.fill_capacity = 256;
    options.ledger_capacity = 256;
    Exchange ex(markets, &rec, options);
    std::vector<Units> deposited(markets.currencies.size(), 0);
    Timestamp now = 1'700'000'000 * kNanosPerSecond;
    const std::vector<std::string_view> symbols = {"BTC-USDT", "ETH-BTC"};
    const std::map<std::string_view, Units> mid = {{"BTC-USDT", U("50000")},
                                                   {"ETH-BTC", U("0.05")}};
    for (Uid u = 1; u <= 5; ++u) {
      for (CurrencyId c = 0; c < markets.currencies.size(); ++c) {
        const Units amount = c == *markets.FindCurrency("USDT") ? U("20000") : U("1");
        ASSERT_TRUE(ex.Apply({++now, Deposit{u, c, AccountType::kMain, amount}}).ok());
        ASSERT_TRUE(
            ex.Apply({++now,
                      InnerTransfer{u, c, AccountType::kMain, AccountType::kTrade, amount / 2, {}}})
                .ok());
        deposited[c] += amount;
      }
    }
    std::vector<std::pair<Uid, OrderId>> placed;
    std::vector<std::pair<Uid, OrderId>> withdrawals;
    int accepted = 0;
    const auto pending_stops = [&] {
      std::size_t n = 0;
      for (Uid u = 1; u <= 5; ++u) n += ex.StopOrders(u).size();
      return n;
    };
    std::size_t triggered = 0;
    for (int step = 0; step < 3000; ++step) {
      now += static_cast<Timestamp>(rng() % 3) * kNanosPerSecond;
      const int dice = static_cast<int>(rng() % 100);
      const std::size_t stops_before = pending_stops();
      const Uid uid = 1 + rng() % 5;
      const std::string_view sname = symbols[rng() % symbols.size()];
      const SymbolId sym = *markets.FindSymbol(sname);
      const SymbolSpec& spec = markets.symbol(sym);
      if (dice < 20 && !placed.empty()) {
        const auto [owner, id] = placed[rng() % placed.size()];
        ex.Apply({now, CancelOrder{owner, id}});
      } else if (dice < 25 && !placed.empty()) {
        const auto [owner, id] = placed[rng() % placed.size()];
        AmendOrder a;
        a.uid = owner;
        a.order_id = id;
        if (rng() % 2)
          a.new_price = mid.at(sname) + static_cast<Units>(rng() % 11) * spec.price_increment;
        if (rng() % 2) a.new_size = static_cast<Units>(1 + rng() % 30) * spec.base_min_size;
        const auto r = ex.Apply({now, a});
        if (r.order_id.valid()) placed.push_back({owner, r.order_id});
      } else if (dice < 27) {
        ex.Apply({now, CancelAll{uid, rng() % 2 ? std::optional<SymbolId>(sym) : std::nullopt}});
      } else if (dice < 29 && !placed.empty()) {
        const auto [owner, id] = placed[rng() % placed.size()];
        ex.Apply({now, ReduceOrder{owner, id, sym,
                                   static_cast<Units>(1 + rng() % 10) * spec.base_min_size}});
      } else if (dice < 30) {
        ex.Apply({now, ExpireOrders{now}});
      } else if (dice < 31) {
        const CurrencyId c = static_cast<CurrencyId>(rng() % markets.currencies.size());
        ex.Apply({now, InnerTransfer{uid,
                                     c,
                                     rng() % 2 ? AccountType::kMain : AccountType::kTrade,
                                     rng() % 2 ? AccountType::kMain : AccountType::kTrade,
                                     static_cast<Units>(rng() % 1000000),
                                     {}}});
      } else if (dice < 34) {
        // Stop orders near the mid, so that trades trigger them (cascades too).
        PlaceStopOrder st;
        st.order.uid = uid;
        st.order.symbol = sym;
        st.order.side = rng() % 2 ? Side::kBuy : Side::kSell;
        if (rng() % 4 == 0) {
          st.order.type = OrderType::kMarket;
          if (st.order.side == Side::kBuy) {
            st.order.funds = static_cast<Units>(1 + rng() % 50) * spec.min_funds;
          } else {
            st.order.size = static_cast<Units>(1 + rng() % 20) * spec.base_min_size;
          }
        } else {
          st.order.price =
              mid.at(sname) + (static_cast<Units>(rng() % 21) - 10) * spec.price_increment * 3;
          st.order.size = static_cast<Units>(1 + rng() % 30) * spec.base_min_size;
        }
        st.stop = rng() % 2 ? StopKind::kLoss : StopKind::kEntry;
        st.stop_price =
            mid.at(sname) + (static_cast<Units>(rng() % 21) - 10) * spec.price_increment * 3;
        const auto r = ex.Apply({now, st});
        if (r.ok()) placed.push_back({uid, r.order_id});  // once triggered, a regular order
      } else if (dice < 35) {
        ex.Apply({now, CancelStopOrders{
                           uid, {}, {}, rng() % 2 ? std::optional<SymbolId>(sym) : std::nullopt}});
      } else if (dice < 36) {
        SetDeadCancel d;
        d.uid = uid;
        d.timeout = static_cast<std::int32_t>(5 + rng() % 20);
        if (rng() % 2) d.symbols[d.symbol_count++] = static_cast<std::uint16_t>(sym);
        ex.Apply({now, d});
      } else if (dice < 38) {
        // Withdrawals from main: some complete at once, some later, some never.
        Withdraw w;
        w.uid = uid;
        w.currency = static_cast<CurrencyId>(rng() % markets.currencies.size());
        w.chain = static_cast<std::uint8_t>(rng() % 3);  // sometimes no such chain
        w.amount = static_cast<Units>(rng() % 40'000'000);
        w.fee = static_cast<Units>(rng() % 100'000);
        w.fee_deduct = static_cast<FeeDeduct>(rng() % 3);
        const std::int32_t delays[] = {-1, 0, 1000, 5000};
        w.complete_after_ms = delays[rng() % 4];
        const auto r = ex.Apply({now, w});
        if (r.ok()) withdrawals.push_back({uid, r.order_id});
      } else if (dice < 39 && !withdrawals.empty()) {
        const auto [owner, id] = withdrawals[rng() % withdrawals.size()];
        ex.Apply({now, CancelWithdrawal{owner, id}});
      } else {
        PlaceOrder p;
        p.uid = uid;
        p.symbol = sym;
        p.side = rng() % 2 ? Side::kBuy : Side::kSell;
        p.stp = static_cast<Stp>(rng() % 5);
        const int kind = static_cast<int>(rng() % 10);
        if (kind == 0) {
          p.type = OrderType::kMarket;
          if (rng() % 2) {
            p.size = static_cast<Units>(1 + rng() % 20) * spec.base_min_size;
          } else {
            p.funds = static_cast<Units>(1 + rng() % 50) * spec.min_funds;
          }
        } else {
          p.price =
              mid.at(sname) + (static_cast<Units>(rng() % 21) - 10) * spec.price_increment * 3;
          p.size = static_cast<Units>(1 + rng() % 30) * spec.base_min_size +
                   static_cast<Units>(rng() % 100) * spec.base_increment;
          p.time_in_force = static_cast<TimeInForce>(rng() % 4);
          p.cancel_after = 1 + rng() % 20;
          p.post_only = rng() % 6 == 0;
          p.hidden = rng() % 8 == 0;
          p.iceberg = !p.hidden && rng() % 6 == 0;
          p.visible_size = p.size / 3 - (p.size / 3) % spec.base_increment;
        }
        if (rng() % 3 == 0) {
          char oid[16];
          std::snprintf(oid, sizeof oid, "c%u", static_cast<unsigned>(rng() % 40));
          p.client_oid.Assign(oid);
        }
        const auto r = ex.Apply({now, p});
        if (r.ok()) {
          ++accepted;
          placed.push_back({uid, r.order_id});
        }
      }
      if (dice != 34 && pending_stops() < stops_before) triggered += stops_before - pending_stops();
      if (step % 50 == 0 || dice < 39) ex.CheckInvariants();
      for (CurrencyId c = 0; c < markets.currencies.size(); ++c) {
        ASSERT_EQ(ex.accounts().Total(c) + ex.fees_collected(c) + ex.withdrawn(c), deposited[c])
            << "seed " << seed << " step " << step << " currency " << c;
      }
    }
    ex.CheckInvariants();
    std::size_t completed = 0;
    for (Uid u = 1; u <= 5; ++u) {
      for (const Withdrawal& w : ex.Withdrawals(u)) {
        completed += w.status == WithdrawalStatus::kSuccess;
      }
    }
    EXPECT_GT(completed, 5u) << "seed " << seed;
    EXPECT_GT(accepted, 500);
    EXPECT_GT(triggered, 20u) << "seed " << seed;
    EXPECT_GT(rec.trades.size(), 100u);
    EXPECT_FALSE(rec.gap);
  }
}

// The 64-bit fast paths give exactly what the 128-bit originals give, for
// every rounding, signs, products on both sides of the int64 overflow, and
// results that do not fit.
TEST(FastArithmeticProperty, MatchesTheExactVersions) {
  std::mt19937_64 rng(7);
  const std::int64_t edges[] = {0,
                                1,
                                -1,
                                2,
                                -2,
                                7,
                                10,
                                99,
                                1000,
                                123456789,
                                -987654321,
                                (1ll << 31),
                                (1ll << 32) + 3,
                                3037000499ll,
                                3037000500ll,
                                std::numeric_limits<std::int64_t>::max(),
                                std::numeric_limits<std::int64_t>::min(),
                                std::numeric_limits<std::int64_t>::max() / 3};
  const Rounding roundings[] = {Rounding::kDown, Rounding::kUp, Rounding::kFloor,
                                Rounding::kCeiling, Rounding::kHalfEven};
  auto pick = [&]() -> std::int64_t {
    switch (rng() % 4) {
      case 0:
        return edges[rng() % std::size(edges)];
      case 1:
        return static_cast<std::int64_t>(rng() % 2000) - 1000;
      case 2:
        return static_cast<std::int64_t>(rng() >> (rng() % 64));
      default:
        return -static_cast<std::int64_t>(rng() >> (1 + rng() % 63));
    }
  };
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t a = pick(), b = pick();
    const std::int64_t d = rng() % 8 == 0 ? pick() : Pow10(static_cast<int>(rng() % 19));
    const Rounding r = roundings[rng() % std::size(roundings)];
    ASSERT_EQ(FastMulDiv(a, b, d, r), MulDiv(a, b, d, r)) << a << " " << b << " " << d;
    const int ps = static_cast<int>(rng() % 19), ss = static_cast<int>(rng() % 19);
    const int os = static_cast<int>(rng() % 19);
    ASSERT_EQ(FastMulDecimal(a, ps, b, ss, os, r), MulDecimal(a, ps, b, ss, os, r))
        << a << " " << ps << " " << b << " " << ss << " " << os;
  }
}

// The candle series' newest-candle shortcut gives the candles that placing
// every trade by CandleStart gives, across minute to month boundaries, long
// gaps and late trades.
TEST(CandleProperty, NewestCandleShortcutMatchesCandleStart) {
  std::mt19937_64 rng(11);
  MarketData md(8);
  std::vector<std::vector<Candle>> expected(kCandleIntervals);
  Timestamp ts = 1'700'000'000 * kNanosPerSecond;
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t r = rng();
    if (r % 50 == 0) {
      ts += static_cast<Timestamp>(rng() % (40 * 86400)) * kNanosPerSecond;
    } else if (r % 50 == 1) {
      ts -= static_cast<Timestamp>(rng() % 7200) * kNanosPerSecond;
    } else {
      ts += static_cast<Timestamp>(rng() % (90 * kNanosPerSecond));
    }
    const PublicTrade t{static_cast<std::uint64_t>(i),
                        static_cast<std::uint64_t>(i),
                        static_cast<Units>(1 + rng() % 1000),
                        static_cast<Units>(1 + rng() % 50),
                        static_cast<Units>(1 + rng() % 5000),
                        Side::kBuy,
                        ts};
    md.AddTrade(t);
    for (std::size_t k = 0; k < kCandleIntervals; ++k) {
      std::vector<Candle>& v = expected[k];
      const std::int64_t start = CandleStart(static_cast<CandleInterval>(k), ts / kNanosPerSecond);
      if (!v.empty() && v.back().start >= start) {
        Candle& c = v.back();
        if (c.start == start) {
          c.high = std::max(c.high, t.price);
          c.low = std::min(c.low, t.price);
        }
        c.close = t.price;
        c.volume += t.size;
        c.turnover += t.funds;
      } else {
        v.push_back(Candle{start, t.price, t.price, t.price, t.price, t.size, t.funds});
      }
    }
  }
  for (std::size_t k = 0; k < kCandleIntervals; ++k) {
    std::vector<Candle> got;
    md.candles(static_cast<CandleInterval>(k)).Query(0, 0, MarketData::kCandleCapacity, &got);
    const std::vector<Candle>& want = expected[k];
    ASSERT_EQ(got.size(), std::min(want.size(), MarketData::kCandleCapacity)) << k;
    EXPECT_GT(want.size(), 1u) << k;
    for (std::size_t j = 0; j < got.size(); ++j) {
      const Candle& a = got[j];
      const Candle& b = want[want.size() - 1 - j];
      ASSERT_TRUE(a.start == b.start && a.open == b.open && a.close == b.close &&
                  a.high == b.high && a.low == b.low && a.volume == b.volume &&
                  a.turnover == b.turnover)
          << "interval " << k << " candle " << j;
    }
  }
}

// IdMap (the exchange's per-user records) against std::map, with the keys
// that FlatMap cannot hold directly (0 and the largest uint64) included.
TEST(IdMapProperty, MatchesStdMap) {
  std::mt19937_64 rng(3);
  IdMap<std::uint64_t> m;
  std::map<std::uint64_t, std::uint64_t> want;
  const std::uint64_t special[] = {0, 1, ~std::uint64_t{0}, ~std::uint64_t{0} - 1};
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t key = rng() % 4 == 0 ? special[rng() % 4] : rng() % 3000;
    if (rng() % 2 == 0) {
      m[key] += i;
      want[key] += static_cast<std::uint64_t>(i);
    } else {
      const std::uint64_t* got = m.find(key);
      const auto it = want.find(key);
      ASSERT_EQ(got != nullptr, it != want.end()) << key;
      if (got != nullptr) {
        ASSERT_EQ(*got, it->second) << key;
      }
    }
  }
  ASSERT_EQ(m.size(), want.size());
  for (const auto& [key, value] : m) ASSERT_EQ(want.at(key), value);
  EXPECT_FALSE(m.emplace(0, 7).second);
}

}  // namespace
}  // namespace kc::engine
