// Throughput of the SQLite journal (WAL, synchronous=FULL: one fsync per
// batch) on the machine's real disk, and of the engine thread with it.
//
//   build/release/src/store/sqlite_journal_bench [--benchmark_min_time=2]
//
// BM_JournalBatch/N: Append + Sync of N-command batches (PlaceOrder with a
//   36-character clientOid, about 100 bytes each); items_per_second is
//   commands/s, batches_per_second is fsyncs/s.
// BM_LoopWithJournal/j: one producer thread submits as fast as the queue
//   takes them (place, cancel, ~10% crossing) into a CommandLoop journaling
//   to SQLite (j=1) or to memory (j=0); the loop's own group commit sets the
//   batch size, reported as commands_per_batch.
// BM_Replay: restart cost, commands/s read back from the journal and applied.
// BM_Restart/t: the server's start (ReplayInto) after 1M commands, without a
//   snapshot (t=0) or with one t commands before the end.
//
// The journal files go to $KC_BENCH_DIR (default: the current directory),
// which must be on the disk being measured (not tmpfs).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "engine/command_loop.h"
#include "engine/exchange.h"
#include "engine/markets.h"
#include "store/sqlite_journal.h"

namespace kc::store {
namespace {

constexpr engine::Units kOne = 100'000'000;

std::filesystem::path BenchDir() {
  const char* env = std::getenv("KC_BENCH_DIR");
  auto dir =
      std::filesystem::path(env ? env : ".") / ("kc-journal-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

class ScratchJournal {
 public:
  ScratchJournal() : dir_(BenchDir()), journal_((dir_ / "journal.db").string()) {}
  ~ScratchJournal() { std::filesystem::remove_all(dir_); }
  SqliteJournal& journal() { return journal_; }
  std::string path() const { return (dir_ / "journal.db").string(); }

 private:
  std::filesystem::path dir_;
  SqliteJournal journal_;
};

engine::PlaceOrder SampleOrder(std::uint64_t i) {
  engine::PlaceOrder p;
  p.uid = 1 + i % 100;
  p.symbol = 0;
  p.side = i % 2 ? engine::Side::kBuy : engine::Side::kSell;
  p.price = (60'000 + static_cast<engine::Units>(i % 300)) * kOne / 10;
  p.size = kOne / 1000;
  p.client_oid.Assign("5c52e11203aa677f33e493fb-" + std::to_string(1'000'000'000 + i));
  return p;
}

// Deposits, then place / cancel / ~10% crossing IOC on BTC-USDT around 6000.
class Mix {
 public:
  std::vector<engine::Command> Funding() const {
    std::vector<engine::Command> out;
    for (engine::Uid u = 1; u <= 100; ++u) {
      out.push_back(engine::Deposit{u, 0, engine::AccountType::kTrade, 1'000'000 * kOne});
      out.push_back(engine::Deposit{u, 1, engine::AccountType::kTrade, 1'000'000'000 * kOne});
    }
    return out;
  }
  engine::Command Next() {
    const std::uint64_t r = rng_();
    const auto dice = r % 100;
    ++n_;
    if (dice < 45 && placed_ > 0) {
      engine::CancelOrder c;
      c.uid = 1 + (r >> 8) % 100;
      c.order_id = engine::OrderId{0, 1 + (r >> 16) % placed_};
      return c;
    }
    engine::PlaceOrder p = SampleOrder(n_);
    p.uid = 1 + (r >> 8) % 100;
    const engine::Units offset = static_cast<engine::Units>(1 + (r >> 24) % 200) * kOne / 10;
    if (dice >= 90) {
      p.time_in_force = engine::TimeInForce::kIoc;
      p.price = p.side == engine::Side::kBuy ? 6'010 * kOne : 5'990 * kOne;
    } else {
      p.price = p.side == engine::Side::kBuy ? 6'000 * kOne - offset : 6'000 * kOne + offset;
    }
    ++placed_;
    return p;
  }

 private:
  std::mt19937_64 rng_{42};
  std::uint64_t n_ = 0;
  std::uint64_t placed_ = 0;
};

void BM_JournalBatch(benchmark::State& state) {
  ScratchJournal scratch;
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<engine::TimedCommand> batch;
  for (std::size_t i = 0; i < size; ++i) {
    batch.push_back({static_cast<engine::Timestamp>(i), SampleOrder(i)});
  }
  std::int64_t batches = 0;
  for (auto _ : state) {
    scratch.journal().Append(batch);
    if (!scratch.journal().Sync()) state.SkipWithError("sync failed");
    ++batches;
  }
  state.SetItemsProcessed(batches * static_cast<std::int64_t>(size));
  state.counters["batches_per_second"] =
      benchmark::Counter(static_cast<double>(batches), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JournalBatch)->Arg(1)->Arg(16)->Arg(256)->Arg(4096)->Arg(32768)->UseRealTime();

void BM_LoopWithJournal(benchmark::State& state) {
  const bool durable = state.range(0) == 1;
  constexpr int kCommands = 200'000;
  std::int64_t done = 0;
  std::uint64_t batches = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto scratch = std::make_unique<ScratchJournal>();
    engine::MemoryJournal memory;
    engine::Journal* journal = durable ? static_cast<engine::Journal*>(&scratch->journal())
                                       : static_cast<engine::Journal*>(&memory);
    engine::NullEventSink sink;
    engine::SystemClock clock;
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, journal, &sink, &clock);
    Mix mix;
    for (auto& c : mix.Funding()) loop.Replay({0, c});
    loop.Start();
    state.ResumeTiming();
    for (int i = 0; i < kCommands; ++i) {
      engine::Command c = mix.Next();
      while (!loop.Submit(c, nullptr)) std::this_thread::yield();
    }
    loop.Stop();  // drains: every command is durable when it returns
    state.PauseTiming();
    done += kCommands;
    if (durable) batches += scratch->journal().batches();
    scratch.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(done);
  if (durable && batches > 0) {
    state.counters["commands_per_batch"] = static_cast<double>(done) / static_cast<double>(batches);
  }
}
BENCHMARK(BM_LoopWithJournal)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Replay(benchmark::State& state) {
  constexpr int kCommands = 1'000'000;
  ScratchJournal scratch;
  {
    Mix mix;
    std::vector<engine::TimedCommand> batch;
    engine::Timestamp ts = 1;
    for (auto& c : mix.Funding()) batch.push_back({ts++, c});
    for (int i = 0; i < kCommands; ++i) {
      batch.push_back({ts++, mix.Next()});
      if (batch.size() == 4096) {
        scratch.journal().Append(batch);
        scratch.journal().Sync();
        batch.clear();
      }
    }
    scratch.journal().Append(batch);
    scratch.journal().Sync();
  }
  std::int64_t replayed = 0;
  for (auto _ : state) {
    engine::NullEventSink sink;
    engine::Exchange exchange(engine::DefaultMarkets(), &sink);
    replayed += static_cast<std::int64_t>(
        scratch.journal().Replay([&](const engine::TimedCommand& c) { exchange.Apply(c); }));
  }
  state.SetItemsProcessed(replayed);
}
BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Restart time (ReplayInto, as the server starts) after 1M journaled
// commands: range(0) = 0 without a snapshot (the whole journal is replayed),
// else with a snapshot that many commands before the end (100000: the worst
// case of the default snapshot_every_commands).
void BM_Restart(benchmark::State& state) {
  constexpr int kCommands = 1'000'000;
  const auto tail = static_cast<std::uint64_t>(state.range(0));
  ScratchJournal scratch;
  engine::NullEventSink sink;
  {
    engine::Exchange exchange(engine::DefaultMarkets(), &sink);
    Mix mix;
    std::vector<engine::TimedCommand> batch;
    engine::Timestamp ts = 1;
    std::uint64_t n = 0;
    const std::uint64_t total = mix.Funding().size() + kCommands;
    bool snapshotted = tail == 0;
    const auto flush = [&] {
      scratch.journal().Append(batch);
      scratch.journal().Sync();
      n += batch.size();
      batch.clear();
      if (!snapshotted && n + tail >= total) {
        // What the engine thread spends on a snapshot (serialize + store).
        const auto t0 = std::chrono::steady_clock::now();
        std::string bytes;
        exchange.SaveSnapshot(&bytes);
        const auto t1 = std::chrono::steady_clock::now();
        scratch.journal().SaveSnapshot(n, bytes, exchange.StateDigest());
        const auto t2 = std::chrono::steady_clock::now();
        state.counters["serialize_ms"] = std::chrono::duration<double, std::milli>(t1 - t0).count();
        state.counters["store_ms"] = std::chrono::duration<double, std::milli>(t2 - t1).count();
        state.counters["snapshot_bytes"] = static_cast<double>(bytes.size());
        state.counters["replayed_after"] = static_cast<double>(total - n);
        snapshotted = true;
      }
    };
    for (auto& c : mix.Funding()) {
      batch.push_back({ts++, c});
      exchange.Apply(batch.back());
    }
    for (int i = 0; i < kCommands; ++i) {
      batch.push_back({ts++, mix.Next()});
      exchange.Apply(batch.back());
      if (batch.size() == 4096) flush();
    }
    flush();
  }
  for (auto _ : state) {
    engine::SystemClock clock;
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, &scratch.journal(), &sink, &clock);
    benchmark::DoNotOptimize(ReplayInto(scratch.journal(), loop));
  }
}
BENCHMARK(BM_Restart)
    ->Arg(0)
    ->Arg(100'000)
    ->Arg(4096)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

}  // namespace
}  // namespace kc::store

BENCHMARK_MAIN();
