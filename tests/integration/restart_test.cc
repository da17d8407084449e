// Restart from an engine snapshot: an in-process kcgate (127.0.0.1:0) takes
// snapshots every few commands, more commands follow the last one, and a new
// server on the same data directory comes back with the same balances, active
// orders, market data and StateDigest, having replayed only the journal after
// the snapshot (the batches before it are made unreadable to prove it).
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include "app/server.h"
#include "engine/command_loop.h"
#include "engine/markets.h"
#include "store/sqlite_db.h"
#include "store/sqlite_journal.h"
#include "test_client.h"

namespace kc {
namespace {

using testing::TestClient;

constexpr engine::Units kOne = 100'000'000;

class RestartTest : public ::testing::Test {
 protected:
  RestartTest()
      : data_dir_((std::filesystem::temp_directory_path() /
                   ("kcgate-restart-" + std::to_string(::getpid())))
                      .string()) {
    std::filesystem::remove_all(data_dir_);
    config_.listen = "127.0.0.1:0";
    config_.data_dir = data_dir_;
    config_.threads = 1;
    config_.demo_key = false;
    config_.market_maker.enabled = false;
    config_.journal.snapshot_every_commands = 40;
    config_.journal.snapshot_every_ms = 0;
  }
  ~RestartTest() override { std::filesystem::remove_all(data_dir_); }

  // Submits `commands` in small batches, each durable before the next.
  static void Run(engine::CommandLoop& loop, const std::vector<engine::Command>& commands) {
    std::atomic<std::size_t> done{0};
    for (std::size_t i = 0; i < commands.size(); ++i) {
      while (!loop.Submit(commands[i],
                          [&](const auto&, const auto&) { return [&done] { ++done; }; })) {
        std::this_thread::yield();
      }
      if (i % 7 == 6 || i + 1 == commands.size()) {
        while (done.load() <= i) std::this_thread::yield();
      }
    }
  }

  static std::vector<engine::Command> Trading(std::uint32_t seed, int n) {
    const engine::MarketConfig& m = engine::DefaultMarkets();
    std::vector<engine::Command> out;
    std::uint32_t x = seed;
    const auto next = [&x] {
      x = x * 1664525u + 1013904223u;
      return x >> 8;
    };
    for (int i = 0; i < n; ++i) {
      engine::PlaceOrder p;
      p.uid = 1 + next() % 4;
      p.symbol = *m.FindSymbol("BTC-USDT");
      p.side = next() % 2 ? engine::Side::kBuy : engine::Side::kSell;
      p.price = (50'000 + static_cast<engine::Units>(next() % 11)) * kOne;
      p.size = static_cast<engine::Units>(1 + next() % 5) * kOne / 1000;
      if (next() % 4 == 0) p.client_oid.Assign("oid-" + std::to_string(i));
      out.push_back(p);
      if (next() % 6 == 0) out.push_back(engine::CancelAll{p.uid, std::nullopt});
    }
    return out;
  }

  struct State {
    std::uint64_t digest = 0;
    std::string snapshot;  // every byte of the engine state
    std::vector<std::pair<engine::Units, engine::Units>> balances;
    std::vector<std::string> active_orders;
    std::string histories, candles, level2;
  };
  static State Capture(app::Server& server, const boost::asio::ip::tcp::endpoint& endpoint) {
    State s;
    TestClient client(endpoint);
    s.histories = client.Get("/api/v1/market/histories?symbol=BTC-USDT").body;
    s.candles = client.Get("/api/v1/market/candles?type=1min&symbol=BTC-USDT").body;
    const auto level2 = client.Get("/api/v1/market/orderbook/level2_20?symbol=BTC-USDT");
    EXPECT_EQ(level2.code(), "200000") << level2.body;
    if (const auto* data = level2.json.at("data").if_object()) {  // not its "time"
      s.level2 = boost::json::serialize(data->at("sequence")) +
                 boost::json::serialize(data->at("bids")) +
                 boost::json::serialize(data->at("asks"));
    }
    std::promise<void> read;
    server.engine_loop().SubmitQuery([&](const engine::Exchange& ex) {
      s.digest = ex.StateDigest();
      ex.SaveSnapshot(&s.snapshot);
      for (engine::Uid u = 1; u <= 4; ++u) {
        for (engine::CurrencyId c = 0; c < ex.markets().currencies.size(); ++c) {
          const engine::Account* a = ex.accounts().Find(u, c, engine::AccountType::kTrade);
          s.balances.push_back(a ? std::pair(a->available, a->holds)
                                 : std::pair<engine::Units, engine::Units>(-1, -1));
        }
        for (const engine::Order& o : ex.ActiveOrders(u)) {
          s.active_orders.push_back(o.id.ToString() + " " + std::to_string(o.deal_size) + " " +
                                    std::string(o.client_oid.view()));
        }
      }
      read.set_value();
    });
    read.get_future().wait();
    return s;
  }

  app::Config config_;
  std::string data_dir_;
};

TEST_F(RestartTest, ComesBackFromTheSnapshotPlusTheJournalAfterIt) {
  const engine::MarketConfig& m = engine::DefaultMarkets();
  State before;
  uint64_t snapshot_seq = 0;
  uint64_t total = 0;
  {
    app::Server server(config_);
    const auto endpoint = server.Start();
    std::vector<engine::Command> funding;
    for (engine::Uid u = 1; u <= 4; ++u) {
      funding.push_back(engine::Deposit{u, *m.FindCurrency("USDT"), engine::AccountType::kTrade,
                                        10'000'000 * kOne});
      funding.push_back(
          engine::Deposit{u, *m.FindCurrency("BTC"), engine::AccountType::kTrade, 100 * kOne});
    }
    Run(server.engine_loop(), funding);
    Run(server.engine_loop(), Trading(1, 300));
    // The reference: the state built live, command by command.
    before = Capture(server, endpoint);
    server.Stop();
  }
  {
    store::Database db(store::JournalPath(data_dir_));
    auto q = db.Prepare("SELECT MAX(seq), COUNT(*) FROM journal_snapshots");
    ASSERT_TRUE(q.Step());
    snapshot_seq = static_cast<uint64_t>(q.Int(0));
    EXPECT_EQ(q.Int(1), 2);  // the two newest
    auto n = db.Prepare("SELECT MAX(first_seq + count - 1) FROM journal_batches");
    ASSERT_TRUE(n.Step());
    total = static_cast<uint64_t>(n.Int(0));
  }
  ASSERT_GT(snapshot_seq, 0u);
  ASSERT_LT(snapshot_seq, total);  // some commands came after it

  // Unreadable batches before the snapshot: a start that replayed them would fail.
  {
    store::Database db(store::JournalPath(data_dir_));
    auto s = db.Prepare("UPDATE journal_batches SET records = x'00' WHERE first_seq + count <= ?");
    s.Bind(1, static_cast<int64_t>(snapshot_seq) + 1);
    s.Run();
  }
  {
    app::Server server(config_);
    const auto endpoint = server.Start();
    const State after = Capture(server, endpoint);
    EXPECT_EQ(after.digest, before.digest);
    EXPECT_EQ(after.balances, before.balances);
    EXPECT_EQ(after.active_orders, before.active_orders);
    EXPECT_FALSE(after.active_orders.empty());
    EXPECT_EQ(after.snapshot, before.snapshot);
    EXPECT_EQ(after.histories, before.histories);
    EXPECT_NE(after.histories.find("\"sequence\""), std::string::npos) << after.histories;
    EXPECT_EQ(after.candles, before.candles);
    EXPECT_EQ(after.level2, before.level2);
    // And it goes on: more commands, and the state still matches a replay.
    Run(server.engine_loop(), Trading(2, 60));
    server.Stop();
  }
  // A damaged snapshot with an unreadable journal before it: refuse to start
  // rather than serve a partial state.
  {
    store::Database db(store::JournalPath(data_dir_));
    db.Exec("UPDATE journal_snapshots SET state = x'00'");
  }
  EXPECT_THROW(app::Server{config_}, std::runtime_error);
}

}  // namespace
}  // namespace kc
