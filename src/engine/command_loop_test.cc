#include "engine/command_loop.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <mutex>
#include <random>
#include <thread>

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
  LoggingJournal journal(&log);
  OrderedSink sink(&log);
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.Start();
  std::promise<CommandResult> placed;
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1000")}, nullptr));
  ASSERT_TRUE(loop.Submit(PlaceOrder{.uid = 1, .symbol = 0, .price = U("50000"), .size = U("0.01")},
                          [&](const CommandResult& r, const Exchange& ex) -> CommandLoop::Reply {
                            EXPECT_TRUE(ex.FindOrder(1, r.order_id).has_value());
                            return [&, r] {
                              log.push_back("completion");
                              placed.set_value(r);
                            };
                          }));
  const CommandResult r = placed.get_future().get();
  EXPECT_TRUE(r.ok());
  std::promise<std::size_t> active;
  ASSERT_TRUE(loop.SubmitQuery([&](const Exchange& ex) -> CommandLoop::Reply {
    return [&, n = ex.ActiveOrders(1).size()] { active.set_value(n); };
  }));
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
}

using testing::GatedJournal;

// Everything the engine thread releases, with the syncs done at that moment.
class Released {
 public:
  void Add(std::string what, std::size_t synced) {
    std::lock_guard lock(mu_);
    log_.push_back({std::move(what), synced});
  }
  std::vector<std::pair<std::string, std::size_t>> log() {
    std::lock_guard lock(mu_);
    return log_;
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return log_.size();
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<std::string, std::size_t>> log_;
};

class ReleasedSink final : public EventSink {
 public:
  ReleasedSink(Released* released, GatedJournal* journal)
      : released_(released), journal_(journal) {}
  void OnOrder(const OrderEvent&) override { released_->Add("event", journal_->synced()); }
  void OnTrade(const TradeEvent&) override { released_->Add("event", journal_->synced()); }
  void OnBook(const BookEvent&) override { released_->Add("event", journal_->synced()); }
  void OnBalance(const BalanceEvent&) override { released_->Add("event", journal_->synced()); }

 private:
  Released* released_;
  GatedJournal* journal_;
};

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// While batch 1 sits in its sync, later commands are applied (their
// completions extract at once), but no reply, query answer or event of any
// batch comes out; once the syncs pass, replies come in submission order,
// each after the sync that covered its command.
TEST(CommandLoopPipeline, ReleasesNothingBeforeItsSyncAndKeepsOrder) {
  GatedJournal journal;
  Released released;
  ReleasedSink sink(&released, &journal);
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.Start();
  std::atomic<int> applied{0};
  const auto reply_as = [&](std::string name) {
    return [&, name](const CommandResult&, const Exchange&) -> CommandLoop::Reply {
      ++applied;
      return [&, name] { released.Add(name, journal.synced()); };
    };
  };
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1000")}, reply_as("deposit")));
  ASSERT_TRUE(journal.WaitEntered(1));  // batch 1 is in its sync
  ASSERT_TRUE(loop.Submit(PlaceOrder{.uid = 1, .symbol = 0, .price = U("50000"), .size = U("0.01")},
                          reply_as("place")));
  ASSERT_TRUE(loop.SubmitQuery([&](const Exchange& ex) -> CommandLoop::Reply {
    ++applied;
    return [&, n = ex.ActiveOrders(1).size()] {
      released.Add("query:" + std::to_string(n), journal.synced());
    };
  }));
  ASSERT_TRUE(loop.Submit(CancelAll{1}, reply_as("cancel")));
  // Applied meanwhile: the engine did not wait for batch 1's sync.
  ASSERT_TRUE(WaitUntil([&] { return applied.load() == 4; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(released.size(), 0u);
  EXPECT_EQ(journal.synced(), 0u);

  journal.Allow(1);  // batch 1 only
  ASSERT_TRUE(WaitUntil([&] { return released.size() >= 2; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto log = released.log();
  ASSERT_EQ(log.size(), 2u);  // the deposit's reply and its balance event
  EXPECT_EQ(log[0].first, "deposit");
  EXPECT_EQ(log[1].first, "event");
  for (const auto& [what, synced] : log) EXPECT_EQ(synced, 1u) << what;

  journal.AllowAll();
  loop.Stop();
  log = released.log();
  std::vector<std::string> replies;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (i >= 2) {
      EXPECT_GE(log[i].second, 2u) << log[i].first;  // nothing of batch 2 before its sync
    }
    if (log[i].first != "event") replies.push_back(log[i].first);
  }
  EXPECT_EQ(replies, (std::vector<std::string>{"deposit", "place", "query:1", "cancel"}));
  EXPECT_EQ(journal.records(), 3u);
}

// A completion extracts from exactly the state its command left, even when
// later commands of the same batch change it.
TEST(CommandLoopPipeline, CompletionSeesTheStateItsCommandLeft) {
  MemoryJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.exchange().Apply({clock.Now(), Deposit{1, 1, AccountType::kTrade, U("1000")}});
  loop.Start();
  std::vector<std::string> seen;  // engine thread, read after Stop
  std::promise<void> done;
  const std::vector<Command> commands = {
      PlaceOrder{.uid = 1, .symbol = 0, .price = U("50000"), .size = U("0.01")},
      CancelAll{1},
  };
  int calls = 0;
  OrderId placed;
  // One Submit: both commands land in one batch.
  ASSERT_TRUE(
      loop.Submit(commands, [&](const CommandResult& r, const Exchange& ex) -> CommandLoop::Reply {
        if (calls == 0) placed = r.order_id;
        const auto order = ex.FindOrder(1, placed);
        seen.push_back(order ? std::string(order->status == OrderStatus::kDone ? "done" : "open")
                             : "missing");
        if (++calls == 2) return [&] { done.set_value(); };
        return nullptr;
      }));
  done.get_future().wait();
  loop.Stop();
  EXPECT_EQ(seen, (std::vector<std::string>{"open", "done"}));
  EXPECT_EQ(journal.syncs(), 1u);
}

// A query that acts on the state itself runs only once everything applied
// before it is durable (and released).
TEST(CommandLoopPipeline, DurableQueryWaitsForTheJournal) {
  GatedJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  loop.Start();
  std::atomic<bool> deposit_released{false};
  std::atomic<bool> ran{false};
  std::atomic<std::size_t> synced_when_run{0};
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1000")},
                          [&](const CommandResult&, const Exchange&) -> CommandLoop::Reply {
                            return [&] { deposit_released = true; };
                          }));
  ASSERT_TRUE(journal.WaitEntered(1));
  ASSERT_TRUE(loop.SubmitQuery([&](const Exchange& ex) {
    EXPECT_TRUE(deposit_released.load());
    const Account* account = ex.accounts().Find(1, 1, AccountType::kTrade);
    EXPECT_TRUE(account != nullptr && account->balance() == U("1000"));
    synced_when_run = journal.synced();
    ran = true;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(ran.load());
  journal.AllowAll();
  ASSERT_TRUE(WaitUntil([&] { return ran.load(); }));
  EXPECT_EQ(synced_when_run.load(), 1u);
  loop.Stop();
}

// With the journal stuck, the work in flight is bounded: the engine stops
// taking new work, the queue fills and Submit refuses (503000 upstream);
// everything accepted is answered once the journal moves again.
TEST(CommandLoopPipeline, BoundsTheWorkInFlight) {
  GatedJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock,
                   CommandLoopOptions{.high_water = 8, .max_in_flight = 4});
  loop.Start();
  std::atomic<int> answered{0};
  const CommandLoop::Completion count = [&](const CommandResult&,
                                            const Exchange&) -> CommandLoop::Reply {
    return [&] { ++answered; };
  };
  int accepted = 0;
  bool refused = false;
  for (int i = 0; i < 1000 && !refused; ++i) {
    if (loop.Submit(CancelAll{1}, count)) {
      ++accepted;
    } else {
      refused = true;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  EXPECT_TRUE(refused);
  EXPECT_LE(accepted, 3 + 8 + 8);  // under the bound, one batch and a full queue
  EXPECT_EQ(answered.load(), 0);
  journal.AllowAll();
  loop.Stop();
  EXPECT_EQ(answered.load(), accepted);
  EXPECT_EQ(journal.records(), static_cast<std::size_t>(accepted));
}

// A journal that cannot make anything durable.
class FailingJournal final : public Journal {
 public:
  void Append(std::span<const TimedCommand>) override {}
  bool Sync() override { return false; }
};

// Fail-stop: a failed sync ends the process before any reply of the batch is
// released (a reply would exit cleanly, which is no death).
TEST(CommandLoopPipelineDeathTest, FailedSyncStopsBeforeAnyReply) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        FailingJournal journal;
        NullEventSink sink;
        ManualClock clock(1'700'000'000 * kNanosPerSecond);
        CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
        loop.Start();
        (void)loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1")},
                          [](const CommandResult&, const Exchange&) -> CommandLoop::Reply {
                            return [] { std::_Exit(0); };
                          });
        std::this_thread::sleep_for(std::chrono::seconds(10));
      },
      "");
}

// The after-batch hook sees each batch's state on the engine thread; what it
// returns runs after that batch's sync.
TEST(CommandLoopPipeline, AfterBatchWorkRunsOnceTheBatchIsDurable) {
  GatedJournal journal;
  NullEventSink sink;
  ManualClock clock(1'700'000'000 * kNanosPerSecond);
  CommandLoop loop(DefaultMarkets(), {}, &journal, &sink, &clock);
  std::vector<std::pair<std::size_t, std::size_t>>
      writes;  // (commands so far, syncs) writer thread
  std::size_t applied = 0;
  loop.SetAfterBatch([&](const Exchange&, std::size_t commands) -> std::function<void()> {
    applied += commands;
    return [&, at = applied] { writes.emplace_back(at, journal.synced()); };
  });
  loop.Start();
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1")}, nullptr));
  ASSERT_TRUE(journal.WaitEntered(1));
  ASSERT_TRUE(loop.Submit(Deposit{1, 1, AccountType::kTrade, U("1")}, nullptr));
  journal.AllowAll();
  loop.Stop();
  ASSERT_EQ(writes.size(), 2u);
  EXPECT_EQ(writes[0].first, 1u);
  EXPECT_GE(writes[0].second, 1u);
  EXPECT_EQ(writes[1].first, 2u);
  EXPECT_EQ(writes[1].second, 2u);
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
        while (!loop.Submit(c, [&](const CommandResult&, const Exchange&) -> CommandLoop::Reply {
          return [&] { ++done; };
        })) {
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
  ASSERT_TRUE(loop.Submit(PlaceOrder{.uid = 1,
                                     .symbol = 0,
                                     .price = U("50000"),
                                     .size = U("0.01"),
                                     .time_in_force = TimeInForce::kGtt,
                                     .cancel_after = 5},
                          [&](const CommandResult& r, const Exchange&) -> CommandLoop::Reply {
                            return [&, id = r.order_id] { placed.set_value(id); };
                          }));
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
