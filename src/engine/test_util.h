// Helpers for the engine's tests: an Exchange on the default markets with an
// event buffer, and decimal-string shorthands. Tests only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <span>
#include <string_view>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "engine/journal.h"

namespace kc::engine::testing {

inline Units U(std::string_view text) {  // every default currency has 8 decimals
  auto v = ParseDecimal(text, 8);
  if (!v) std::abort();
  return *v;
}

class ExchangeFixture : public ::testing::Test {
 protected:
  ExchangeFixture() : ex_(DefaultMarkets(), &events_) {}

  SymbolId Sym(std::string_view s) const { return *ex_.markets().FindSymbol(s); }
  CurrencyId Cur(std::string_view c) const { return *ex_.markets().FindCurrency(c); }

  CommandResult Run(Command c) { return ex_.Apply(TimedCommand{now_ += 1000, std::move(c)}); }

  void Fund(Uid uid, std::string_view currency, std::string_view amount) {
    ASSERT_TRUE(Run(Deposit{uid, Cur(currency), AccountType::kTrade, U(amount)}).ok());
  }
  PlaceOrder Limit(Uid uid, Side side, std::string_view price, std::string_view size,
                   std::string_view symbol = "BTC-USDT") const {
    PlaceOrder p;
    p.uid = uid;
    p.symbol = Sym(symbol);
    p.side = side;
    p.type = OrderType::kLimit;
    p.price = U(price);
    p.size = U(size);
    return p;
  }
  PlaceOrder Market(Uid uid, Side side, std::string_view size, std::string_view funds,
                    std::string_view symbol = "BTC-USDT") const {
    PlaceOrder p;
    p.uid = uid;
    p.symbol = Sym(symbol);
    p.side = side;
    p.type = OrderType::kMarket;
    p.size = size.empty() ? 0 : U(size);
    p.funds = funds.empty() ? 0 : U(funds);
    return p;
  }
  const Account* Acct(Uid uid, std::string_view currency) const {
    return ex_.accounts().Find(uid, Cur(currency), AccountType::kTrade);
  }
  Units Avail(Uid uid, std::string_view currency) const {
    const Account* a = Acct(uid, currency);
    return a ? a->available : 0;
  }
  Units Held(Uid uid, std::string_view currency) const {
    const Account* a = Acct(uid, currency);
    return a ? a->holds : 0;
  }
  Order Get(Uid uid, OrderId id) const {
    auto o = ex_.FindOrder(uid, id);
    EXPECT_TRUE(o.has_value());
    return o.value_or(Order{});
  }
  template <typename T>
  std::vector<T> Events() const {
    std::vector<T> out;
    for (const Event& e : const_cast<EventBuffer&>(events_).events()) {
      if (const T* x = std::get_if<T>(&e)) out.push_back(*x);
    }
    return out;
  }

  Timestamp now_ = 1'700'000'000 * kNanosPerSecond;
  EventBuffer events_;
  Exchange ex_;
};

// A journal whose Sync blocks until the test lets it through: the pipeline
// can then be observed with a batch stuck in its fsync.
class GatedJournal final : public Journal {
 public:
  void Append(std::span<const TimedCommand> batch) override {
    std::lock_guard lock(mu_);
    inner_.Append(batch);
  }
  bool Sync() override {
    std::unique_lock lock(mu_);
    ++entered_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return allowed_ > synced_; });
    ++synced_;
    return inner_.Sync();
  }
  void Allow(std::size_t syncs) {
    std::lock_guard lock(mu_);
    allowed_ += syncs;
    cv_.notify_all();
  }
  void AllowAll() { Allow(1 << 30); }
  // Waits until `n` syncs have started; false after a few seconds.
  bool WaitEntered(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= n; });
  }
  std::size_t synced() {
    std::lock_guard lock(mu_);
    return synced_;
  }
  std::size_t records() {
    std::lock_guard lock(mu_);
    return inner_.records();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  MemoryJournal inner_;
  std::size_t entered_ = 0;
  std::size_t allowed_ = 0;
  std::size_t synced_ = 0;
};

}  // namespace kc::engine::testing
