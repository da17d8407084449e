// The built-in market maker: the live demo market of `make run`. Its user
// (config uid) keeps a ladder of post-only quotes around a drifting price on
// every symbol, and a second user (uid + 1) now and then sends an IOC order
// across the spread, so that books, tickers, trades and candles move. It
// submits through the CommandLoop like any client, so everything it does is
// journaled, replayed and published. It funds both users at its first start
// with admin inbox deposits under fixed idempotency keys (never twice, even
// across restarts) and starts quoting once they are applied. On a symbol
// without any trade yet (a fresh data directory) it first trades a short
// burst, the same for every start (seeded by market_maker.seed, or a fixed
// seed when that is 0), so the market has a last price, 24 h statistics and
// candles from the first second; Server::Start waits for it.
//
// Owned by the Server: Start and Stop from the owning thread; it runs on a
// thread of its own and talks to the engine only through Submit/SubmitQuery.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "engine/command_loop.h"
#include "engine/markets.h"

namespace kc::app {

// A mid price on a symbol's price grid (in price increments) that drifts as a
// geometric random walk pulled gently back to an anchor, so a demo that runs
// for days stays near plausible prices. Deterministic for a seed. Pure.
class PriceWalk {
 public:
  PriceWalk(int64_t start_ticks, int64_t anchor_ticks, uint64_t seed);
  int64_t Step();
  int64_t ticks() const { return ticks_; }
  void Reseed(uint64_t seed) { rng_.seed(seed); }

 private:
  int64_t ticks_;
  int64_t anchor_;
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_{0.0, 1.0};
};

// Where the demo prices start: USD values of the default currencies (BTC,
// ETH, SOL, KCS, USDT); a symbol of two known currencies starts at their
// ratio, any other at 1.
double ReferenceUsdValue(const std::string& currency);

class MarketMaker {
 public:
  // Throws std::runtime_error naming a bad market_maker.* setting.
  MarketMaker(MarketMakerConfig config, std::string journal_path, engine::CommandLoop& loop);
  ~MarketMaker();  // Stop()s
  MarketMaker(const MarketMaker&) = delete;
  MarketMaker& operator=(const MarketMaker&) = delete;

  void Start();
  void Stop();

  // Progress counters (any thread), for tests and logs.
  uint64_t steps() const { return steps_.load(); }
  uint64_t submitted() const { return submitted_.load(); }
  uint64_t rejected() const { return rejected_.load(); }
  bool funded() const { return funded_.load(); }
  // Blocks until the opening trades are in the engine (or the maker stopped
  // or failed); false when `timeout` passed first.
  bool WaitUntilLive(std::chrono::milliseconds timeout);

  // What the first start deposits for `uid`'s `currency` (trade account).
  static std::string FundingAmount(const engine::MarketConfig& markets,
                                   engine::CurrencyId currency);

 private:
  struct Quoting {
    engine::SymbolId symbol = 0;
    PriceWalk walk;
    int64_t quoted_ticks = 0;  // the mid of the ladder on the book; 0 = none
  };

  void Run();
  bool Fund();  // false when stopped before funded
  // From the last trades, when the journal has any; returns the symbols
  // (indexes into quoting_) that have none.
  std::vector<std::size_t> LoadStartingPrices(uint64_t walk_seed);
  void TradeOpeningBurst(const std::vector<std::size_t>& untraded, uint64_t seed);
  void MarkLive();
  void StepSymbol(Quoting& q, int trade_percent);
  void Send(engine::Command command);
  bool WaitFor(std::chrono::milliseconds interval);  // false when stopping

  MarketMakerConfig config_;
  std::string journal_path_;
  engine::CommandLoop& loop_;
  const engine::MarketConfig& markets_;
  engine::Uid maker_;
  engine::Uid taker_;

  // The maker's thread only.
  std::mt19937_64 rng_;
  uint64_t opening_seed_;
  std::vector<Quoting> quoting_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool live_ = false;      // guarded by mu_: opening trades done (or never coming)
  std::thread thread_;

  std::atomic<uint64_t> steps_{0};
  std::atomic<uint64_t> submitted_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<bool> funded_{false};
};

}  // namespace kc::app
