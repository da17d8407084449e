#include "app/market_maker.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "store/admin_inbox.h"
#include "store/sqlite_journal.h"

namespace kc::app {
namespace {

TEST(PriceWalk, IsRepeatableForASeedAndStaysNearItsAnchor) {
  PriceWalk a(600'000, 600'000, 42), b(600'000, 600'000, 42), c(600'000, 600'000, 43);
  bool differs = false;
  int64_t low = 600'000, high = 600'000;
  for (int i = 0; i < 100'000; ++i) {
    const int64_t x = a.Step();
    ASSERT_EQ(x, b.Step());
    differs |= x != c.Step();
    low = std::min(low, x);
    high = std::max(high, x);
  }
  EXPECT_TRUE(differs);
  EXPECT_LT(low, 600'000);  // it moves both ways ...
  EXPECT_GT(high, 600'000);
  EXPECT_GT(low, 300'000);  // ... but is pulled back to the anchor
  EXPECT_LT(high, 1'200'000);
  PriceWalk tiny(1, 1, 7);  // a grid too coarse to quote is widened
  EXPECT_GE(tiny.Step(), 100);
}

TEST(MarketMaker, RefusesBadSettings) {
  engine::NullEventSink sink;
  engine::MemoryJournal journal;
  engine::SystemClock clock;
  engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &sink, &clock);
  MarketMakerConfig config;
  config.levels = 0;
  EXPECT_THROW(MarketMaker(config, "unused", loop), std::runtime_error);
  config = {};
  config.interval_ms = 0;
  EXPECT_THROW(MarketMaker(config, "unused", loop), std::runtime_error);
  config = {};
  config.trade_percent = 101;
  EXPECT_THROW(MarketMaker(config, "unused", loop), std::runtime_error);
}

class MarketMakerRun : public ::testing::Test {
 protected:
  MarketMakerRun() {
    dir_ = std::filesystem::temp_directory_path() /
           ("kc-market-maker-test-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "journal.db").string();
  }
  ~MarketMakerRun() override { std::filesystem::remove_all(dir_); }

  template <typename T>
  T Query(engine::CommandLoop& loop, std::function<T(const engine::Exchange&)> read) {
    std::promise<T> done;
    auto answer = done.get_future();
    EXPECT_TRUE(loop.SubmitQuery([&](const engine::Exchange& ex) { done.set_value(read(ex)); }));
    return answer.get();
  }

  std::filesystem::path dir_;
  std::string path_;
};

// The maker funds itself through the inbox, then books fill with quotes on
// both sides of every symbol, trades happen, nothing is created or destroyed,
// and a restart neither funds it twice nor loses anything.
TEST_F(MarketMakerRun, QuotesTradesAndConservesAcrossARestart) {
  const engine::MarketConfig& markets = engine::DefaultMarkets();
  MarketMakerConfig config;
  config.uid = 777;
  config.seed = 5;
  config.interval_ms = 5;
  config.levels = 3;
  config.trade_percent = 60;
  engine::NullEventSink sink;
  engine::SystemClock clock;
  std::uint64_t digest = 0;
  {
    store::SqliteJournal journal(path_);
    engine::CommandLoop loop(markets, {}, &journal, &sink, &clock);
    loop.Start();
    store::InboxPoller poller(path_, markets, journal, loop);
    poller.Start(std::chrono::milliseconds(10));
    MarketMaker maker(config, path_, loop);
    maker.Start();
    // Until every symbol has traded and the maker stepped (bounded).
    bool all_traded = false;
    for (int i = 0; i < 1000 && (!all_traded || maker.steps() == 0); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      all_traded = Query<bool>(loop, [&](const engine::Exchange& ex) {
        for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
          if (!ex.market_data(s).LastTrade()) return false;
        }
        return true;
      });
    }
    EXPECT_TRUE(maker.funded());
    EXPECT_TRUE(all_traded);
    EXPECT_GT(maker.steps(), 0u);
    // A step replaces quotes with several commands: a query may land between
    // a cancel and its replacement, so the books must be two-sided soon, not
    // at one arbitrary instant (a loaded machine showed the gap).
    bool two_sided = false;
    for (int i = 0; i < 500 && !two_sided; ++i) {
      two_sided = Query<bool>(loop, [&](const engine::Exchange& ex) {
        ex.CheckInvariants();
        for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
          const auto bid = ex.book(s).BestPrice(engine::Side::kBuy);
          const auto ask = ex.book(s).BestPrice(engine::Side::kSell);
          if (!bid || !ask || *bid >= *ask) return false;
        }
        return true;
      });
      if (!two_sided) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(two_sided);
    maker.Stop();  // cancels its quotes
    poller.Stop();
    loop.Stop();
    const engine::Exchange& ex = loop.exchange();
    for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
      EXPECT_FALSE(ex.book(s).BestPrice(engine::Side::kBuy)) << markets.symbol(s).symbol;
    }
    // Conservation: what is in accounts plus the fees equals what was deposited.
    for (engine::CurrencyId c = 0; c < markets.currencies.size(); ++c) {
      const auto funded =
          ParseDecimal(MarketMaker::FundingAmount(markets, c), markets.currency(c).precision);
      ASSERT_TRUE(funded);
      EXPECT_EQ(ex.accounts().Total(c) + ex.fees_collected(c), 2 * *funded)
          << markets.currency(c).currency;
    }
    digest = ex.StateDigest();
  }
  {
    store::SqliteJournal journal(path_);
    engine::CommandLoop loop(markets, {}, &journal, &sink, &clock);
    journal.Replay([&](const engine::TimedCommand& c) { loop.Replay(c); });
    EXPECT_EQ(loop.exchange().StateDigest(), digest);
    loop.Start();
    store::InboxPoller poller(path_, markets, journal, loop);
    poller.Start(std::chrono::milliseconds(10));
    MarketMaker maker(config, path_, loop);
    maker.Start();
    for (int i = 0; i < 500 && maker.steps() < 5; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(maker.funded());
    maker.Stop();
    poller.Stop();
    loop.Stop();
    for (engine::CurrencyId c = 0; c < markets.currencies.size(); ++c) {
      const auto funded =
          ParseDecimal(MarketMaker::FundingAmount(markets, c), markets.currency(c).precision);
      EXPECT_EQ(loop.exchange().accounts().Total(c) + loop.exchange().fees_collected(c),
                2 * *funded)
          << "funded twice? " << markets.currency(c).currency;
    }
  }
  store::AdminInbox inbox(path_);
  EXPECT_TRUE(inbox.Pending(10).empty());
}

// A fresh market trades its opening burst before WaitUntilLive returns: every
// symbol has a last price at once, the same on every fresh start (seed 0
// means a fixed opening seed), and a restart does not trade it again.
TEST_F(MarketMakerRun, OpensEveryFreshMarketWithTheSameBurstOnce) {
  const engine::MarketConfig& markets = engine::DefaultMarkets();
  MarketMakerConfig config;
  config.uid = 777;
  config.seed = 0;
  config.interval_ms = 600'000;  // no step after the burst during the test
  engine::NullEventSink sink;
  engine::SystemClock clock;
  // Last trade (price, trade id) of every symbol after the maker went live.
  const auto open_market = [&](bool fresh) {
    if (fresh) std::filesystem::remove(path_);
    store::SqliteJournal journal(path_);
    engine::CommandLoop loop(markets, {}, &journal, &sink, &clock);
    journal.Replay([&](const engine::TimedCommand& c) { loop.Replay(c); });
    loop.Start();
    store::InboxPoller poller(path_, markets, journal, loop);
    poller.Start(std::chrono::milliseconds(10));
    MarketMaker maker(config, path_, loop);
    maker.Start();
    EXPECT_TRUE(maker.WaitUntilLive(std::chrono::seconds(20)));
    auto last =
        Query<std::vector<std::pair<int64_t, uint64_t>>>(loop, [&](const engine::Exchange& ex) {
          std::vector<std::pair<int64_t, uint64_t>> out;
          for (engine::SymbolId s = 0; s < markets.symbols.size(); ++s) {
            const auto trade = ex.market_data(s).LastTrade();
            out.emplace_back(trade ? trade->price : 0, trade ? trade->trade_id : 0);
            const auto stats = ex.market_data(s).Stats(clock.Now());
            EXPECT_TRUE(stats.has_trades) << markets.symbol(s).symbol;
            EXPECT_NE(ex.market_data(s).candles(engine::CandleInterval::k1min).Last(), nullptr);
          }
          return out;
        });
    maker.Stop();
    poller.Stop();
    loop.Stop();
    return last;
  };
  const auto first = open_market(true);
  for (const auto& [price, id] : first) EXPECT_GT(price, 0);
  const auto restarted = open_market(false);
  EXPECT_EQ(restarted, first);  // no second burst, no step
  const auto again = open_market(true);
  EXPECT_EQ(again, first);  // the same opening on a fresh start
}

}  // namespace
}  // namespace kc::app
