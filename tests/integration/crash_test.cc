// kill -9 under load loses nothing acknowledged. Starts the real kcgate binary
// on a fresh data dir, funds users through the admin inbox (as `kcgate
// accounts deposit` does), drives signed REST order traffic and deposits from
// several threads, kills the server with SIGKILL mid-load, then:
//   - replays the journal offline: invariants hold, every acknowledged order
//     and every fill a client saw is there, and for each currency the sum
//     over all accounts plus the fees taken equals the deposits the inbox
//     marks applied (conservation, and applied <=> journaled);
//   - restarts the server on the same data dir: it serves the same balances
//     and orders, and applies the deposits that were still pending.
// Bounded: about 2 s of load, under 60 s in all.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "engine/markets.h"
#include "store/admin_inbox.h"
#include "store/sqlite_journal.h"
#include "test_client.h"
#include "ws_test_client.h"

extern char** environ;

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;

constexpr char kSymbol[] = "BTC-USDT";
constexpr int kUsers = 4;
constexpr int64_t kFirstUid = 70001;

// Runs an admin command of the kcgate binary; returns its stdout.
std::string RunCli(const std::string& args) {
  const std::string command = std::string(KC_KCGATE_BIN) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) throw std::runtime_error("kcgate " + args + " failed: " + out);
  return out;
}

// The kcgate server as a child process.
class ServerProcess {
 public:
  ServerProcess(const std::string& data_dir, const std::string& config_file) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string bin = KC_KCGATE_BIN;
    std::vector<std::string> args = {bin,         "--listen",       "127.0.0.1:0",
                                     "--data",    data_dir,         "--config",
                                     config_file, "--admin-listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("cannot start " + bin);
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
    // "kcgate listening on http://127.0.0.1:PORT"
    char line[1024];
    while (std::fgets(line, sizeof line, out_)) {
      const std::string text = line;
      const auto at = text.find("kcgate listening on http://127.0.0.1:");
      if (at != std::string::npos) {
        port_ = static_cast<uint16_t>(std::stoi(
            text.substr(at + std::string("kcgate listening on http://127.0.0.1:").size())));
        break;
      }
    }
    if (port_ == 0) throw std::runtime_error("kcgate did not start");
    // Keep draining its output so it never blocks on a full pipe.
    drain_ = std::thread([this] {
      char sink[4096];
      while (std::fgets(sink, sizeof sink, out_)) {
      }
    });
  }
  ~ServerProcess() {
    if (pid_ > 0) Stop(SIGTERM);
  }
  // Sends `signal` and waits for the process to end; returns its wait status.
  int Stop(int signal) {
    Signal(signal);
    return Wait();
  }
  void Signal(int signal) { ::kill(pid_, signal); }
  int Wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (drain_.joinable()) drain_.join();
    std::fclose(out_);
    return status;
  }
  boost::asio::ip::tcp::endpoint endpoint() const {
    return {boost::asio::ip::make_address("127.0.0.1"), port_};
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  uint16_t port_ = 0;
  std::thread drain_;
};

struct User {
  int64_t uid = 0;
  TestKey key;
};

struct Acked {
  std::mutex mu;
  std::vector<std::pair<int64_t, std::string>> orders;  // (uid, orderId)
  std::vector<std::pair<int64_t, int64_t>> trades;      // (uid, tradeId) seen in fills
};

testing::Reply Signed(TestClient& client, const User& user, http::verb method,
                      const std::string& path, const std::string& body = "") {
  const std::string verb(http::to_string(method));
  return client.Send(method, path, SignedHeaders(user.key, verb, path, body), body);
}

class CrashTest : public ::testing::Test {
 protected:
  CrashTest() {
    dir_ = std::filesystem::temp_directory_path() / ("kcgate-crash-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    config_ = (dir_ / "crash.toml").string();
    std::ofstream(config_) << "[demo]\ncreate_key = false\n[market_maker]\nenabled = false\n";
    data_ = (dir_ / "data").string();
    journal_ = store::JournalPath(data_);
  }
  ~CrashTest() override { std::filesystem::remove_all(dir_); }

  // Until the server has applied the deposits FundedUsers queued.
  void WaitForDeposits() const {
    store::AdminInbox inbox(journal_);
    for (int i = 0; i < 500 && !inbox.Pending(1).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  // A public push session past its welcome.
  static std::unique_ptr<testing::WsTestClient> PublicPush(
      const boost::asio::ip::tcp::endpoint& endpoint, const std::string& connect_id) {
    TestClient client(endpoint);
    const auto bullet = client.Send(http::verb::post, "/api/v1/bullet-public", {});
    EXPECT_EQ(bullet.code(), "200000") << bullet.body;
    auto push = std::make_unique<testing::WsTestClient>(
        endpoint, "/?token=" + std::string(bullet.data().at("token").as_string()) +
                      "&connectId=" + connect_id);
    EXPECT_EQ(push->Read().at("type").as_string(), "welcome");
    return push;
  }

  std::filesystem::path dir_;
  std::string config_, data_, journal_;
};

TEST_F(CrashTest, KillNineUnderLoadLosesNothingAcknowledged) {
  const engine::MarketConfig& markets = engine::DefaultMarkets();
  const auto usdt = *markets.FindCurrency("USDT");
  const auto btc = *markets.FindCurrency("BTC");

  // Keys and funding while the server is stopped: the deposits wait in the
  // inbox and are applied when it starts.
  std::vector<User> users;
  for (int i = 0; i < kUsers; ++i) {
    User user;
    user.uid = kFirstUid + i;
    const auto created =
        json::parse(RunCli("keys create --json --uid " + std::to_string(user.uid) +
                           " --permissions General,Spot --passphrase crash-pass --data " + data_));
    user.key = {std::string(created.at("apiKey").as_string()),
                std::string(created.at("secret").as_string()), "crash-pass"};
    users.push_back(user);
    const std::string out =
        RunCli("accounts deposit --uid " + std::to_string(user.uid) +
               " --currency USDT --amount 1000000 --account trade --data " + data_);
    EXPECT_NE(out.find("queued"), std::string::npos) << out;
    RunCli("accounts deposit --uid " + std::to_string(user.uid) +
           " --currency BTC --amount 20 --account trade --data " + data_);
  }

  auto server = std::make_unique<ServerProcess>(data_, config_);
  store::AdminInbox inbox(journal_);
  for (int i = 0; i < 500 && !inbox.Pending(1).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(inbox.Pending(1).empty()) << "start-up funding not applied";

  TestClient client(server->endpoint());
  const auto funded = Signed(client, users[0], http::verb::get, "/api/v1/accounts");
  ASSERT_EQ(funded.code(), "200000") << funded.body;

  Acked acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int i = 0; i < kUsers; ++i) {
    load.emplace_back([&, i] {
      TestClient c(server->endpoint());
      std::mt19937 rng(static_cast<unsigned>(i + 1));
      int n = 0;
      while (!stop.load()) {
        try {
          const bool buy = rng() % 2 == 0;
          // Around 60000 with a 1 USDT spread of prices: many orders cross.
          const int64_t price = 59'995 + static_cast<int64_t>(rng() % 11);
          const std::string body = json::serialize(
              json::object{{"clientOid", "crash-" + std::to_string(i) + "-" + std::to_string(n++)},
                           {"side", buy ? "buy" : "sell"},
                           {"symbol", kSymbol},
                           {"type", "limit"},
                           {"price", std::to_string(price)},
                           {"size", "0.001"}});
          const auto reply = Signed(c, users[i], http::verb::post, "/api/v1/hf/orders", body);
          if (reply.code() == "200000") {
            std::lock_guard lock(acked.mu);
            acked.orders.emplace_back(users[i].uid,
                                      std::string(reply.data().at("orderId").as_string()));
          }
          if (n % 20 == 0) {
            const auto fills =
                Signed(c, users[i], http::verb::get,
                       std::string("/api/v1/hf/fills?symbol=") + kSymbol + "&limit=100");
            if (fills.code() == "200000") {
              std::lock_guard lock(acked.mu);
              for (const auto& f : fills.data().at("items").as_array()) {
                const auto& id = f.at("tradeId");
                acked.trades.emplace_back(users[i].uid,
                                          id.is_string() ? std::stoll(std::string(id.as_string()))
                                                         : id.to_number<int64_t>());
              }
            }
          }
        } catch (const std::exception&) {
          return;  // the server is gone
        }
      }
    });
  }
  // Deposits under load, through the inbox the CLI writes.
  load.emplace_back([&] {
    try {
      store::AdminInbox writer(journal_);
      int i = 0;
      while (!stop.load()) {
        writer.Enqueue({kFirstUid + (i++ % kUsers), "USDT", "1.5", "main", ""}, markets);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    } catch (const std::exception&) {
    }
  });

  // Load for at least 1.5 s and until enough orders and some fills are
  // acknowledged (a loaded or sanitized build is slower), at most 30 s.
  const auto load_start = std::chrono::steady_clock::now();
  auto enough = [&] {
    std::lock_guard lock(acked.mu);
    return acked.orders.size() > 200 && !acked.trades.empty();
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  while (!enough() && std::chrono::steady_clock::now() - load_start < std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server->Stop(SIGKILL);
  stop = true;
  for (auto& t : load) t.join();
  server.reset();

  // Offline: replay the journal the way the server does at start.
  std::map<engine::CurrencyId, engine::Units> applied;  // per currency
  auto sum_applied = [&] {
    applied.clear();
    store::Database db(journal_);
    auto rows = db.Prepare("SELECT currency, amount FROM admin_inbox WHERE status = 'applied'");
    while (rows.Step()) {
      const auto c = *markets.FindCurrency(rows.Text(0));
      applied[c] += *ParseDecimal(rows.Text(1), markets.currency(c).precision);
    }
  };
  sum_applied();
  int64_t pending_after_crash = 0;
  {
    store::Database db(journal_);
    auto rows = db.Prepare("SELECT count(*) FROM admin_inbox WHERE status = 'pending'");
    rows.Step();
    pending_after_crash = rows.Int(0);
  }
  engine::NullEventSink sink;
  engine::Exchange replayed(markets, &sink);
  {
    store::SqliteJournal journal(journal_);
    const uint64_t n = journal.Replay([&](const engine::TimedCommand& c) { replayed.Apply(c); });
    EXPECT_GT(n, 0u);
  }
  replayed.CheckInvariants();
  for (engine::CurrencyId c : {usdt, btc}) {
    EXPECT_EQ(replayed.accounts().Total(c) + replayed.fees_collected(c), applied[c])
        << markets.currency(c).currency;
  }
  EXPECT_GT(applied[usdt], 4 * 1'000'000 * engine::Units{100'000'000}) << "no deposit under load";
  for (const auto& [uid, id] : acked.orders) {
    const auto parsed = engine::OrderId::Parse(id);
    ASSERT_TRUE(parsed) << id;
    EXPECT_TRUE(replayed.FindOrder(static_cast<engine::Uid>(uid), *parsed))
        << "acknowledged order " << id << " of " << uid << " lost";
  }
  std::map<int64_t, std::set<int64_t>> journaled_trades;  // uid -> trade ids
  for (const User& user : users) {
    engine::FillFilter filter;
    filter.uid = static_cast<engine::Uid>(user.uid);
    std::vector<engine::Fill> fills;
    replayed.Fills(filter, 0, 1 << 20, &fills);
    for (const auto& f : fills) journaled_trades[user.uid].insert(static_cast<int64_t>(f.trade_id));
  }
  for (const auto& [uid, trade_id] : acked.trades) {
    EXPECT_TRUE(journaled_trades[uid].contains(trade_id))
        << "fill of trade " << trade_id << " lost";
  }
  EXPECT_GT(acked.orders.size(), 50u) << "too little load to mean anything";
  EXPECT_GT(acked.trades.size(), 0u) << "no fills seen: the orders never crossed";
  std::cerr << "[crash_test] acknowledged before kill -9: " << acked.orders.size() << " orders, "
            << acked.trades.size()
            << " fills seen; deposits pending at the kill: " << pending_after_crash << "\n";

  // Restart on the same data dir: the same state is served, pending deposits
  // are applied now, and nothing is applied twice.
  ServerProcess again(data_, config_);
  store::AdminInbox after(journal_);
  for (int i = 0; i < 500 && !after.Pending(1).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(after.Pending(1).empty());
  sum_applied();
  TestClient c(again.endpoint());
  engine::Units served_usdt = 0;
  for (const User& user : users) {
    const auto reply = Signed(c, user, http::verb::get, "/api/v1/accounts");
    ASSERT_EQ(reply.code(), "200000") << reply.body;
    for (const auto& a : reply.data().as_array()) {
      const std::string currency(a.at("currency").as_string());
      const auto cur = markets.FindCurrency(currency);
      ASSERT_TRUE(cur);
      const auto balance =
          ParseDecimal(std::string(a.at("balance").as_string()), markets.currency(*cur).precision);
      ASSERT_TRUE(balance);
      if (*cur == usdt) served_usdt += *balance;
      if (*cur == btc && std::string(a.at("type").as_string()) == "trade") {
        const auto* account = replayed.accounts().Find(static_cast<engine::Uid>(user.uid), btc,
                                                       engine::AccountType::kTrade);
        ASSERT_NE(account, nullptr);
        EXPECT_EQ(*balance, account->balance());
      }
    }
  }
  // What the restarted server holds = what was journaled + the deposits that
  // were still pending at the kill (no trades since the restart).
  EXPECT_EQ(served_usdt + replayed.fees_collected(usdt), applied[usdt]);
  for (const auto& [uid, id] : acked.orders) {
    const User& user = users[static_cast<std::size_t>(uid - kFirstUid)];
    const auto reply =
        Signed(c, user, http::verb::get, "/api/v1/hf/orders/" + id + "?symbol=" + kSymbol);
    EXPECT_EQ(reply.code(), "200000") << id << ": " << reply.body;
  }
  // A clean stop (sanitizer builds: no report) after all of this.
  const int status = again.Stop(SIGTERM);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
}

// Keys and trade funds for `count` users (through the CLI, server stopped).
std::vector<User> FundedUsers(const std::string& data, int count, int64_t first_uid) {
  std::vector<User> users;
  for (int i = 0; i < count; ++i) {
    User user;
    user.uid = first_uid + i;
    const auto created =
        json::parse(RunCli("keys create --json --uid " + std::to_string(user.uid) +
                           " --permissions General,Spot --passphrase stop-pass --data " + data));
    user.key = {std::string(created.at("apiKey").as_string()),
                std::string(created.at("secret").as_string()), "stop-pass"};
    users.push_back(user);
    for (const char* funds : {"--currency USDT --amount 1000000", "--currency BTC --amount 20"}) {
      RunCli("accounts deposit --uid " + std::to_string(user.uid) + " " + funds +
             " --account trade --data " + data);
    }
  }
  return users;
}

// Signed orders from one thread per user until told to stop or the server is
// gone; every answer's code is kept, and the orders acknowledged.
class OrderLoad {
 public:
  OrderLoad(const boost::asio::ip::tcp::endpoint& endpoint, const std::vector<User>& users) {
    for (size_t i = 0; i < users.size(); ++i) {
      threads_.emplace_back([this, endpoint, user = users[i], i] {
        TestClient client(endpoint);
        std::mt19937 rng(static_cast<unsigned>(i + 7));
        for (int n = 0; !stop_.load(); ++n) {
          const bool buy = rng() % 2 == 0;
          const std::string body = json::serialize(
              json::object{{"clientOid", "stop-" + std::to_string(i) + "-" + std::to_string(n)},
                           {"side", buy ? "buy" : "sell"},
                           {"symbol", kSymbol},
                           {"type", "limit"},
                           {"price", std::to_string(59'995 + static_cast<int64_t>(rng() % 11))},
                           {"size", "0.001"}});
          testing::Reply reply;
          try {
            reply = Signed(client, user, http::verb::post, "/api/v1/hf/orders", body);
          } catch (const std::exception&) {
            return;  // refused or dropped: the server is no longer accepting
          }
          std::lock_guard lock(mu_);
          codes_.insert(reply.code());
          if (reply.code() == "200000") {
            orders_.emplace_back(user.uid, std::string(reply.data().at("orderId").as_string()));
          }
        }
      });
    }
  }
  ~OrderLoad() { Join(); }
  void Join() {
    stop_ = true;
    for (auto& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }
  std::set<std::string> codes() {
    std::lock_guard lock(mu_);
    return codes_;
  }
  std::vector<std::pair<int64_t, std::string>> orders() {
    std::lock_guard lock(mu_);
    return orders_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::set<std::string> codes_;
  std::vector<std::pair<int64_t, std::string>> orders_;
};

// Every acknowledged order is in the journal (replayed offline).
void ExpectJournaled(const std::string& journal_path,
                     const std::vector<std::pair<int64_t, std::string>>& orders) {
  engine::NullEventSink sink;
  engine::Exchange replayed(engine::DefaultMarkets(), &sink);
  store::SqliteJournal journal(journal_path);
  journal.Replay([&](const engine::TimedCommand& c) { replayed.Apply(c); });
  replayed.CheckInvariants();
  for (const auto& [uid, id] : orders) {
    const auto parsed = engine::OrderId::Parse(id);
    ASSERT_TRUE(parsed) << id;
    EXPECT_TRUE(replayed.FindOrder(static_cast<engine::Uid>(uid), *parsed))
        << "acknowledged order " << id << " of " << uid << " lost";
  }
}

// SIGTERM under load: the push session gets the 501000 notice and a close
// frame, every request is answered (200000, or 501000 once closed), the
// process exits 0, and every acknowledged order is journaled.
TEST_F(CrashTest, SigtermDrainsNotifiesSessionsAndExitsZero) {
  std::ofstream(config_) << "[demo]\ncreate_key = false\n[market_maker]\nenabled = false\n"
                            "[server]\nshutdown_deadline_ms = 5000\n";
  const std::vector<User> users = FundedUsers(data_, 2, 80001);
  ServerProcess server(data_, config_);
  WaitForDeposits();
  auto push_session = PublicPush(server.endpoint(), "stop");
  testing::WsTestClient& push = *push_session;

  OrderLoad load(server.endpoint(), users);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  server.Signal(SIGTERM);
  const auto notice = push.Read(std::chrono::seconds(10));
  EXPECT_EQ(notice.at("type").as_string(), "error");
  EXPECT_EQ(notice.at("code").as_int64(), 501000);
  EXPECT_EQ(notice.at("data").as_string(),
            "The service has stopped running. Please disconnect: exiting");
  EXPECT_TRUE(push.WaitClosed(std::chrono::seconds(10)));
  EXPECT_EQ(push.close_code(), 1000) << "a close frame, not a dropped socket";
  const int status = server.Wait();
  load.Join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "wait status " << status;
  for (const std::string& code : load.codes()) {
    EXPECT_TRUE(code == "200000" || code == "501000") << "answered " << code;
  }
  const auto orders = load.orders();
  EXPECT_GT(orders.size(), 20u) << "too little load to mean anything";
  ExpectJournaled(journal_, orders);
}

// A second signal during the graceful stop exits at once, and still nothing
// acknowledged is lost (every answer waited for its journal sync).
TEST_F(CrashTest, SecondSignalExitsAtOnceLosingNothingAcknowledged) {
  std::ofstream(config_) << "[demo]\ncreate_key = false\n[market_maker]\nenabled = false\n"
                            "[server]\nshutdown_deadline_ms = 60000\n";
  const std::vector<User> users = FundedUsers(data_, 2, 81001);
  ServerProcess server(data_, config_);
  WaitForDeposits();
  // An open push session keeps the graceful stop waiting for its close
  // handshake, which this client never answers.
  auto push_session = PublicPush(server.endpoint(), "stop2");
  testing::WsTestClient& push = *push_session;
  OrderLoad load(server.endpoint(), users);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server.Signal(SIGTERM);
  // The second signal only after the first was handled: two SIGTERMs sent
  // while the process waits for a CPU merge into one (a loaded machine).
  // The push notice says the graceful stop began; the close frame after it
  // stays unanswered (never read).
  EXPECT_EQ(push.Read(std::chrono::seconds(20)).at("code").as_int64(), 501000);
  server.Signal(SIGTERM);
  const int status = server.Wait();
  load.Join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "wait status " << status;
  ExpectJournaled(journal_, load.orders());
}

}  // namespace
}  // namespace kc
