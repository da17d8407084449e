// Engine throughput and latency for a realistic mix: ~45% resting limit
// orders placed behind the top of the book, ~45% cancels of live orders, ~10%
// crossing IOC orders, with ~1,000 resting orders in the book. Measures the
// Exchange alone (no events consumers, no journal), then with every command
// encoded into the in-memory journal (one Sync per 64-command batch).
//
//   build/h-engine/src/engine/engine_bench --benchmark_min_time=2 --benchmark_repetitions=3
//
// items_per_second is commands/s; p50_ns / p99_ns come from timing each command
// of the latency benchmark individually.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "engine/journal.h"

namespace kc::engine {
namespace {

constexpr Uid kUsers = 100;
constexpr std::size_t kTargetResting = 1000;

Units U(std::string_view text) { return *ParseDecimal(text, 8); }

class Workload {
 public:
  Workload() : ex_(DefaultMarkets(), &sink_) {
    for (Uid u = 1; u <= kUsers; ++u) {
      Apply(
          Deposit{u, *DefaultMarkets().FindCurrency("USDT"), AccountType::kTrade, U("1000000000")});
      Apply(Deposit{u, *DefaultMarkets().FindCurrency("BTC"), AccountType::kTrade, U("100000")});
    }
    tick_ = DefaultMarkets().symbol(0).price_increment;
    for (std::size_t i = 0; i < kTargetResting; ++i) {
      const Side side = i % 2 ? Side::kBuy : Side::kSell;
      const Units offset = static_cast<Units>(1 + i / 2 % 300) * tick_;
      Rest(side, side == Side::kBuy ? U("50000") - offset : U("50000") + offset);
    }
  }

  // The next command of the mix, built without allocation.
  TimedCommand Next() {
    now_ += 1000;
    const std::uint64_t r = Rand();
    const std::uint32_t dice = static_cast<std::uint32_t>(r % 100);
    const Uid uid = 1 + (r >> 8) % kUsers;
    const OrderBook& book = ex_.book(0);
    const Units best_bid = book.BestPrice(Side::kBuy).value_or(mid_ - tick_);
    const Units best_ask = book.BestPrice(Side::kSell).value_or(mid_);
    if (dice < 10) {
      PlaceOrder p = Base(uid);
      p.side = (r >> 20) & 1 ? Side::kBuy : Side::kSell;
      p.price = p.side == Side::kBuy ? best_ask + 2 * tick_ : best_bid - 2 * tick_;
      p.size = static_cast<Units>(1 + (r >> 24) % 5) * lot_;
      p.time_in_force = TimeInForce::kIoc;
      return {now_, p};
    }
    const bool place = live_.empty() || (dice < 55 && live_.size() < 2 * kTargetResting) ||
                       live_.size() < kTargetResting / 2;
    if (place) {
      PlaceOrder p = Base(uid);
      p.side = (r >> 20) & 1 ? Side::kBuy : Side::kSell;
      const Units offset = static_cast<Units>(1 + (r >> 24) % 200) * tick_;
      p.price = p.side == Side::kBuy ? best_ask - offset : best_bid + offset;
      p.size = static_cast<Units>(1 + (r >> 32) % 20) * lot_;
      pending_place_ = true;
      pending_uid_ = uid;
      return {now_, p};
    }
    const std::size_t k = static_cast<std::size_t>((r >> 16) % live_.size());
    const auto victim = live_[k];
    live_[k] = live_.back();
    live_.pop_back();
    return {now_, CancelOrder{victim.first, victim.second}};
  }

  // Applies a command from Next() and tracks resting orders for later cancels.
  void Apply(const TimedCommand& c) {
    const CommandResult r = ex_.Apply(c);
    if (pending_place_) {
      pending_place_ = false;
      if (r.ok()) live_.push_back({pending_uid_, r.order_id});
    }
  }
  void Apply(Command c) { Apply(TimedCommand{now_ += 1000, std::move(c)}); }

  Exchange& exchange() { return ex_; }

 private:
  PlaceOrder Base(Uid uid) const {
    PlaceOrder p;
    p.uid = uid;
    p.symbol = 0;
    p.type = OrderType::kLimit;
    return p;
  }
  void Rest(Side side, Units price) {
    PlaceOrder p = Base(1 + live_.size() % kUsers);
    p.side = side;
    p.price = price;
    p.size = U("0.01");
    pending_place_ = true;
    pending_uid_ = p.uid;
    Apply(Command{p});
  }
  std::uint64_t Rand() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }

  NullEventSink sink_;
  Exchange ex_;
  std::vector<std::pair<Uid, OrderId>> live_;
  std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
  Timestamp now_ = 1'700'000'000 * kNanosPerSecond;
  Units tick_ = 0;
  const Units mid_ = U("50000");
  const Units lot_ = U("0.001");
  bool pending_place_ = false;
  Uid pending_uid_ = 0;
};

void BM_EngineCore(benchmark::State& state) {
  Workload w;
  for (auto _ : state) w.Apply(w.Next());
  state.SetItemsProcessed(state.iterations());
  state.counters["resting"] = static_cast<double>(w.exchange().book(0).order_count());
}
BENCHMARK(BM_EngineCore);
// The same mix for exactly 300,000 commands, for instruction counts that
// repeat run to run (the timed runs choose their own iteration counts):
//   valgrind --tool=callgrind --toggle-collect='kc::engine::Exchange::Apply(*'
//       engine_bench --benchmark_filter=BM_EngineCoreFixed
// then Exchange::Apply's inclusive Ir / 301,200 (with the 1,200 setup commands).
BENCHMARK(BM_EngineCore)->Name("BM_EngineCoreFixed")->Iterations(300000);

void BM_EngineCoreWithJournal(benchmark::State& state) {
  Workload w;
  MemoryJournal journal;
  std::vector<TimedCommand> batch;
  batch.reserve(64);
  for (auto _ : state) {
    batch.push_back(w.Next());
    w.Apply(batch.back());
    if (batch.size() == 64) {
      journal.Append(batch);
      journal.Sync();
      batch.clear();
      if (journal.bytes().size() > (64u << 20)) journal.Clear();  // bounded memory
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineCoreWithJournal);

void BM_EngineCoreLatency(benchmark::State& state) {
  Workload w;
  std::vector<std::int64_t> samples;
  samples.reserve(1 << 22);
  for (auto _ : state) {
    const TimedCommand c = w.Next();
    const auto start = std::chrono::steady_clock::now();
    w.Apply(c);
    const auto end = std::chrono::steady_clock::now();
    if (samples.size() < samples.capacity()) samples.push_back((end - start).count());
  }
  state.SetItemsProcessed(state.iterations());
  if (!samples.empty()) {
    std::sort(samples.begin(), samples.end());
    state.counters["p50_ns"] = static_cast<double>(samples[samples.size() / 2]);
    state.counters["p99_ns"] = static_cast<double>(samples[samples.size() * 99 / 100]);
    state.counters["p999_ns"] = static_cast<double>(samples[samples.size() * 999 / 1000]);
  }
}
BENCHMARK(BM_EngineCoreLatency);

}  // namespace
}  // namespace kc::engine

BENCHMARK_MAIN();
