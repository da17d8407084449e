// Snapshots: a snapshot taken anywhere in a random command stream, loaded into
// a fresh Exchange, continues exactly like the original (same results, same
// StateDigest after every command, same snapshot bytes); damaged, foreign or
// other-version snapshots are refused and leave the target untouched.
#include <gtest/gtest.h>

#include <boost/crc.hpp>
#include <cstdio>
#include <future>
#include <map>
#include <random>

#include "engine/command_loop.h"
#include "engine/exchange.h"
#include "engine/snapshot.h"
#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::U;

ExchangeOptions SmallHistories() {
  ExchangeOptions options;
  options.done_order_capacity = 128;  // exercise eviction (and the rebuilt indexes)
  options.fill_capacity = 128;
  options.ledger_capacity = 128;
  return options;
}

// The property tests' mix of commands (property_test.cc), as a generator:
// places of every kind (GTT, hidden, iceberg, post-only, STP, clientOids),
// cancels, amends, cancel-alls, expiries, transfers, dead-cancel-alls, stop
// orders, with tight balances.
class CommandStream {
 public:
  explicit CommandStream(std::uint32_t seed) : rng_(seed) {}

  std::vector<TimedCommand> Funding() {
    std::vector<TimedCommand> out;
    for (Uid u = 1; u <= 5; ++u) {
      for (CurrencyId c = 0; c < markets_.currencies.size(); ++c) {
        const Units amount = c == *markets_.FindCurrency("USDT") ? U("20000") : U("1");
        out.push_back({++now_, Deposit{u, c, AccountType::kMain, amount}});
        out.push_back(
            {++now_, InnerTransfer{u, c, AccountType::kMain, AccountType::kTrade, amount / 2, {}}});
      }
    }
    return out;
  }

  TimedCommand Next() {
    now_ += static_cast<Timestamp>(rng_() % 3) * kNanosPerSecond;
    const int dice = static_cast<int>(rng_() % 100);
    const Uid uid = 1 + rng_() % 5;
    const std::string_view sname = kSymbols[rng_() % 2];
    const SymbolId sym = *markets_.FindSymbol(sname);
    const SymbolSpec& spec = markets_.symbol(sym);
    const Units mid = sname == "BTC-USDT" ? U("50000") : U("0.05");
    if (dice < 20 && !placed_.empty()) {
      const auto [owner, id] = placed_[rng_() % placed_.size()];
      return {now_, CancelOrder{owner, id}};
    }
    if (dice < 25 && !placed_.empty()) {
      const auto [owner, id] = placed_[rng_() % placed_.size()];
      AmendOrder a;
      a.uid = owner;
      a.order_id = id;
      if (rng_() % 2) a.new_price = mid + static_cast<Units>(rng_() % 11) * spec.price_increment;
      if (rng_() % 2) a.new_size = static_cast<Units>(1 + rng_() % 30) * spec.base_min_size;
      return {now_, a};
    }
    if (dice < 27) {
      return {now_, CancelAll{uid, rng_() % 2 ? std::optional<SymbolId>(sym) : std::nullopt}};
    }
    if (dice < 29) return {now_, ExpireOrders{now_}};
    if (dice < 31) {
      const CurrencyId c = static_cast<CurrencyId>(rng_() % markets_.currencies.size());
      return {now_, InnerTransfer{uid,
                                  c,
                                  rng_() % 2 ? AccountType::kMain : AccountType::kTrade,
                                  rng_() % 2 ? AccountType::kMain : AccountType::kTrade,
                                  static_cast<Units>(rng_() % 1000000),
                                  {}}};
    }
    if (dice < 36 && dice >= 33) {
      // A stop order a little away from the mid, either way.
      PlaceStopOrder st;
      st.order.uid = uid;
      st.order.symbol = sym;
      st.order.side = rng_() % 2 ? Side::kBuy : Side::kSell;
      st.order.price = mid + (static_cast<Units>(rng_() % 11) - 5) * spec.price_increment * 3;
      st.order.size = static_cast<Units>(1 + rng_() % 10) * spec.base_min_size;
      st.stop = rng_() % 2 ? StopKind::kLoss : StopKind::kEntry;
      st.stop_price = mid + (static_cast<Units>(rng_() % 11) - 5) * spec.price_increment * 3;
      return {now_, st};
    }
    if (dice == 36) {
      return {now_, CancelStopOrders{
                        uid, {}, {}, rng_() % 2 ? std::optional<SymbolId>(sym) : std::nullopt}};
    }
    if (dice < 33) {
      SetDeadCancel d;
      d.uid = uid;
      d.timeout = rng_() % 4 == 0 ? -1 : static_cast<std::int32_t>(5 + rng_() % 10);
      if (rng_() % 2) d.symbols[d.symbol_count++] = static_cast<std::uint16_t>(sym);
      return {now_, d};
    }
    PlaceOrder p;
    p.uid = uid;
    p.symbol = sym;
    p.side = rng_() % 2 ? Side::kBuy : Side::kSell;
    p.stp = static_cast<Stp>(rng_() % 5);
    if (rng_() % 10 == 0) {
      p.type = OrderType::kMarket;
      if (rng_() % 2) {
        p.size = static_cast<Units>(1 + rng_() % 20) * spec.base_min_size;
      } else {
        p.funds = static_cast<Units>(1 + rng_() % 50) * spec.min_funds;
      }
    } else {
      p.price = mid + (static_cast<Units>(rng_() % 21) - 10) * spec.price_increment * 3;
      p.size = static_cast<Units>(1 + rng_() % 30) * spec.base_min_size +
               static_cast<Units>(rng_() % 100) * spec.base_increment;
      p.time_in_force = static_cast<TimeInForce>(rng_() % 4);
      p.cancel_after = 1 + rng_() % 20;
      p.post_only = rng_() % 6 == 0;
      p.hidden = rng_() % 8 == 0;
      p.iceberg = !p.hidden && rng_() % 6 == 0;
      p.visible_size = p.size / 3 - (p.size / 3) % spec.base_increment;
      if (rng_() % 4 == 0) p.remark.Assign("r");
    }
    if (rng_() % 3 == 0) {
      char oid[16];
      std::snprintf(oid, sizeof oid, "c%u", static_cast<unsigned>(rng_() % 40));
      p.client_oid.Assign(oid);
    }
    return {now_, p};
  }

  void Observe(const TimedCommand& c, const CommandResult& r) {
    const bool places = std::holds_alternative<PlaceOrder>(c.command) ||
                        std::holds_alternative<AmendOrder>(c.command);
    if (places && r.order_id.valid()) placed_.push_back({PlacedBy(c), r.order_id});
  }

  std::mt19937& rng() { return rng_; }

 private:
  static Uid PlacedBy(const TimedCommand& c) {
    if (const auto* p = std::get_if<PlaceOrder>(&c.command)) return p->uid;
    return std::get<AmendOrder>(c.command).uid;
  }
  static constexpr std::string_view kSymbols[2] = {"BTC-USDT", "ETH-BTC"};
  const MarketConfig& markets_ = DefaultMarkets();
  std::mt19937 rng_;
  Timestamp now_ = 1'700'000'000 * kNanosPerSecond;
  std::vector<std::pair<Uid, OrderId>> placed_;
};

std::string Snapshot(const Exchange& ex) {
  std::string out;
  ex.SaveSnapshot(&out);
  return out;
}

bool SameResult(const CommandResult& a, const CommandResult& b) {
  return a.reject == b.reject && a.order_id == b.order_id &&
         a.existing_order_id == b.existing_order_id && a.canceled == b.canceled;
}

TEST(Snapshot, ContinuesExactlyLikeTheOriginal) {
  constexpr int kSteps = 2500;
  for (std::uint32_t seed = 1; seed <= 8; ++seed) {
    CommandStream stream(seed);
    EventBuffer events_a, events_b;
    Exchange a(DefaultMarkets(), &events_a, SmallHistories());
    for (const TimedCommand& c : stream.Funding()) ASSERT_TRUE(a.Apply(c).ok());
    const int cut = static_cast<int>(stream.rng()() % kSteps);
    std::optional<Exchange> b;
    for (int step = 0; step < kSteps; ++step) {
      if (step == cut) {
        b.emplace(DefaultMarkets(), &events_b, SmallHistories());
        std::string error;
        const std::string bytes = Snapshot(a);
        ASSERT_TRUE(b->LoadSnapshot(bytes, &error)) << error;
        ASSERT_EQ(b->StateDigest(), a.StateDigest()) << "seed " << seed;
        ASSERT_EQ(Snapshot(*b), bytes) << "seed " << seed;
        b->CheckInvariants();
        events_a.clear();
      }
      const TimedCommand c = stream.Next();
      const CommandResult ra = a.Apply(c);
      stream.Observe(c, ra);
      if (!b) continue;
      const CommandResult rb = b->Apply(c);
      ASSERT_TRUE(SameResult(ra, rb)) << "seed " << seed << " step " << step;
      ASSERT_EQ(a.StateDigest(), b->StateDigest()) << "seed " << seed << " step " << step;
      ASSERT_EQ(events_a.events().size(), events_b.events().size());
      events_a.clear();
      events_b.clear();
      if (step % 97 == 0) {
        ASSERT_EQ(Snapshot(a), Snapshot(*b)) << "seed " << seed;
      }
    }
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(Snapshot(a), Snapshot(*b));
    b->CheckInvariants();
    // Queries that read the rebuilt indexes answer alike.
    for (Uid u = 1; u <= 5; ++u) {
      EXPECT_EQ(a.ActiveOrders(u).size(), b->ActiveOrders(u).size());
      std::vector<Order> done_a, done_b;
      EXPECT_EQ(a.DoneOrders(OrderFilter{u}, 0, 1000, &done_a),
                b->DoneOrders(OrderFilter{u}, 0, 1000, &done_b));
      for (const Order& o : done_a) {
        const auto found = b->FindOrder(u, o.id);
        ASSERT_TRUE(found.has_value());
        EXPECT_EQ(found->deal_size, o.deal_size);
        if (!o.client_oid.empty()) {
          EXPECT_EQ(a.FindOrderByClientOid(u, o.client_oid.view()).has_value(),
                    b->FindOrderByClientOid(u, o.client_oid.view()).has_value());
        }
      }
    }
  }
}

class SnapshotCorruption : public ::testing::Test {
 protected:
  SnapshotCorruption() : source_(DefaultMarkets(), &events_, SmallHistories()) {
    CommandStream stream(7);
    for (const TimedCommand& c : stream.Funding()) source_.Apply(c);
    for (int i = 0; i < 600; ++i) {
      const TimedCommand c = stream.Next();
      stream.Observe(c, source_.Apply(c));
    }
    source_.SaveSnapshot(&bytes_);
  }

  // Loads into an Exchange with some state of its own: a refused load must
  // leave that state as it was.
  bool Loads(std::string_view bytes, std::string* error = nullptr) {
    EventBuffer events;
    Exchange target(DefaultMarkets(), &events, SmallHistories());
    target.Apply({1, Deposit{9, 0, AccountType::kMain, 5}});
    const std::uint64_t before = target.StateDigest();
    std::string why;
    const bool ok = target.LoadSnapshot(bytes, &why);
    if (error) *error = why;
    if (!ok) {
      EXPECT_EQ(target.StateDigest(), before);
      EXPECT_FALSE(why.empty());
    }
    return ok;
  }

  static void FixCrc(std::string* bytes) {
    boost::crc_32_type crc;
    crc.process_bytes(bytes->data() + 20, bytes->size() - 20);
    const std::uint32_t v = crc.checksum();
    for (int i = 0; i < 4; ++i) (*bytes)[16 + i] = static_cast<char>((v >> (8 * i)) & 0xff);
  }

  EventBuffer events_;
  Exchange source_;
  std::string bytes_;
};

TEST_F(SnapshotCorruption, TheIntactSnapshotLoads) {
  EXPECT_EQ(SnapshotVersion(bytes_), kSnapshotVersion);
  EXPECT_TRUE(Loads(bytes_));
}

TEST_F(SnapshotCorruption, EveryTruncationIsRefused) {
  for (std::size_t n = 0; n < bytes_.size(); n += 1 + n / 50) {
    EXPECT_FALSE(Loads(std::string_view(bytes_).substr(0, n))) << n;
  }
  EXPECT_FALSE(Loads(bytes_ + "x"));
}

TEST_F(SnapshotCorruption, FlippedBitsAreRefused) {
  std::mt19937 rng(3);
  for (int i = 0; i < 300; ++i) {
    std::string damaged = bytes_;
    damaged[rng() % damaged.size()] ^= static_cast<char>(1 << (rng() % 8));
    EXPECT_FALSE(Loads(damaged));
  }
}

TEST_F(SnapshotCorruption, OtherVersionsAreRefusedByName) {
  std::string other = bytes_;
  other[4] = static_cast<char>(kSnapshotVersion + 1);
  std::string error;
  EXPECT_FALSE(Loads(other, &error));
  EXPECT_NE(error.find("version"), std::string::npos) << error;
  EXPECT_FALSE(Loads("not a snapshot at all, just some text that is long enough"));
  EXPECT_FALSE(Loads(""));
}

TEST_F(SnapshotCorruption, OtherMarketsOrCapacitiesAreRefused) {
  MarketConfig markets = DefaultMarkets();
  markets.symbols.pop_back();
  EventBuffer events;
  Exchange fewer_symbols(markets, &events, SmallHistories());
  std::string error;
  EXPECT_FALSE(fewer_symbols.LoadSnapshot(bytes_, &error));
  EXPECT_NE(error.find("markets"), std::string::npos) << error;
  Exchange default_capacity(DefaultMarkets(), &events);
  EXPECT_FALSE(default_capacity.LoadSnapshot(bytes_, &error));
  EXPECT_NE(error.find("capacity"), std::string::npos) << error;
}

// Damage that the checksum does not catch (a consistent forgery) must still
// never crash the loader: indexes, links and counts are checked.
TEST_F(SnapshotCorruption, ForgedBodiesNeverCrashTheLoader) {
  std::mt19937 rng(11);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string damaged = bytes_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) {
      damaged[20 + rng() % (damaged.size() - 20)] = static_cast<char>(rng());
    }
    FixCrc(&damaged);
    if (!Loads(damaged)) ++refused;
  }
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace kc::engine

namespace kc::engine {
namespace {

// CommandLoop: the after-batch hook sees exactly the journaled state, and a
// snapshot taken there plus the journal after it rebuilds the loop's state.
TEST(SnapshotLoop, TakenAfterADurableBatchAndLoadedBeforeStart) {
  MemoryJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), SmallHistories(), &journal, &sink, &clock);
  std::string snapshot;
  std::size_t covered = 0;
  std::size_t hooks = 0;
  std::size_t applied = 0;
  loop.SetAfterBatch([&](const Exchange& ex, std::size_t commands) -> std::function<void()> {
    EXPECT_GT(commands, 0u);
    ++hooks;
    applied += commands;
    if (hooks == 3) {  // the third batch: the state holds every command of the first three
      covered = applied;
      snapshot.clear();
      ex.SaveSnapshot(&snapshot);
    }
    return nullptr;
  });
  CommandStream stream(21);
  std::vector<TimedCommand> funding = stream.Funding();
  loop.Start();
  for (std::size_t i = 0; i < 400; ++i) {
    std::promise<void> done;
    const Command c = i < funding.size() ? funding[i].command : stream.Next().command;
    ASSERT_TRUE(loop.Submit(
        c, [&](const CommandResult&, const Exchange&) { return [&done] { done.set_value(); }; }));
    done.get_future().wait();  // one command per batch
  }
  loop.Stop();
  ASSERT_EQ(covered, 3u);
  ASSERT_FALSE(snapshot.empty());

  std::vector<TimedCommand> journaled;
  ASSERT_TRUE(journal.ReadAll(&journaled));
  MemoryJournal unused;
  CommandLoop restarted(DefaultMarkets(), SmallHistories(), &unused, &sink, &clock);
  std::string error;
  ASSERT_TRUE(restarted.LoadSnapshot(snapshot, &error)) << error;
  for (std::size_t i = covered; i < journaled.size(); ++i) restarted.Replay(journaled[i]);
  EXPECT_EQ(restarted.exchange().StateDigest(), loop.exchange().StateDigest());
  std::string a, b;
  loop.exchange().SaveSnapshot(&a);
  restarted.exchange().SaveSnapshot(&b);
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace kc::engine
