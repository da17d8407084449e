// What the feed costs the engine thread per event: a stream of book, trade,
// order and balance events (from a real Exchange) delivered to a MarketFeed
// whose publisher drops frames, with every topic subscribed (each event
// serialized) and with none (only the HasSubscribers checks).
#include <benchmark/benchmark.h>

#include <random>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "push/feed.h"

namespace kc::push {
namespace {

class DroppingPublisher final : public Publisher {
 public:
  explicit DroppingPublisher(bool subscribed) : subscribed_(subscribed) {}
  bool HasSubscribers(std::string_view, int64_t) const override { return subscribed_; }
  void Publish(std::string_view, int64_t, Frame frame) override { bytes_ += frame->size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  bool subscribed_;
  std::size_t bytes_ = 0;
};

engine::Units U(std::string_view text) { return *ParseDecimal(text, 8); }

// Events of a realistic mix on BTC-USDT: resting orders, cancels, crossings.
std::vector<engine::Event> RecordEvents(int commands) {
  engine::EventBuffer buffer;
  engine::Exchange ex(engine::DefaultMarkets(), &buffer);
  const auto& m = engine::DefaultMarkets();
  engine::Timestamp now = 1'700'000'000LL * engine::kNanosPerSecond;
  for (engine::Uid uid = 1; uid <= 4; ++uid) {
    ex.Apply({now, engine::Deposit{uid, *m.FindCurrency("USDT"), engine::AccountType::kTrade,
                                   U("100000000")}});
    ex.Apply({now, engine::Deposit{uid, *m.FindCurrency("BTC"), engine::AccountType::kTrade,
                                   U("10000")}});
  }
  std::mt19937 rng(3);
  std::vector<std::pair<engine::Uid, engine::OrderId>> open;
  for (int i = 0; i < commands; ++i) {
    now += 1'000'000;
    const engine::Uid uid = 1 + rng() % 4;
    if (rng() % 3 == 0 && !open.empty()) {
      const auto [owner, id] = open[rng() % open.size()];
      ex.Apply({now, engine::CancelOrder{owner, id}});
      continue;
    }
    engine::PlaceOrder p;
    p.uid = uid;
    p.symbol = *m.FindSymbol("BTC-USDT");
    p.side = rng() % 2 ? engine::Side::kBuy : engine::Side::kSell;
    const bool cross = rng() % 10 == 0;
    const std::int64_t offset = static_cast<std::int64_t>(rng() % 200);
    p.price = U(std::to_string(p.side == engine::Side::kBuy ? (cross ? 50100 : 49900 - offset)
                                                            : (cross ? 49900 : 50100 + offset)));
    p.size = U("0.01");
    const auto r = ex.Apply({now, p});
    if (r.ok()) open.push_back({uid, r.order_id});
  }
  return std::move(buffer.events());
}

// In groups of 32 events, as the CommandLoop hands a batch's events on.
void Deliver(MarketFeed& feed, const std::vector<engine::Event>& events) {
  std::size_t n = 0;
  for (const engine::Event& e : events) {
    if (++n % 32 == 0) feed.OnEventsEnd();
    if (const auto* x = std::get_if<engine::OrderEvent>(&e)) feed.OnOrder(*x);
    if (const auto* x = std::get_if<engine::TradeEvent>(&e)) feed.OnTrade(*x);
    if (const auto* x = std::get_if<engine::BookEvent>(&e)) feed.OnBook(*x);
    if (const auto* x = std::get_if<engine::BalanceEvent>(&e)) feed.OnBalance(*x);
  }
  feed.OnEventsEnd();
}

void BM_FeedEvents(benchmark::State& state) {
  const bool subscribed = state.range(0) != 0;
  const std::vector<engine::Event> events = RecordEvents(20'000);
  DroppingPublisher publisher(subscribed);
  MarketFeed feed(engine::DefaultMarkets(), &publisher);
  for (auto _ : state) Deliver(feed, events);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * events.size()));
  state.counters["bytes_per_event"] = static_cast<double>(publisher.bytes()) /
                                      static_cast<double>(state.iterations() * events.size());
}
BENCHMARK(BM_FeedEvents)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kc::push

BENCHMARK_MAIN();
