#include "engine/command_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <random>

#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::U;

// Records the order in which completions and events arrive.
class OrderedSink final : public EventSink {
 public:
  explicit OrderedSink(std::vector<std::string>* log) : log_(log) {}
  void OnOrder(const OrderEvent& e) override {
    log_->push_back("order:" + std::string(ToString(e.type)));
  }
  void OnTrade(const TradeEvent&) override { log_->push_back("trade"); }
  void OnBook(const BookEvent&) override { log_->push_back("book"); }
  void OnBalance(const BalanceEvent&) override { log_->push_back("balance"); }

 private:
  std::vector<std::string>* log_;
};

// A journal that records when syncs happen relative to everything else.
class LoggingJournal final : public Journal {
 public:
  explicit LoggingJournal(std::vector<std::string>* log) : log_(log) {}
  void Append(std::span<const TimedCommand> batch) override { inner.Append(batch); }
  bool Sync() override {
    log_->push_back("sync");
    return inner.Sync();
  }
  MemoryJournal inner;

 private:
  std::vector<std::string>* log_;
};

// A random but valid-looking command stream over every command kind.
std::vector<Command> RandomCommands(std::uint32_t seed, int n) {
  const MarketConfig& m = DefaultMarkets();
  std::mt19937 rng(seed);
  std::vector<Command> out;
  for (Uid u = 1; u <= 4; ++u) {
    for (CurrencyId c = 0; c < m.currencies.size(); ++c) {
      out.push_back(Deposit{u, c, AccountType::kTrade, U("100000")});
    }
  }
  std::uint64_t seq_guess = 1;
  for (int i = 0; i < n; ++i) {
    const Uid uid = 1 + rng() % 4;
    const int dice = static_cast<int>(rng() % 10);
    if (dice < 2) {
      out.push_back(CancelOrder{uid, OrderId{0, 1 + rng() % (seq_guess + 1)}});
    } else if (dice < 3) {
      AmendOrder a;
      a.uid = uid;
      a.order_id = OrderId{0, 1 + rng() % (seq_guess + 1)};
      a.new_price = U("50000") + static_cast<Units>(rng() % 20) * U("0.1");
      out.push_back(a);
    } else {
      PlaceOrder p;
      p.uid = uid;
      p.symbol = 0;
      p.side = rng() % 2 ? Side::kBuy : Side::kSell;
      p.price = U("50000") + (static_cast<Units>(rng() % 21) - 10) * U("0.1");
      p.size = static_cast<Units>(1 + rng() % 100) * U("0.0001");
      p.time_in_force = rng() % 5 == 0 ? TimeInForce::kGtt : TimeInForce::kGtc;
      p.cancel_after = 1 + rng() % 3;
      p.stp = static_cast<Stp>(rng() % 5);
      p.hidden = rng() % 7 == 0;
      out.push_back(p);
      ++seq_guess;
    }
  }
  return out;
}

TEST(Replay, SameCommandsRebuildIdenticalState) {
  std::vector<TimedCommand> commands;
  Timestamp now = 1'700'000'000 * kNanosPerSecond;
  for (auto& c : RandomCommands(11, 4000)) {
    now += kNanosPerSecond / 4;
    commands.push_back({now, std::move(c)});
    if (commands.size() % 97 == 0) commands.push_back({now, ExpireOrders{now}});
  }
  EventBuffer first_events, second_events;
  Exchange first(DefaultMarkets(), &first_events);
  Exchange second(DefaultMarkets(), &second_events);
  MemoryJournal journal;
  for (const auto& c : commands) first.Apply(c);
  journal.Append(commands);
  std::vector<TimedCommand> decoded;
  ASSERT_TRUE(journal.ReadAll(&decoded));
  for (const auto& c : decoded) second.Apply(c);
  EXPECT_EQ(first.StateDigest(), second.StateDigest());
  EXPECT_EQ(first.Book(0, 0).sequence, second.Book(0, 0).sequence);
  EXPECT_GT(first.Book(0, 0).sequence, 100u);
  ASSERT_EQ(first_events.events().size(), second_events.events().size());
  for (Uid u = 1; u <= 4; ++u) {
    const auto a = first.ActiveOrders(u);
    const auto b = second.ActiveOrders(u);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].id, b[i].id);
  }
  first.CheckInvariants();
}

TEST(CommandLoop, AcknowledgesAndPublishesOnlyAfterSync) {
  std::vector<std::string> log;
  std::mutex mu;  // completions and the sink run on the engine thread; the test reads after Stop
  LoggingJournal journal(&log);
  OrderedSink sink(&log);
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.Start();
  std::promise<CommandResult> placed;
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1000")}, nullptr));
  ASSERT_TRUE(loop.Submit(PlaceOrder{.uid = 1, .symbol = 0, .price = U("50000"), .size = U("0.01")},
                          [&](const CommandResult& r, const Exchange& ex) {
                            log.push_back("completion");
                            EXPECT_TRUE(ex.FindOrder(1, r.order_id).has_value());
                            placed.set_value(r);
                          }));
  const CommandResult r = placed.get_future().get();
  EXPECT_TRUE(r.ok());
  std::promise<std::size_t> active;
  ASSERT_TRUE(
      loop.SubmitQuery([&](const Exchange& ex) { active.set_value(ex.ActiveOrders(1).size()); }));
  EXPECT_EQ(active.get_future().get(), 1u);
  loop.Stop();
  EXPECT_FALSE(loop.Submit(CancelAll{1}, nullptr));
  // Every completion and event comes after the sync of its batch.
  const auto first_sync = std::find(log.begin(), log.end(), "sync");
  const auto completion = std::find(log.begin(), log.end(), "completion");
  const auto first_event = std::find_if(log.begin(), log.end(), [](const std::string& s) {
    return s != "sync" && s != "completion";
  });
  ASSERT_NE(first_sync, log.end());
  EXPECT_LT(first_sync - log.begin(), completion - log.begin());
  EXPECT_LT(first_sync - log.begin(), first_event - log.begin());
  EXPECT_EQ(journal.inner.records(), 2u);
  (void)mu;
}

TEST(CommandLoop, ManyProducersThenReplayMatches) {
  MemoryJournal journal;
  NullEventSink sink;
  SystemClock clock;
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock,
                   CommandLoopOptions{.high_water = 1 << 20});
  loop.Start();
  std::atomic<int> done{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&, t] {
      for (auto& c : RandomCommands(100 + static_cast<std::uint32_t>(t), 2000)) {
        while (!loop.Submit(c, [&](const CommandResult&, const Exchange&) { ++done; })) {
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& p : producers) p.join();
  loop.Stop();
  const int submitted = 4 * (2000 + 4 * 5);
  EXPECT_EQ(done.load(), submitted);
  EXPECT_LT(journal.syncs(), static_cast<std::size_t>(submitted));  // group commit
  std::vector<TimedCommand> decoded;
  ASSERT_TRUE(journal.ReadAll(&decoded));
  NullEventSink replay_sink;
  Exchange replayed(DefaultMarkets(), &replay_sink);
  for (const auto& c : decoded) replayed.Apply(c);
  EXPECT_EQ(replayed.StateDigest(), loop.exchange().StateDigest());
  loop.exchange().CheckInvariants();
}

TEST(CommandLoop, RefusesPastHighWater) {
  MemoryJournal journal;
  NullEventSink sink;
  ManualClock clock(1);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock,
                   CommandLoopOptions{.high_water = 0});
  loop.Start();
  EXPECT_FALSE(loop.Submit(CancelAll{1}, nullptr));
  loop.Stop();
}

TEST(CommandLoop, ExpiresGttOrdersFromItsClock) {
  MemoryJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.exchange().Apply({clock.Now(), Deposit{1, 1, AccountType::kTrade, U("1000")}});
  loop.Start();
  std::promise<OrderId> placed;
  ASSERT_TRUE(
      loop.Submit(PlaceOrder{.uid = 1,
                             .symbol = 0,
                             .price = U("50000"),
                             .size = U("0.01"),
                             .time_in_force = TimeInForce::kGtt,
                             .cancel_after = 5},
                  [&](const CommandResult& r, const Exchange&) { placed.set_value(r.order_id); }));
  const OrderId id = placed.get_future().get();
  clock.Advance(6 * kNanosPerSecond);
  // Any later batch (here a query's) sees the order expired.
  for (int i = 0; i < 200; ++i) {
    std::promise<bool> open;
    ASSERT_TRUE(loop.SubmitQuery([&](const Exchange& ex) {
      open.set_value(ex.FindOrder(1, id)->status != OrderStatus::kDone);
    }));
    if (!open.get_future().get()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  loop.Stop();
  EXPECT_EQ(loop.exchange().FindOrder(1, id)->status, OrderStatus::kDone);
}

}  // namespace
}  // namespace kc::engine
