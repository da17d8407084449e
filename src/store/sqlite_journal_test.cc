#include "store/sqlite_journal.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <random>

#include "engine/command_loop.h"
#include "engine/exchange.h"
#include "engine/markets.h"

namespace kc::store {
namespace {

using engine::AccountType;
using engine::Command;
using engine::TimedCommand;

constexpr engine::Units kOne = 100'000'000;  // 1 at the default 8 decimals

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("kc-journal-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// Deposits, then a random mix of limit orders and cancels on two symbols.
std::vector<Command> RandomStream(std::uint32_t seed, int n) {
  const engine::MarketConfig& m = engine::DefaultMarkets();
  std::mt19937 rng(seed);
  std::vector<Command> out;
  for (engine::Uid u = 1; u <= 4; ++u) {
    for (engine::CurrencyId c = 0; c < m.currencies.size(); ++c) {
      out.push_back(engine::Deposit{u, c, AccountType::kTrade, 1'000'000 * kOne});
    }
  }
  std::uint64_t seq_guess = 1;
  for (int i = 0; i < n; ++i) {
    const engine::Uid uid = 1 + rng() % 4;
    if (rng() % 5 == 0) {
      engine::CancelOrder cancel;
      cancel.uid = uid;
      cancel.order_id = engine::OrderId{0, 1 + rng() % seq_guess};
      out.push_back(cancel);
      continue;
    }
    engine::PlaceOrder p;
    p.uid = uid;
    p.symbol = *m.FindSymbol(rng() % 2 ? "BTC-USDT" : "ETH-USDT");
    p.side = rng() % 2 ? engine::Side::kBuy : engine::Side::kSell;
    p.price = (1000 + static_cast<engine::Units>(rng() % 21)) * kOne;
    p.size = static_cast<engine::Units>(1 + rng() % 5) * kOne / 100;
    out.push_back(p);
    ++seq_guess;
  }
  return out;
}

// Runs `commands` through a CommandLoop on `journal`; returns the state digest.
std::uint64_t RunThroughLoop(engine::Journal* journal, const std::vector<Command>& commands,
                             engine::Clock* clock) {
  engine::NullEventSink sink;
  engine::CommandLoop loop(engine::DefaultMarkets(), {}, journal, &sink, clock);
  loop.Start();
  for (const Command& c : commands) {
    while (!loop.Submit(c, nullptr)) std::this_thread::yield();
  }
  loop.Stop();
  return loop.exchange().StateDigest();
}

std::uint64_t ReplayDigest(SqliteJournal& journal, uint64_t* count = nullptr) {
  engine::NullEventSink sink;
  engine::Exchange exchange(engine::DefaultMarkets(), &sink);
  const uint64_t n = journal.Replay([&](const TimedCommand& c) { exchange.Apply(c); });
  if (count) *count = n;
  exchange.CheckInvariants();
  return exchange.StateDigest();
}

TEST(SqliteJournal, ReplayRebuildsTheSameStateAcrossReopens) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  engine::ManualClock clock(1'700'000'000 * engine::kNanosPerSecond);
  const auto first = RandomStream(1, 3000);
  std::uint64_t live_digest = 0;
  uint64_t batches = 0;
  {
    SqliteJournal journal(path);
    EXPECT_EQ(journal.Replay([](const TimedCommand&) {}), 0u);
    live_digest = RunThroughLoop(&journal, first, &clock);
    EXPECT_EQ(journal.durable_commands(), first.size());
    batches = journal.batches();
    EXPECT_GE(batches, 1u);
  }
  {
    SqliteJournal journal(path);
    uint64_t count = 0;
    EXPECT_EQ(ReplayDigest(journal, &count), live_digest);
    EXPECT_EQ(count, first.size());
  }
  // A second life appends after the first: sequence numbers continue and the
  // replay of both lives equals one loop that saw everything.
  const auto second = RandomStream(2, 1000);
  {
    SqliteJournal journal(path);
    engine::NullEventSink sink;
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    journal.Replay([&](const TimedCommand& c) { loop.Replay(c); });
    loop.Start();
    for (const Command& c : second) ASSERT_TRUE(loop.Submit(c, nullptr));
    loop.Stop();
    live_digest = loop.exchange().StateDigest();
    EXPECT_EQ(journal.durable_commands(), first.size() + second.size());
  }
  SqliteJournal journal(path);
  uint64_t count = 0;
  EXPECT_EQ(ReplayDigest(journal, &count), live_digest);
  EXPECT_EQ(count, first.size() + second.size());
}

TEST(SqliteJournal, OneWriterAtATime) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  EXPECT_FALSE(JournalInUse(path));
  {
    SqliteJournal journal(path);
    EXPECT_TRUE(JournalInUse(path));
    EXPECT_THROW(SqliteJournal second(path), std::runtime_error);
  }
  EXPECT_FALSE(JournalInUse(path));
  SqliteJournal again(path);  // the lock was released
  EXPECT_TRUE(JournalInUse(path));
}

TEST(SqliteJournal, NothingIsDurableBeforeSync) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  const std::vector<TimedCommand> batch = {
      {1, engine::Deposit{1, 0, AccountType::kMain, kOne}},
      {2, engine::Deposit{2, 0, AccountType::kMain, kOne}},
  };
  {
    SqliteJournal journal(path);
    journal.Append(batch);
    ASSERT_TRUE(journal.Sync());
    journal.Append(batch);  // never synced: lost, like a crash before the commit
  }
  SqliteJournal journal(path);
  uint64_t count = 0;
  ReplayDigest(journal, &count);
  EXPECT_EQ(count, 2u);
}

TEST(SqliteJournal, DamagedBatchStopsReplay) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  {
    SqliteJournal journal(path);
    const std::vector<TimedCommand> batch = {{1, engine::Deposit{1, 0, AccountType::kMain, kOne}}};
    journal.Append(batch);
    ASSERT_TRUE(journal.Sync());
  }
  {
    Database db(path);
    db.Exec("UPDATE journal_batches SET records = substr(records, 1, length(records) - 1)");
  }
  {
    SqliteJournal journal(path);
    EXPECT_THROW(journal.Replay([](const TimedCommand&) {}), std::runtime_error);
  }
  {
    Database db(path);
    db.Exec("UPDATE journal_batches SET first_seq = 5");  // a gap
  }
  SqliteJournal journal(path);
  EXPECT_THROW(journal.Replay([](const TimedCommand&) {}), std::runtime_error);
}

TEST(SqliteJournal, ReplayIntoChecksTheRecordedStateDigest) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  engine::ManualClock clock(1'700'000'000 * engine::kNanosPerSecond);
  engine::NullEventSink sink;
  const auto commands = RandomStream(3, 500);
  {
    SqliteJournal journal(path);
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    loop.Start();
    for (const Command& c : commands) ASSERT_TRUE(loop.Submit(c, nullptr));
    loop.Stop();
    journal.RecordDigest(journal.durable_commands(), loop.exchange().StateDigest());
  }
  const auto replay = [&] {
    SqliteJournal journal(path);
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    return ReplayInto(journal, loop);
  };
  EXPECT_EQ(replay(), commands.size());
  {  // A replay that ends up elsewhere (as after an engine change) refuses.
    Database db(path);
    db.Exec("UPDATE journal_digests SET digest = '12345'");
  }
  EXPECT_THROW(replay(), std::runtime_error);
  {  // So does a journal that lost its tail.
    SqliteJournal journal(path);
    journal.RecordDigest(commands.size() + 10, 1);
  }
  EXPECT_THROW(replay(), std::runtime_error);
}

}  // namespace
}  // namespace kc::store

namespace kc::store {
namespace {

// Journals `commands` through a CommandLoop that snapshots every 100 commands,
// in chunks of 30, each durable before the next (many small batches); returns
// the final StateDigest.
uint64_t RunWithSnapshotsEvery100(const std::string& path, SqliteJournalOptions options,
                                  const std::vector<engine::Command>& commands) {
  engine::ManualClock clock(1'700'000'000 * engine::kNanosPerSecond);
  engine::NullEventSink sink;
  SqliteJournal journal(path, options);
  engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
  ScheduleSnapshots(journal, loop, SnapshotPolicy{100, 0});
  loop.Start();
  std::atomic<std::size_t> done{0};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    while (
        !loop.Submit(commands[i], [&](const auto&, const auto&) { return [&done] { ++done; }; })) {
      std::this_thread::yield();
    }
    if (i % 30 == 29) {
      while (done.load() <= i) std::this_thread::yield();
    }
  }
  loop.Stop();
  return loop.exchange().StateDigest();
}

// Snapshots every 100 commands: a restart loads the newest, replays only the
// batches after it, and ends in the state the full replay reaches; a damaged
// snapshot falls back to the older one (or to the whole journal).
TEST(SqliteJournal, SnapshotsBoundTheReplay) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  engine::ManualClock clock(1'700'000'000 * engine::kNanosPerSecond);
  engine::NullEventSink sink;
  const auto commands = RandomStream(5, 1000);
  const SqliteJournalOptions keep_all{.keep_all_batches = true};
  const uint64_t digest = RunWithSnapshotsEvery100(path, keep_all, commands);
  EXPECT_EQ(SqliteJournal(path, keep_all).SnapshotPositions().size(), 2u);  // the two newest
  struct Restart {
    uint64_t covered = 0;
    uint64_t replayed = 0;
    uint64_t digest = 0;
  };
  const auto restart = [&] {
    SqliteJournal journal(path, keep_all);
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    uint64_t applied = 0;
    Restart r;
    r.covered = ReplayInto(journal, loop);
    r.digest = loop.exchange().StateDigest();
    journal.Replay([&](const TimedCommand&) { ++applied; },
                   journal.SnapshotPositions().empty() ? 0 : journal.SnapshotPositions()[0]);
    r.replayed = applied;
    EXPECT_EQ(journal.durable_commands(), commands.size());
    return r;
  };
  const Restart first = restart();
  EXPECT_EQ(first.covered, commands.size());
  EXPECT_EQ(first.digest, digest);
  EXPECT_LT(first.replayed, commands.size() / 2);  // only the tail after the snapshot

  {  // Damage the newest snapshot: the older one (plus a longer tail) serves.
    Database db(path);
    db.Exec(
        "UPDATE journal_snapshots SET state = substr(state, 1, 100) WHERE seq = "
        "(SELECT MAX(seq) FROM journal_snapshots)");
  }
  EXPECT_EQ(restart().digest, digest);
  {  // Without any usable snapshot, the whole journal is replayed.
    Database db(path);
    db.Exec("UPDATE journal_snapshots SET state = x'00'");
  }
  EXPECT_EQ(restart().digest, digest);
  {  // The digest recorded with a snapshot is checked when it is loaded.
    SqliteJournal journal(path, keep_all);
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    journal.Replay([&](const TimedCommand& c) { loop.Replay(c); });
    std::string bytes;
    loop.exchange().SaveSnapshot(&bytes);
    journal.SaveSnapshot(journal.durable_commands(), bytes, 12345);
  }
  EXPECT_THROW(restart(), std::runtime_error);
}

// By default the batches the older of the two kept snapshots covers are
// deleted: the file stays bounded, and a restart from the newest snapshot, or
// from the older one when the newest is damaged, still reaches the same state.
TEST(SqliteJournal, SnapshotsPruneTheBatchesTheyCover) {
  TempDir dir;
  const std::string path = dir.file("journal.db");
  engine::ManualClock clock(1'700'000'000 * engine::kNanosPerSecond);
  engine::NullEventSink sink;
  const auto commands = RandomStream(6, 1000);
  const uint64_t digest = RunWithSnapshotsEvery100(path, {}, commands);
  uint64_t older = 0;
  {
    Database db(path);
    auto q = db.Prepare("SELECT MIN(seq), COUNT(*) FROM journal_snapshots");
    ASSERT_TRUE(q.Step());
    older = static_cast<uint64_t>(q.Int(0));
    EXPECT_EQ(q.Int(1), 2);
    auto first = db.Prepare("SELECT MIN(first_seq) FROM journal_batches");
    ASSERT_TRUE(first.Step());
    EXPECT_GT(static_cast<uint64_t>(first.Int(0)), 1u);  // the head was deleted
    auto covered =
        db.Prepare("SELECT COUNT(*) FROM journal_batches WHERE first_seq + count - 1 <= ?");
    covered.Bind(1, static_cast<int64_t>(older));
    ASSERT_TRUE(covered.Step());
    EXPECT_EQ(covered.Int(0), 0);  // nothing the older snapshot covers is left
  }
  const auto restart = [&] {
    SqliteJournal journal(path);
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
    EXPECT_EQ(ReplayInto(journal, loop), commands.size());
    EXPECT_EQ(journal.durable_commands(), commands.size());
    return loop.exchange().StateDigest();
  };
  EXPECT_EQ(restart(), digest);
  {  // The newest snapshot damaged: the older one and the batches after it serve.
    Database db(path);
    db.Exec(
        "UPDATE journal_snapshots SET state = substr(state, 1, 100) WHERE seq = "
        "(SELECT MAX(seq) FROM journal_snapshots)");
  }
  EXPECT_EQ(restart(), digest);
}

}  // namespace
}  // namespace kc::store
