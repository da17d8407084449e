// MarketFeed's behaviour over a real engine: only topics with subscribers are
// serialized; level2 increments stitch onto a book snapshot taken at any
// point; candles follow the engine's own; throttled topics go out at their
// frequency and only on change; the timer drives it all through a real
// CommandLoop.
#include "push/feed.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "core/decimal.h"
#include "engine/command_loop.h"
#include "engine/journal.h"
#include "push/feed_test_util.h"
#include "push/feed_timer.h"

namespace kc::push {
namespace {

using engine::Side;
using engine::Units;
using engine::testing::U;
using testing::FakePublisher;
using testing::FeedFixture;

namespace json = boost::json;

constexpr std::int64_t kMilli = engine::kNanosPerMilli;

Units Parse(const json::value& v) {
  const auto units = ParseDecimal(std::string_view(v.as_string()), 8);
  if (!units) std::abort();
  return *units;
}

class FeedTest : public FeedFixture {
 protected:
  // uid 2 rests a sell of 0.01 BTC at 50000; uid 1 buys 0.004 of it.
  void Trade() {
    Deposit(2, "BTC", "1");
    Deposit(1, "USDT", "100000");
    Do(Limit(2, Side::kSell, "50000", "0.01"));
    Do(Limit(1, Side::kBuy, "50000", "0.004"));
  }
};

TEST_F(FeedTest, SerializesNothingWithoutSubscribers) {
  Trade();
  Do(engine::CancelAll{2, std::nullopt});
  feed_.Flush(ex_, now_);
  EXPECT_TRUE(pub_.sent.empty());
  EXPECT_GT(pub_.asked, 0);
}

TEST_F(FeedTest, PrivateMessagesGoOnlyToTheirUser) {
  pub_.Subscribe("/account/balance", 2);
  Trade();
  ASSERT_FALSE(pub_.sent.empty());
  for (const auto& s : pub_.sent) {
    EXPECT_EQ(s.topic, "/account/balance");
    EXPECT_EQ(s.uid, 2);
    EXPECT_EQ(s.json().at("userId"), "2");
  }
}

// Applies KuCoin's level2 increments to a snapshot, as a client does.
struct ClientBook {
  std::uint64_t sequence = 0;
  std::map<Units, Units> bids, asks;

  static ClientBook From(const engine::BookSnapshot& s) {
    ClientBook b;
    b.sequence = s.sequence;
    for (const auto& l : s.bids) b.bids[l.price] = l.size;
    for (const auto& l : s.asks) b.asks[l.price] = l.size;
    return b;
  }
  // false on a gap.
  bool Apply(const json::value& message) {
    const json::value& d = message.at("data");
    const auto start = d.at("sequenceStart").to_number<std::uint64_t>();
    const auto end = d.at("sequenceEnd").to_number<std::uint64_t>();
    if (end <= sequence) return true;  // older than the snapshot
    if (start != sequence + 1) return false;
    for (const char* side : {"bids", "asks"}) {
      auto& levels = std::string_view(side) == "bids" ? bids : asks;
      for (const json::value& change : d.at("changes").at(side).as_array()) {
        const Units price = Parse(change.at(0));
        const Units size = Parse(change.at(1));
        if (size == 0) {
          levels.erase(price);
        } else {
          levels[price] = size;
        }
      }
    }
    sequence = end;
    return true;
  }
  bool operator==(const ClientBook&) const = default;
};

TEST_F(FeedTest, Level2StitchesOntoASnapshotTakenAnywhere) {
  const std::string topic = "/market/level2:BTC-USDT";
  pub_.Subscribe(topic);
  const engine::SymbolId btc = Sym("BTC-USDT");
  for (engine::Uid uid = 1; uid <= 4; ++uid) {
    Deposit(uid, "USDT", "10000000");
    Deposit(uid, "BTC", "1000");
  }
  std::mt19937 rng(7);
  std::vector<std::pair<engine::Uid, engine::OrderId>> placed;
  std::vector<std::pair<std::size_t, ClientBook>> snapshots;  // (frames sent before, book)
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  for (int i = 0; i < 3000; ++i) {
    const engine::Uid uid = 1 + static_cast<engine::Uid>(pick(4));
    const Side side = pick(2) == 0 ? Side::kBuy : Side::kSell;
    const std::string price = std::to_string(49990 + pick(21)) + (pick(2) ? ".5" : "");
    const std::string size = "0.0" + std::to_string(1 + pick(9)) + std::to_string(pick(10));
    const int what = pick(100);
    if (what < 50) {
      auto p = Limit(uid, side, price, size);
      const int flags = pick(10);
      if (flags == 0) p.hidden = true;
      if (flags == 1) {
        p.iceberg = true;
        p.visible_size = U("0.005");
      }
      if (flags == 2) p.time_in_force = engine::TimeInForce::kIoc;
      if (flags == 3) p.stp = engine::Stp::kDc;
      const auto r = Do(p);
      if (r.ok()) placed.push_back({uid, r.order_id});
    } else if (what < 75 && !placed.empty()) {
      const auto& [owner, id] =
          placed[static_cast<std::size_t>(pick(static_cast<int>(placed.size())))];
      Do(engine::CancelOrder{owner, id});
    } else if (what < 85) {
      Do(Market(uid, side, "0.0" + std::to_string(1 + pick(5)), ""));
    } else if (what < 95 && !placed.empty()) {
      const auto& [owner, id] =
          placed[static_cast<std::size_t>(pick(static_cast<int>(placed.size())))];
      engine::AmendOrder a;
      a.uid = owner;
      a.order_id = id;
      a.new_price = U(price);
      const auto r = Do(a);
      if (r.ok() && r.order_id.valid()) placed.push_back({owner, r.order_id});
    } else {
      Do(engine::CancelAll{uid, btc});
    }
    if (pick(40) == 0) {
      snapshots.emplace_back(pub_.sent.size(), ClientBook::From(ex_.Book(btc, 0)));
    }
  }
  ex_.CheckInvariants();
  const ClientBook final_book = ClientBook::From(ex_.Book(btc, 0));
  ASSERT_GT(final_book.sequence, 1000u);
  ASSERT_GT(snapshots.size(), 20u);
  // From the empty book (sequence 0) and from every snapshot, every increment
  // applies without a gap and the result is the engine's book.
  snapshots.insert(snapshots.begin(), {0, ClientBook{}});
  for (auto& [from, book] : snapshots) {
    for (std::size_t k = from; k < pub_.sent.size(); ++k) {
      ASSERT_EQ(pub_.sent[k].topic, topic);
      ASSERT_TRUE(book.Apply(pub_.sent[k].json())) << "gap after " << book.sequence;
    }
    EXPECT_EQ(book, final_book);
  }
}

TEST_F(FeedTest, CandlesFollowTheEngineForEveryInterval) {
  const engine::SymbolId btc = Sym("BTC-USDT");
  std::vector<std::string> topics;
  for (std::size_t k = 0; k < engine::kCandleIntervals; ++k) {
    topics.push_back("/market/candles:BTC-USDT_" +
                     std::string(engine::ToString(static_cast<engine::CandleInterval>(k))));
    pub_.Subscribe(topics.back());
  }
  Deposit(1, "USDT", "10000000");
  Deposit(2, "BTC", "1000");
  std::mt19937 rng(11);
  for (int i = 0; i < 300; ++i) {
    now_ += static_cast<std::int64_t>(rng() % 4000) * engine::kNanosPerSecond;  // up to ~1 h
    const std::string price = std::to_string(49000 + rng() % 2000);
    Do(Limit(2, Side::kSell, price, "0.01"));
    Do(Market(1, Side::kBuy, "0.01", ""));
  }
  for (std::size_t k = 0; k < engine::kCandleIntervals; ++k) {
    const auto sent = pub_.To(topics[k]);
    ASSERT_EQ(sent.size(), 300u) << topics[k];
    std::string previous_start;
    for (const auto& s : sent) {
      const json::value v = s.json();
      const std::string start(v.at("data").at("candles").at(0).as_string());
      EXPECT_EQ(v.at("subject"),
                start != previous_start ? "trade.candles.add" : "trade.candles.update");
      previous_start = start;
    }
    const engine::Candle* c =
        ex_.market_data(btc).candles(static_cast<engine::CandleInterval>(k)).Last();
    ASSERT_NE(c, nullptr);
    const json::value last = sent.back().json().at("data").at("candles");
    EXPECT_EQ(last, (json::array{std::to_string(c->start), FormatDecimal(c->open, 8),
                                 FormatDecimal(c->close, 8), FormatDecimal(c->high, 8),
                                 FormatDecimal(c->low, 8), FormatDecimal(c->volume, 8),
                                 FormatDecimal(c->turnover, 8)}))
        << topics[k];
  }
}

TEST_F(FeedTest, SeedContinuesTheCandlesAfterARestart) {
  Trade();  // the first trade happens before the new feed exists (replay)
  FakePublisher pub;
  MarketFeed restarted(engine::DefaultMarkets(), &pub);
  restarted.Seed(ex_);
  pub.Subscribe("/market/candles:BTC-USDT_1min");
  Run(Limit(1, Side::kBuy, "50000", "0.006"));
  events_.FlushTo(restarted);
  const auto sent = pub.To("/market/candles:BTC-USDT_1min");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].json().at("subject"), "trade.candles.update");
  EXPECT_EQ(sent[0].json().at("data").at("candles").at(5), "0.01");  // both trades
}

TEST_F(FeedTest, ThrottledTopicsGoOutAtTheirFrequencyAndOnlyOnChange) {
  for (const char* topic : {"/market/ticker:BTC-USDT", "/spotMarket/level2Depth5:BTC-USDT",
                            "/spotMarket/level2Depth50:BTC-USDT", "/market/snapshot:BTC-USDT"}) {
    pub_.Subscribe(topic);
  }
  Trade();
  auto count = [&](std::string_view topic) { return pub_.To(topic).size(); };
  const std::int64_t t0 = now_;
  feed_.Flush(ex_, t0);  // first subscribers: everything once
  EXPECT_EQ(count("/market/ticker:BTC-USDT"), 1u);
  EXPECT_EQ(count("/spotMarket/level2Depth5:BTC-USDT"), 1u);
  EXPECT_EQ(count("/spotMarket/level2Depth50:BTC-USDT"), 1u);
  EXPECT_EQ(count("/market/snapshot:BTC-USDT"), 1u);
  EXPECT_TRUE(pub_.To("/spotMarket/level2Depth5:ETH-USDT").empty());

  feed_.Flush(ex_, t0 + 100 * kMilli);  // nothing changed
  EXPECT_EQ(pub_.sent.size(), 4u);

  // Six bids: a new best bid changes the ticker and both depths.
  for (int i = 0; i < 6; ++i) Do(Limit(1, Side::kBuy, std::to_string(49000 - 100 * i), "0.001"));
  feed_.Flush(ex_, t0 + 150 * kMilli);  // too early for the next push
  EXPECT_EQ(pub_.sent.size(), 4u);
  feed_.Flush(ex_, t0 + 200 * kMilli);
  EXPECT_EQ(count("/market/ticker:BTC-USDT"), 2u);
  EXPECT_EQ(count("/spotMarket/level2Depth5:BTC-USDT"), 2u);
  EXPECT_EQ(count("/spotMarket/level2Depth50:BTC-USDT"), 2u);
  const json::value ticker = pub_.To("/market/ticker:BTC-USDT").back().json().at("data");
  EXPECT_EQ(ticker.at("bestBid"), "49000");
  EXPECT_EQ(ticker.at("bestBidSize"), "0.001");
  const json::value depth5 = pub_.To("/spotMarket/level2Depth5:BTC-USDT").back().json();
  EXPECT_EQ(depth5.at("data").at("bids").as_array().size(), 5u);
  EXPECT_EQ(depth5.at("data").at("timestamp"), (t0 + 200 * kMilli) / kMilli);

  // A seventh level: only the 50-level depth changes.
  Do(Limit(1, Side::kBuy, "40000", "0.001"));
  feed_.Flush(ex_, t0 + 300 * kMilli);
  EXPECT_EQ(count("/market/ticker:BTC-USDT"), 2u);
  EXPECT_EQ(count("/spotMarket/level2Depth5:BTC-USDT"), 2u);
  EXPECT_EQ(count("/spotMarket/level2Depth50:BTC-USDT"), 3u);
  EXPECT_EQ(pub_.To("/spotMarket/level2Depth50:BTC-USDT")
                .back()
                .json()
                .at("data")
                .at("bids")
                .as_array()
                .size(),
            7u);

  // Snapshots: every 2 s, when something changed.
  EXPECT_EQ(count("/market/snapshot:BTC-USDT"), 1u);
  feed_.Flush(ex_, t0 + 2000 * kMilli);
  EXPECT_EQ(count("/market/snapshot:BTC-USDT"), 2u);
  feed_.Flush(ex_, t0 + 4000 * kMilli);
  EXPECT_EQ(count("/market/snapshot:BTC-USDT"), 2u);

  // A subscriber that comes back gets the current state at once.
  pub_.Unsubscribe("/market/ticker:BTC-USDT");
  feed_.Flush(ex_, t0 + 4100 * kMilli);
  pub_.Subscribe("/market/ticker:BTC-USDT");
  feed_.Flush(ex_, t0 + 4200 * kMilli);
  EXPECT_EQ(count("/market/ticker:BTC-USDT"), 3u);
}

TEST_F(FeedTest, TickerAllAndMarketSnapshotCoverEverySymbol) {
  pub_.Subscribe("/market/ticker:all");
  pub_.Subscribe("/market/snapshot:USDS");
  Trade();
  feed_.Flush(ex_, now_);
  std::vector<std::string> subjects;
  for (const auto& s : pub_.To("/market/ticker:all")) {
    subjects.emplace_back(s.json().at("subject").as_string());
  }
  EXPECT_EQ(subjects,
            (std::vector<std::string>{"BTC-USDT", "ETH-USDT", "ETH-BTC", "SOL-USDT", "KCS-USDT"}));
  std::vector<std::string> in_usds;
  for (const auto& s : pub_.To("/market/snapshot:USDS")) {
    EXPECT_EQ(s.json().at("topic"), "/market/snapshot:USDS");
    in_usds.emplace_back(s.json().at("data").at("data").at("symbol").as_string());
  }
  EXPECT_EQ(in_usds, (std::vector<std::string>{"BTC-USDT", "ETH-USDT", "SOL-USDT", "KCS-USDT"}));
  // Later only the symbol that changed.
  Do(Limit(1, Side::kBuy, "49000", "0.001"));
  feed_.Flush(ex_, now_ + 2100 * kMilli);
  const auto all = pub_.To("/market/ticker:all");
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.back().json().at("subject"), "BTC-USDT");
  EXPECT_EQ(all.back().json().at("data").at("bestBid"), "49000");
  EXPECT_EQ(pub_.To("/market/snapshot:USDS").size(), 5u);
}

// Publish runs on the engine thread while the test thread reads.
class LockedPublisher final : public Publisher {
 public:
  bool HasSubscribers(std::string_view, int64_t) const override { return true; }
  void Publish(std::string_view topic, int64_t, Frame frame) override {
    std::lock_guard lock(mu_);
    if (topic == "/spotMarket/level2Depth5:BTC-USDT") depth5_.push_back(std::move(frame));
  }
  std::vector<Frame> depth5() const {
    std::lock_guard lock(mu_);
    return depth5_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Frame> depth5_;
};

TEST(FeedTimerTest, FlushesThroughTheCommandLoop) {
  engine::MemoryJournal journal;
  engine::ManualClock clock(1'700'000'000LL * engine::kNanosPerSecond);
  LockedPublisher pub;
  MarketFeed feed(engine::DefaultMarkets(), &pub);
  engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &feed, &clock);
  FeedTimer timer(&feed, &loop, &clock);
  loop.Start();
  timer.Start();
  const engine::MarketConfig& m = engine::DefaultMarkets();
  ASSERT_TRUE(loop.Submit(
      engine::Deposit{1, *m.FindCurrency("USDT"), engine::AccountType::kTrade, U("1000")},
      nullptr));
  engine::PlaceOrder p;
  p.uid = 1;
  p.symbol = *m.FindSymbol("BTC-USDT");
  p.side = Side::kBuy;
  p.price = U("50000");
  p.size = U("0.01");
  ASSERT_TRUE(loop.Submit(p, nullptr));
  // Wait for a depth push that shows the order (engine time moves with the test).
  std::string text;
  for (int i = 0; i < 300 && text.find("50000") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clock.Advance(100 * kMilli);
    const auto frames = pub.depth5();
    if (!frames.empty()) text = *frames.back();
  }
  timer.Stop();
  loop.Stop();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(json::parse(text).at("data").at("bids"), json::parse(R"([["50000","0.01"]])"));
}

// The timer's flush reads the engine state when its query runs, which may be
// ahead of the journal: its frames go out only once that state is durable.
TEST(FeedTimerTest, PublishesOnlyWhatTheJournalHolds) {
  engine::testing::GatedJournal journal;
  engine::ManualClock clock(1'700'000'000LL * engine::kNanosPerSecond);
  LockedPublisher pub;
  MarketFeed feed(engine::DefaultMarkets(), &pub);
  engine::CommandLoop loop(engine::DefaultMarkets(), {}, &journal, &feed, &clock);
  FeedTimer timer(&feed, &loop, &clock);
  loop.Start();
  timer.Start();
  const engine::MarketConfig& m = engine::DefaultMarkets();
  engine::PlaceOrder p;
  p.uid = 1;
  p.symbol = *m.FindSymbol("BTC-USDT");
  p.side = Side::kBuy;
  p.price = U("50000");
  p.size = U("0.01");
  const std::vector<engine::Command> both = {
      engine::Deposit{1, *m.FindCurrency("USDT"), engine::AccountType::kTrade, U("1000")}, p};
  ASSERT_TRUE(loop.Submit(both, nullptr));
  ASSERT_TRUE(journal.WaitEntered(1));  // applied, stuck in its sync
  auto shows_order = [&] {
    for (const Frame& f : pub.depth5()) {
      if (f->find("50000") != std::string::npos) return true;
    }
    return false;
  };
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clock.Advance(100 * kMilli);
  }
  EXPECT_FALSE(shows_order());
  journal.AllowAll();
  for (int i = 0; i < 300 && !shows_order(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    clock.Advance(100 * kMilli);
  }
  timer.Stop();
  loop.Stop();
  EXPECT_TRUE(shows_order());
}

}  // namespace
}  // namespace kc::push
