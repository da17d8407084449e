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
// BM_EngineWithJournal/p/j: the engine thread and journal writer fed by p
//   producers in bulk (not the bottleneck); commands/s, commands_per_fsync,
//   ack latency p50/p99.
// BM_Replay: restart cost, commands/s read back from the journal and applied.
// BM_Restart/t: the server's start (ReplayInto) after 1M commands, without a
//   snapshot (t=0) or with one t commands before the end.
//
// The journal files go to $KC_BENCH_DIR (default: the current directory),
// which must be on the disk being measured (not tmpfs).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <span>
#include <thread>
#include <vector>

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

// The engine thread + journal writer as the server runs them, with producers
// that are not the bottleneck: range(0) producer threads each submit
// pre-built commands in chunks of 256 under one lock (bulk Submit), and the
// last command of every chunk carries a completion whose Reply (released
// once durable) records the ack latency from its chunk's submit.
// range(1) = 1: SQLite journal on $KC_BENCH_DIR; 0: memory journal.
// range(2): offered load in commands/s over all producers (chunks paced to
// it), 0 = as fast as the queue takes them (the latency then is mostly the
// time spent queued behind the bounded queue and in-flight work).
// Reports commands/s, commands_per_fsync and ack latency p50/p99 (us).
void BM_EngineWithJournal(benchmark::State& state) {
  const auto producers = static_cast<int>(state.range(0));
  const bool durable = state.range(1) == 1;
  const auto offered = static_cast<double>(state.range(2));
  constexpr int kPerProducer = 1'000'000;
  constexpr std::size_t kChunk = 256;
  std::vector<std::vector<engine::Command>> work(static_cast<std::size_t>(producers));
  {
    Mix mix;
    for (auto& w : work) {
      for (int i = 0; i < kPerProducer; ++i) w.push_back(mix.Next());
    }
  }
  std::int64_t done = 0;
  std::uint64_t syncs = 0;
  std::vector<std::int64_t> latencies;  // ns; appended by the engine thread
  using Steady = std::chrono::steady_clock;
  for (auto _ : state) {
    state.PauseTiming();
    auto scratch = std::make_unique<ScratchJournal>();
    engine::MemoryJournal memory;
    engine::Journal* journal = durable ? static_cast<engine::Journal*>(&scratch->journal())
                                       : static_cast<engine::Journal*>(&memory);
    engine::NullEventSink sink;
    engine::SystemClock clock;
    engine::CommandLoop loop(engine::DefaultMarkets(), {}, journal, &sink, &clock);
    for (auto& c : Mix().Funding()) loop.Replay({0, c});
    const std::uint64_t syncs_before = durable ? scratch->journal().batches() : memory.syncs();
    loop.Start();
    state.ResumeTiming();
    std::vector<std::thread> threads;
    const auto start = Steady::now();
    for (int t = 0; t < producers; ++t) {
      threads.emplace_back([&, t] {
        const auto& commands = work[static_cast<std::size_t>(t)];
        for (std::size_t i = 0; i < commands.size(); i += kChunk) {
          const std::size_t n = std::min(kChunk, commands.size() - i);
          if (offered > 0) {
            std::this_thread::sleep_until(start +
                                          std::chrono::nanoseconds(static_cast<std::int64_t>(
                                              static_cast<double>(i) * 1e9 * producers / offered)));
          }
          const auto t0 = Steady::now();
          const std::span<const engine::Command> head(commands.data() + i, n - 1);
          // A full queue: back off without spinning, as a client answered
          // 503000 would (a yield loop took a third of the 2 cores' time
          // from the engine thread and the writer).
          const auto back_off = [] { std::this_thread::sleep_for(std::chrono::microseconds(100)); };
          while (!loop.Submit(head, nullptr)) back_off();
          while (!loop.Submit(
              commands[i + n - 1],
              [&latencies, t0](const engine::CommandResult&,
                               const engine::Exchange&) -> engine::CommandLoop::Reply {
                return [&latencies, t0] { latencies.push_back((Steady::now() - t0).count()); };
              })) {
            back_off();
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    loop.Stop();  // drains: every command is durable and acknowledged when it returns
    state.PauseTiming();
    done += static_cast<std::int64_t>(producers) * kPerProducer;
    syncs += (durable ? scratch->journal().batches() : memory.syncs()) - syncs_before;
    scratch.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(done);
  if (syncs > 0) {
    state.counters["commands_per_fsync"] = static_cast<double>(done) / static_cast<double>(syncs);
  }
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    const auto at = [&](double q) {
      return static_cast<double>(latencies[static_cast<std::size_t>(
                 q * static_cast<double>(latencies.size() - 1))]) /
             1000.0;
    };
    state.counters["ack_p50_us"] = at(0.5);
    state.counters["ack_p99_us"] = at(0.99);
  }
}
BENCHMARK(BM_EngineWithJournal)
    ->Args({1, 1, 0})
    ->Args({2, 1, 0})
    ->Args({2, 0, 0})
    ->Args({1, 1, 100'000})
    ->Args({1, 1, 300'000})
    ->Args({1, 1, 500'000})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->UseRealTime();

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
