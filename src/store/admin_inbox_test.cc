#include "store/admin_inbox.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/exchange.h"
#include "engine/markets.h"

namespace kc::store {
namespace {

using engine::AccountType;

constexpr engine::Units kOne = 100'000'000;

class AdminInboxTest : public ::testing::Test {
 protected:
  AdminInboxTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("kc-inbox-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "journal.db").string();
  }
  ~AdminInboxTest() override { std::filesystem::remove_all(dir_); }

  const engine::MarketConfig& markets() { return engine::DefaultMarkets(); }
  engine::CurrencyId Cur(std::string_view c) { return *markets().FindCurrency(c); }

  int64_t Enqueue(int64_t uid, std::string currency, std::string amount,
                  std::string account = "main") {
    AdminInbox inbox(path_);
    return inbox
        .Enqueue({uid, std::move(currency), std::move(amount), std::move(account), ""}, markets())
        .id;
  }

  // The balance (available + holds) after replaying the journal.
  engine::Units ReplayedBalance(engine::Uid uid, std::string_view currency, AccountType type) {
    SqliteJournal journal(path_);
    engine::NullEventSink sink;
    engine::Exchange exchange(markets(), &sink);
    journal.Replay([&](const engine::TimedCommand& c) { exchange.Apply(c); });
    const auto* account = exchange.accounts().Find(uid, Cur(currency), type);
    return account ? account->balance() : 0;
  }

  std::filesystem::path dir_;
  std::string path_;
  engine::NullEventSink sink_;
  engine::SystemClock clock_;
};

TEST_F(AdminInboxTest, ParseDepositNamesWhatIsWrong) {
  std::string error;
  auto ok = ParseDeposit({7, "USDT", "1000.5", "trade", ""}, markets(), &error);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->uid, 7u);
  EXPECT_EQ(ok->currency, Cur("USDT"));
  EXPECT_EQ(ok->account, AccountType::kTrade);
  EXPECT_EQ(ok->amount, 1000 * kOne + kOne / 2);

  struct Case {
    DepositRequest request;
    std::string says;
  };
  const Case cases[] = {
      {{0, "USDT", "1", "main", ""}, "uid must be a positive integer"},
      {{-3, "USDT", "1", "main", ""}, "uid must be a positive integer"},
      {{1, "DOGE", "1", "main", ""}, "unknown currency 'DOGE'"},
      {{1, "usdt", "1", "main", ""}, "unknown currency 'usdt'"},
      {{1, "USDT", "0", "main", ""}, "amount must be positive"},
      {{1, "USDT", "-5", "main", ""}, "is not a decimal amount of USDT"},
      {{1, "USDT", "1e3", "main", ""}, "is not a decimal amount of USDT"},
      {{1, "USDT", "0.000000001", "main", ""}, "at most 8 decimal places"},
      {{1, "USDT", "99999999999999999999", "main", ""}, "is not a decimal amount"},
      {{1, "USDT", "", "main", ""}, "is not a decimal amount"},
      {{1, "USDT", "1", "margin", ""}, "account must be main or trade"},
  };
  for (const Case& c : cases) {
    error.clear();
    EXPECT_FALSE(ParseDeposit(c.request, markets(), &error)) << c.says;
    EXPECT_NE(error.find(c.says), std::string::npos) << error;
  }
  AdminInbox inbox(path_);
  EXPECT_THROW(inbox.Enqueue({1, "USDT", "0", "main", ""}, markets()), std::invalid_argument);
  EXPECT_TRUE(inbox.Pending(10).empty());
}

TEST_F(AdminInboxTest, AStoppedServerAppliesPendingRowsAtStartExactlyOnce) {
  const int64_t a = Enqueue(10, "USDT", "1000");
  const int64_t b = Enqueue(10, "USDT", "1000");  // the same request twice is two deposits
  const int64_t c = Enqueue(11, "BTC", "0.5", "trade");
  {
    SqliteJournal journal(path_);
    engine::CommandLoop loop(markets(), {}, &journal, &sink_, &clock_);
    journal.Replay([&](const engine::TimedCommand& cmd) { loop.Replay(cmd); });
    loop.Start();
    InboxPoller poller(path_, markets(), journal, loop);
    EXPECT_EQ(poller.ApplyPending(), 3u);
    EXPECT_EQ(poller.ApplyPending(), 0u);
    loop.Stop();
    const auto* usdt = loop.exchange().accounts().Find(10, Cur("USDT"), AccountType::kMain);
    ASSERT_NE(usdt, nullptr);
    EXPECT_EQ(usdt->available, 2000 * kOne);
  }
  AdminInbox inbox(path_);
  int64_t seq = 0;
  for (int64_t id : {a, b, c}) {
    auto row = inbox.Find(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->status, "applied");
    EXPECT_GT(row->journal_seq, seq);  // in request order
    seq = row->journal_seq;
  }
  // A restart replays the deposits and submits none again.
  EXPECT_EQ(ReplayedBalance(10, "USDT", AccountType::kMain), 2000 * kOne);
  EXPECT_EQ(ReplayedBalance(11, "BTC", AccountType::kTrade), kOne / 2);
  {
    SqliteJournal journal(path_);
    engine::CommandLoop loop(markets(), {}, &journal, &sink_, &clock_);
    journal.Replay([&](const engine::TimedCommand& cmd) { loop.Replay(cmd); });
    loop.Start();
    InboxPoller poller(path_, markets(), journal, loop);
    EXPECT_EQ(poller.ApplyPending(), 0u);
  }
  EXPECT_EQ(ReplayedBalance(10, "USDT", AccountType::kMain), 2000 * kOne);
}

// The two crash windows: before the journal commit nothing happened (the row
// stays pending and is applied at the next start); after it, the row is
// applied together with its Deposit (it is never submitted again).
TEST_F(AdminInboxTest, CrashWindowsNeverLoseOrRepeatADeposit) {
  const int64_t id = Enqueue(20, "ETH", "3");
  std::string error;
  const auto deposit = ParseDeposit({20, "ETH", "3", "main", ""}, markets(), &error);
  ASSERT_TRUE(deposit);
  {  // Crash between Append and Sync.
    SqliteJournal journal(path_);
    journal.ExpectInboxDeposit(id, *deposit);
    const std::vector<engine::TimedCommand> batch = {{1, *deposit}};
    journal.Append(batch);
  }
  EXPECT_EQ(AdminInbox(path_).Find(id)->status, "pending");
  EXPECT_EQ(ReplayedBalance(20, "ETH", AccountType::kMain), 0);
  {  // Crash after Sync, before the completion reached the poller.
    SqliteJournal journal(path_);
    journal.ExpectInboxDeposit(id, *deposit);
    const std::vector<engine::TimedCommand> batch = {
        {1, engine::Deposit{21, Cur("ETH"), AccountType::kMain, 3 * kOne}},  // not the claim
        {2, *deposit}};
    journal.Append(batch);
    ASSERT_TRUE(journal.Sync());
  }
  auto row = AdminInbox(path_).Find(id);
  EXPECT_EQ(row->status, "applied");
  EXPECT_EQ(row->journal_seq, 2);
  EXPECT_EQ(ReplayedBalance(20, "ETH", AccountType::kMain), 3 * kOne);
  {
    SqliteJournal journal(path_);
    engine::CommandLoop loop(markets(), {}, &journal, &sink_, &clock_);
    journal.Replay([&](const engine::TimedCommand& cmd) { loop.Replay(cmd); });
    loop.Start();
    InboxPoller poller(path_, markets(), journal, loop);
    EXPECT_EQ(poller.ApplyPending(), 0u);
  }
  EXPECT_EQ(ReplayedBalance(20, "ETH", AccountType::kMain), 3 * kOne);
}

TEST_F(AdminInboxTest, IdempotencyKeyAddsOneRowOnly) {
  AdminInbox inbox(path_);
  DepositRequest request{30, "KCS", "100", "trade", "market-maker:30:KCS"};
  const auto first = inbox.Enqueue(request, markets());
  EXPECT_FALSE(first.existed);
  request.amount = "200";
  const auto second = inbox.Enqueue(request, markets());
  EXPECT_TRUE(second.existed);
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(inbox.Pending(10).size(), 1u);
  EXPECT_EQ(inbox.Find(first.id)->request.amount, "100");
}

TEST_F(AdminInboxTest, RunningPollerAppliesRowsFromAnotherConnection) {
  SqliteJournal journal(path_);
  engine::CommandLoop loop(markets(), {}, &journal, &sink_, &clock_);
  loop.Start();
  InboxPoller poller(path_, markets(), journal, loop);
  poller.Start(std::chrono::milliseconds(10));
  const int64_t id = Enqueue(40, "SOL", "12.25");
  AdminInbox inbox(path_);
  for (int i = 0; i < 500 && inbox.Find(id)->status == "pending"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(inbox.Find(id)->status, "applied");
  // A row edited by hand into something invalid is refused, not submitted.
  poller.Stop();
  const int64_t bad = Enqueue(40, "SOL", "1");
  {
    Database db(path_);
    db.Exec("UPDATE admin_inbox SET currency = 'NOPE' WHERE status = 'pending'");
  }
  EXPECT_EQ(poller.ApplyPending(), 0u);
  EXPECT_EQ(inbox.Find(bad)->status, "rejected");
  EXPECT_NE(inbox.Find(bad)->detail.find("unknown currency"), std::string::npos);
  loop.Stop();
  const auto* sol = loop.exchange().accounts().Find(40, Cur("SOL"), AccountType::kMain);
  ASSERT_NE(sol, nullptr);
  EXPECT_EQ(sol->available, 12 * kOne + kOne / 4);
}

}  // namespace
}  // namespace kc::store
