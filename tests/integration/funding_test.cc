// Currencies' chains, deposits and withdrawals over real sockets: an
// in-process kcgate on an ephemeral 127.0.0.1 port whose markets add a
// configured currency (its own chains) to the defaults, users with keys made
// as `kcgate keys create` makes them, and requests signed as clients sign them.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include "app/server.h"
#include "core/decimal.h"
#include "engine/command_loop.h"
#include "engine/markets.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using testing::Reply;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;

struct User {
  int64_t uid = 0;
  TestKey key;
};

// The defaults plus DOGE with two configured chains, one closed for withdrawals.
engine::MarketConfig TestMarkets() {
  std::vector<engine::CurrencySpec> currencies = engine::DefaultCurrencies();
  engine::CurrencySpec doge;
  doge.currency = doge.name = "DOGE";
  doge.full_name = "Dogecoin";
  doge.precision = 4;
  engine::ChainText native;
  native.chain_id = "doge";
  native.chain_name = "DOGE";
  native.confirms = 40;
  native.pre_confirms = 10;
  native.withdrawal_min_size = "20";
  native.withdrawal_min_fee = "4";
  native.withdraw_fee_rate = "0.001";
  native.max_withdraw = "100000";
  native.withdraw_precision = 2;
  engine::ChainText bep20 = native;
  bep20.chain_id = "BSC";
  bep20.chain_name = "BEP20";
  bep20.contract_address = "0xba2ae424d960c26247dd6c32edc70b295c744c43";
  bep20.withdraw_enabled = false;
  bep20.deposit_min_size = "1.5";
  bep20.max_withdraw.clear();
  for (const engine::ChainText& t : {native, bep20}) {
    std::string error;
    doge.chains.push_back(*engine::BuildChain(t, doge.precision, &error));
  }
  currencies.push_back(doge);
  std::string error;
  auto built = engine::BuildMarketConfig(currencies, engine::DefaultSymbols(), &error);
  if (!built) std::abort();
  return *built;
}

class FundingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    app::Config config;
    config.markets = TestMarkets();
    config.funding.withdrawal_delay_ms = 300;
    Start(config);
  }

  // Starts the suite's server (a test may start its own with other settings).
  static void Start(app::Config config) {
    data_dir_ = new std::string(
        (std::filesystem::temp_directory_path() /
         ("kcgate-funding-" + std::to_string(::getpid()) + "-" + std::to_string(++servers_)))
            .string());
    std::filesystem::remove_all(*data_dir_);
    config.listen = "127.0.0.1:0";
    config.data_dir = *data_dir_;
    config.threads = 2;
    config.demo_key = false;
    server_ = new app::Server(config);
    admin_ = new store::KeyAdmin(server_->database_path(), server_->secret_box(), clock_);
    endpoint_ = new boost::asio::ip::tcp::endpoint(server_->Start());
  }

  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    delete admin_;
    delete endpoint_;
    std::filesystem::remove_all(*data_dir_);
    delete data_dir_;
  }

  static User NewUser(const std::string& permissions = "General,Spot") {
    static std::atomic<int64_t> next_uid{70'001};
    store::NewKey request;
    request.uid = next_uid++;
    request.version = 3;
    request.permissions = *gateway::Permissions::Parse(permissions);
    request.passphrase = "pass-" + std::to_string(request.uid);
    auto created = admin_->Create(request);
    server_->key_directory().Refresh();
    return {request.uid, {created.api_key, created.secret, created.passphrase}};
  }

  // Funds an account the way `kcgate accounts deposit` does: an engine command.
  static void Deposit(const User& user, const std::string& currency, const std::string& amount,
                      engine::AccountType account = engine::AccountType::kMain) {
    const engine::MarketConfig& markets = server_->engine_loop().exchange().markets();
    const auto id = markets.FindCurrency(currency);
    ASSERT_TRUE(id);
    const auto units = ParseDecimal(amount, markets.currency(*id).precision);
    ASSERT_TRUE(units);
    std::promise<engine::CommandResult> done;
    ASSERT_TRUE(server_->engine_loop().Submit(
        engine::Deposit{static_cast<engine::Uid>(user.uid), *id, account, *units},
        [&done](const engine::CommandResult& r, const engine::Exchange&) {
          return [&done, r] { done.set_value(r); };
        }));
    ASSERT_TRUE(done.get_future().get().ok());
  }

  TestClient client() { return TestClient(*endpoint_); }
  Reply Signed(const User& user, http::verb method, const std::string& target,
               const std::string& body = "") {
    const std::string name(http::to_string(method));
    return client().Send(method, target, SignedHeaders(user.key, name, target, body), body);
  }
  Reply Get(const User& user, const std::string& target) {
    return Signed(user, http::verb::get, target);
  }
  Reply Post(const User& user, const std::string& target, const json::object& body) {
    return Signed(user, http::verb::post, target, json::serialize(body));
  }
  Reply Delete(const User& user, const std::string& target) {
    return Signed(user, http::verb::delete_, target);
  }
  static void ExpectBusiness(const Reply& reply, const std::string& code, const std::string& msg) {
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.code(), code) << reply.body;
    EXPECT_EQ(reply.msg(), msg) << reply.body;
  }
  // The main account's {available, holds} of `currency`.
  std::pair<std::string, std::string> Main(const User& user, const std::string& currency) {
    const json::value list = Ok(Get(user, "/api/v1/accounts?type=main&currency=" + currency));
    if (list.as_array().empty()) return {"0", "0"};
    return {Str(list.as_array()[0], "available"), Str(list.as_array()[0], "holds")};
  }
  // Polls the withdrawal until its status is not PROCESSING (a few seconds at most).
  json::value WaitFinished(const User& user, const std::string& id) {
    json::value w;
    for (int i = 0; i < 100; ++i) {
      w = Ok(Get(user, "/api/v1/withdrawals/" + id));
      if (w.is_null() || Str(w, "status") != "PROCESSING") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return w;
  }

  static json::value Ok(const Reply& reply) {
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.code(), "200000") << reply.body;
    if (reply.code() != "200000") return nullptr;
    return reply.data();
  }
  static std::string Str(const json::value& v, const char* key) {
    return std::string(v.at(key).as_string());
  }

  static inline std::string* data_dir_ = nullptr;
  static inline app::Server* server_ = nullptr;
  static inline store::KeyAdmin* admin_ = nullptr;
  static inline boost::asio::ip::tcp::endpoint* endpoint_ = nullptr;
  static inline SystemClock clock_;
  static inline int servers_ = 0;
};

// [funding] complete_withdrawals = false: withdrawals stay PROCESSING until canceled.
class HeldWithdrawalsTest : public FundingTest {
 protected:
  static void SetUpTestSuite() {
    app::Config config;
    config.funding.complete_withdrawals = false;
    config.funding.withdrawal_delay_ms = 0;
    Start(config);
  }
};

TEST_F(HeldWithdrawalsTest, StayProcessingUntilCanceled) {
  const User user = NewUser("General,Spot,Transfer");
  Deposit(user, "ETH", "2");
  const json::value made = Ok(Post(user, "/api/v1/withdrawals",
                                   {{"currency", "ETH"},
                                    {"address", "0x02028456f38e78609904e8a002c787ede7a73d7c"},
                                    {"amount", "1"},
                                    {"remark", "rent"}}));
  const std::string id = Str(made, "withdrawalId");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  json::value w = Ok(Get(user, "/api/v1/withdrawals/" + id));
  EXPECT_EQ(Str(w, "status"), "PROCESSING");
  EXPECT_TRUE(w.at("walletTxId").is_null());
  EXPECT_EQ(Main(user, "ETH"), (std::pair<std::string, std::string>{"0.998", "1.002"}));
  const json::value quota = Ok(Get(user, "/api/v1/withdrawals/quotas?currency=ETH&tag=BTC-USDT"));
  EXPECT_EQ(Str(quota, "lockedAmount"), "1.002");
  EXPECT_EQ(Str(quota, "availableAmount"), "0.996");
  const Reply canceled = Delete(user, "/api/v1/withdrawals/" + id);
  EXPECT_EQ(canceled.code(), "200000") << canceled.body;
  EXPECT_TRUE(canceled.data().is_null());
  w = Ok(Get(user, "/api/v1/withdrawals/" + id));
  EXPECT_EQ(Str(w, "status"), "FAILURE");
  EXPECT_EQ(Str(w, "failureReason"), "CANCELED");
  EXPECT_EQ(Str(w, "remark"), "rent");
  EXPECT_EQ(Main(user, "ETH"), (std::pair<std::string, std::string>{"2", "0"}));
  EXPECT_EQ(Ok(Get(user, "/api/v1/withdrawals?status=FAILURE")).at("totalNum"), 1);
  ExpectBusiness(Delete(user, "/api/v1/withdrawals/" + id), "400100",
                 "withdrawal not exist or not allow to cancel");
}

TEST_F(FundingTest, CurrenciesListTheirChains) {
  const json::value all = Ok(client().Get("/api/v3/currencies"));
  ASSERT_EQ(all.as_array().size(), 6u);
  const json::value btc = Ok(client().Get("/api/v3/currencies/BTC"));
  EXPECT_EQ(all.as_array()[0], btc);
  const json::array& chains = btc.at("chains").as_array();
  ASSERT_EQ(chains.size(), 2u);
  const json::value& main_chain = chains[0];
  EXPECT_EQ(Str(main_chain, "chainId"), "btc");
  EXPECT_EQ(Str(main_chain, "chainName"), "BTC");
  EXPECT_EQ(Str(main_chain, "withdrawalMinSize"), "0.001");
  EXPECT_EQ(Str(main_chain, "withdrawalMinFee"), "0.0005");
  EXPECT_EQ(Str(main_chain, "depositMinSize"), "0.0002");
  EXPECT_EQ(Str(main_chain, "withdrawFeeRate"), "0");
  EXPECT_EQ(main_chain.at("isWithdrawEnabled"), true);
  EXPECT_EQ(main_chain.at("isDepositEnabled"), true);
  EXPECT_EQ(main_chain.at("confirms"), 3);
  EXPECT_EQ(main_chain.at("preConfirms"), 1);
  EXPECT_EQ(Str(main_chain, "contractAddress"), "");
  EXPECT_EQ(main_chain.at("withdrawPrecision"), 8);
  EXPECT_TRUE(main_chain.at("maxWithdraw").is_null());
  EXPECT_TRUE(main_chain.at("maxDeposit").is_null());
  EXPECT_EQ(main_chain.at("needTag"), false);
  EXPECT_EQ(Str(chains[1], "chainId"), "kcc");
  EXPECT_TRUE(chains[1].at("depositMinSize").is_null());

  // The configured currency, as configured.
  const json::value doge = Ok(client().Get("/api/v3/currencies/DOGE"));
  EXPECT_EQ(Str(doge, "fullName"), "Dogecoin");
  EXPECT_EQ(doge.at("precision"), 4);
  const json::array& doge_chains = doge.at("chains").as_array();
  ASSERT_EQ(doge_chains.size(), 2u);
  EXPECT_EQ(Str(doge_chains[0], "withdrawalMinFee"), "4");
  EXPECT_EQ(Str(doge_chains[0], "withdrawFeeRate"), "0.001");
  EXPECT_EQ(Str(doge_chains[0], "maxWithdraw"), "100000");
  EXPECT_EQ(doge_chains[0].at("withdrawPrecision"), 2);
  EXPECT_EQ(doge_chains[0].at("confirms"), 40);
  EXPECT_EQ(doge_chains[0].at("preConfirms"), 10);
  EXPECT_EQ(Str(doge_chains[1], "chainId"), "bsc");  // chain ids are lower case
  EXPECT_EQ(Str(doge_chains[1], "chainName"), "BEP20");
  EXPECT_EQ(doge_chains[1].at("isWithdrawEnabled"), false);
  EXPECT_EQ(Str(doge_chains[1], "depositMinSize"), "1.5");
  EXPECT_EQ(Str(doge_chains[1], "contractAddress"), "0xba2ae424d960c26247dd6c32edc70b295c744c43");

  // ?chain= keeps one chain, by id or name, in any case.
  for (const char* chain : {"bsc", "BEP20", "BSC"}) {
    const json::value one = Ok(client().Get(std::string("/api/v3/currencies/DOGE?chain=") + chain));
    ASSERT_EQ(one.at("chains").as_array().size(), 1u) << chain;
    EXPECT_EQ(Str(one.at("chains").as_array()[0], "chainId"), "bsc");
  }
  EXPECT_TRUE(
      Ok(client().Get("/api/v3/currencies/DOGE?chain=sol")).at("chains").as_array().empty());

  // The legacy detail, as kucoin-node-sdk asks for it.
  EXPECT_EQ(Ok(client().Get("/api/v2/currencies/BTC?currency=BTC")), btc);
  const Reply unknown = client().Get("/api/v2/currencies/NOPE?currency=NOPE");
  EXPECT_EQ(unknown.code(), "400100");
  EXPECT_EQ(unknown.msg(), "Currency does not exist.");
}

TEST_F(FundingTest, DepositsAreListedWithKuCoinsFields) {
  const User user = NewUser();
  Deposit(user, "BTC", "0.5");
  Deposit(user, "USDT", "100", engine::AccountType::kTrade);
  const json::value page = Ok(Get(user, "/api/v1/deposits"));
  EXPECT_EQ(page.at("totalNum"), 2);
  const json::array& items = page.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const json::value& usdt = items[0];  // newest first
  EXPECT_EQ(Str(usdt, "currency"), "USDT");
  EXPECT_EQ(Str(usdt, "chain"), "eth");
  EXPECT_EQ(Str(usdt, "status"), "SUCCESS");
  EXPECT_EQ(Str(usdt, "amount"), "100");
  EXPECT_EQ(Str(usdt, "fee"), "0");
  EXPECT_EQ(usdt.at("isInner"), false);
  EXPECT_EQ(usdt.at("arrears"), false);
  EXPECT_EQ(Str(usdt, "address").size(), 42u);  // the user's ERC20 address
  EXPECT_EQ(Str(usdt, "walletTxId").substr(0, 2), "0x");
  EXPECT_TRUE(usdt.at("createdAt").is_int64());
  const json::value& btc = items[1];
  EXPECT_EQ(Str(btc, "chain"), "btc");
  EXPECT_EQ(Str(btc, "amount"), "0.5");
  // The address is the one the user is given for that chain.
  const json::value address = Ok(Get(user, "/api/v1/deposit-addresses?currency=BTC"));
  EXPECT_EQ(Str(btc, "address"), Str(address, "address"));

  const json::value filtered = Ok(Get(user, "/api/v1/deposits?currency=BTC&status=SUCCESS"));
  EXPECT_EQ(filtered.at("totalNum"), 1);
  EXPECT_EQ(Ok(Get(user, "/api/v1/deposits?status=PROCESSING")).at("totalNum"), 0);
  EXPECT_EQ(Ok(Get(user, "/api/v1/deposits?currency=NOPE")).at("totalNum"), 0);
  EXPECT_EQ(Ok(Get(NewUser(), "/api/v1/deposits")).at("totalNum"), 0);  // another user's
  const json::value old = Ok(Get(user, "/api/v1/hist-deposits?currency=BTC"));
  ASSERT_EQ(old.at("items").as_array().size(), 1u);
  const json::value& old_item = old.at("items").as_array()[0];
  EXPECT_EQ(Str(old_item, "amount"), "0.5");
  EXPECT_EQ(Str(old_item, "status"), "SUCCESS");
  EXPECT_EQ(old_item.at("createAt"), btc.at("createdAt").as_int64() / 1000);
  EXPECT_EQ(Get(user, "/api/v1/deposits?startAt=soon").code(), "400102");
}

TEST_F(FundingTest, DepositAddressesAreStablePerUserAndChain) {
  const User user = NewUser();
  const json::value v1 = Ok(Get(user, "/api/v1/deposit-addresses?currency=USDT"));
  EXPECT_EQ(Str(v1, "chainId"), "eth");  // the first chain by default
  EXPECT_EQ(Str(v1, "chain"), "ERC20");
  EXPECT_EQ(Str(v1, "currency"), "USDT");
  EXPECT_EQ(Str(v1, "to"), "MAIN");
  EXPECT_EQ(Str(v1, "memo"), "");
  const std::string eth = Str(v1, "address");
  EXPECT_EQ(eth.substr(0, 2), "0x");
  EXPECT_EQ(Ok(Get(user, "/api/v1/deposit-addresses?currency=USDT")), v1);  // stable
  // Tokens on one chain share the user's address there, as on KuCoin.
  EXPECT_EQ(Str(Ok(Get(user, "/api/v1/deposit-addresses?currency=ETH&chain=eth")), "address"), eth);
  const json::value trx = Ok(Get(user, "/api/v1/deposit-addresses?currency=USDT&chain=trx"));
  EXPECT_EQ(Str(trx, "address")[0], 'T');
  EXPECT_EQ(Str(trx, "address").size(), 34u);
  EXPECT_NE(Str(Ok(Get(NewUser(), "/api/v1/deposit-addresses?currency=USDT")), "address"), eth);

  const json::value v2 = Ok(Get(user, "/api/v2/deposit-addresses?currency=USDT"));
  ASSERT_EQ(v2.as_array().size(), 3u);
  EXPECT_EQ(Str(v2.as_array()[0], "address"), eth);
  EXPECT_EQ(Str(v2.as_array()[1], "chainId"), "trx");
  EXPECT_EQ(Str(v2.as_array()[1], "contractAddress"), "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
  const json::value v3 = Ok(Get(user, "/api/v3/deposit-addresses?currency=USDT&chain=trx"));
  ASSERT_EQ(v3.as_array().size(), 1u);
  EXPECT_EQ(Str(v3.as_array()[0], "chainName"), "TRC20");
  EXPECT_EQ(v3.as_array()[0].at("expirationDate"), 0);

  const json::value created = Ok(Post(user, "/api/v3/deposit-address/create",
                                      {{"currency", "USDT"}, {"chain", "trx"}, {"to", "TRADE"}}));
  EXPECT_EQ(Str(created, "address"), Str(trx, "address"));
  EXPECT_EQ(Str(created, "to"), "TRADE");
  EXPECT_EQ(Str(created, "chainId"), "trx");
  const json::value added = Ok(Post(user, "/api/v1/deposit-addresses", {{"currency", "BTC"}}));
  EXPECT_EQ(Str(added, "chainId"), "btc");
  EXPECT_EQ(Str(added, "address").substr(0, 4), "bc1q");

  ExpectBusiness(Get(user, "/api/v1/deposit-addresses?currency=NOPE"), "400100",
                 "Currency does not exist.");
  ExpectBusiness(Get(user, "/api/v1/deposit-addresses?currency=BTC&chain=sol"), "400100",
                 "The chain is not supported.");
  EXPECT_EQ(Get(user, "/api/v1/deposit-addresses").code(), "400102");
  EXPECT_EQ(
      Post(user, "/api/v3/deposit-address/create", {{"currency", "BTC"}, {"to", "MOON"}}).code(),
      "400102");
}

TEST_F(FundingTest, WithdrawalHoldsThenSucceedsAfterTheDelay) {
  const User user = NewUser("General,Spot,Transfer");
  Deposit(user, "USDT", "100");
  // ccxt's withdraw: /api/v3/withdrawals, amount as a JSON number, lower-case chain id.
  const json::value made = Ok(Post(user, "/api/v3/withdrawals",
                                   {{"currency", "USDT"},
                                    {"toAddress", "TKFRQXSDcY4kd3QLzw7uK16GmLrjJggwX8"},
                                    {"withdrawType", "ADDRESS"},
                                    {"chain", "trx"},
                                    {"amount", 20.5}}));
  const std::string id = Str(made, "withdrawalId");
  ASSERT_EQ(id.size(), 24u);
  // Held at once: the amount and the TRC20 fee (1 USDT) beside it.
  json::value w = Ok(Get(user, "/api/v1/withdrawals/" + id));
  if (Str(w, "status") == "PROCESSING") {
    EXPECT_EQ(Main(user, "USDT"), (std::pair<std::string, std::string>{"78.5", "21.5"}));
    EXPECT_EQ(Str(w, "cancelType"), "CANCELABLE");
  }
  EXPECT_EQ(Str(w, "chainId"), "trx");
  EXPECT_EQ(Str(w, "chainName"), "TRC20");
  EXPECT_EQ(Str(w, "amount"), "20.5");
  EXPECT_EQ(Str(w, "fee"), "1");
  EXPECT_EQ(Str(w, "address"), "TKFRQXSDcY4kd3QLzw7uK16GmLrjJggwX8");
  EXPECT_EQ(w.at("uid"), user.uid);
  w = WaitFinished(user, id);
  EXPECT_EQ(Str(w, "status"), "SUCCESS");
  EXPECT_EQ(Str(w, "cancelType"), "NON_CANCELABLE");
  EXPECT_EQ(Str(w, "walletTxId").size(), 64u);
  EXPECT_EQ(Main(user, "USDT"), (std::pair<std::string, std::string>{"78.5", "0"}));

  const json::value list = Ok(Get(user, "/api/v1/withdrawals?currency=USDT&status=SUCCESS"));
  ASSERT_EQ(list.at("totalNum"), 1);
  const json::value& item = list.at("items").as_array()[0];
  EXPECT_EQ(Str(item, "id"), id);
  EXPECT_EQ(Str(item, "chain"), "trx");
  EXPECT_EQ(Str(item, "status"), "SUCCESS");
  EXPECT_EQ(Str(item, "amount"), "20.5");
  EXPECT_EQ(Str(item, "fee"), "1");
  EXPECT_EQ(item.at("isInner"), false);
  EXPECT_EQ(Ok(Get(user, "/api/v1/hist-withdrawals")).at("totalNum"), 1);
  // The ledger shows it leaving.
  const json::value ledger =
      Ok(Get(user, "/api/v1/accounts/ledgers?currency=USDT&bizType=WITHDRAW"));
  EXPECT_EQ(ledger.at("totalNum"), 1);
  // Finished: no longer cancelable.
  ExpectBusiness(Delete(user, "/api/v1/withdrawals/" + id), "400100",
                 "withdrawal not exist or not allow to cancel");
}

TEST_F(FundingTest, WithdrawalRulesAndCancel) {
  const User user = NewUser("General,Spot,Transfer");
  Deposit(user, "BTC", "1");
  Deposit(user, "DOGE", "1000");
  auto withdraw = [&](json::object body) { return Post(user, "/api/v1/withdrawals", body); };
  const json::object base{{"currency", "BTC"},
                          {"address", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"}};
  auto with = [&](std::initializer_list<std::pair<std::string, json::value>> extra) {
    json::object body = base;
    for (const auto& [k, v] : extra) body[k] = v;
    return body;
  };
  ExpectBusiness(withdraw(with({{"amount", "0.0009"}})), "400100",
                 "The withdrawal amount is below the minimum requirement.");
  ExpectBusiness(withdraw(with({{"amount", "5"}})), "200004", "Balance insufficient!");
  ExpectBusiness(withdraw(with({{"amount", "0.1"}, {"chain", "sol"}})), "400100",
                 "The chain is not supported.");
  ExpectBusiness(withdraw(with({{"amount", "0.1"}, {"currency", "NOPE"}})), "400100",
                 "Currency does not exist.");
  EXPECT_EQ(withdraw(with({{"amount", "abc"}})).code(), "400102");
  EXPECT_EQ(withdraw(with({{"amount", "0.1"}, {"feeDeductType", "SOMETIMES"}})).code(), "400102");
  EXPECT_EQ(withdraw(with({{"amount", "0.1"}, {"address", ""}})).code(), "400102");
  EXPECT_EQ(withdraw({{"currency", "BTC"}, {"amount", "0.1"}}).code(), "400102");
  EXPECT_EQ(Post(user, "/api/v3/withdrawals",
                 {{"currency", "BTC"}, {"toAddress", "x"}, {"withdrawType", "UID"}, {"amount", 1}})
                .code(),
            "400102");
  // DOGE's configured chains: withdraw precision 2, fee max(4, 0.1%), a maximum, one chain closed.
  const json::object doge{{"currency", "DOGE"}, {"address", "DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L"}};
  auto doge_with = [&](std::initializer_list<std::pair<std::string, json::value>> extra) {
    json::object body = doge;
    for (const auto& [k, v] : extra) body[k] = v;
    return body;
  };
  ExpectBusiness(withdraw(doge_with({{"amount", "30.001"}})), "400100",
                 "The withdrawal amount precision is invalid.");
  ExpectBusiness(withdraw(doge_with({{"amount", "30"}, {"chain", "bsc"}})), "400100",
                 "Current currency does not support withdrawal.");
  ExpectBusiness(withdraw(doge_with({{"amount", "200000"}})), "400100",
                 "The withdrawal amount is above the maximum requirement.");
  EXPECT_EQ(Main(user, "BTC"), (std::pair<std::string, std::string>{"1", "0"}));  // nothing moved

  const json::value doge_quota =
      Ok(Get(user, "/api/v1/withdrawals/quotas?currency=DOGE&chain=doge"));
  EXPECT_EQ(Str(doge_quota, "withdrawMinFee"), "4");
  EXPECT_EQ(Str(doge_quota, "availableAmount"), "996");  // 996 + max(4, 0.996) = 1000
  // INTERNAL: the fee (max(4, 0.1% of 1000) = 4) comes out of the amount.
  const std::string internal = Str(
      Ok(withdraw(doge_with({{"amount", "1000"}, {"feeDeductType", "INTERNAL"}}))), "withdrawalId");
  const json::value w = WaitFinished(user, internal);
  EXPECT_EQ(Str(w, "amount"), "996");
  EXPECT_EQ(Str(w, "fee"), "4");
  EXPECT_EQ(Main(user, "DOGE"), (std::pair<std::string, std::string>{"0", "0"}));
  // The rate's share when it is above the minimum fee: 0.1% of 5000 = 5.
  Deposit(user, "DOGE", "5005");
  const std::string by_rate = Str(Ok(withdraw(doge_with({{"amount", "5000"}}))), "withdrawalId");
  EXPECT_EQ(Str(WaitFinished(user, by_rate), "fee"), "5");
  EXPECT_EQ(Main(user, "DOGE"), (std::pair<std::string, std::string>{"0", "0"}));
}

TEST_F(FundingTest, CancelReleasesAndPermissionsApply) {
  const User user = NewUser("General,Spot,Transfer");
  Deposit(user, "ETH", "2");
  const json::value quota = Ok(Get(user, "/api/v1/withdrawals/quotas?currency=ETH&tag=BTC-USDT"));
  EXPECT_EQ(Str(quota, "currency"), "ETH");
  EXPECT_EQ(Str(quota, "chain"), "ERC20");
  EXPECT_EQ(Str(quota, "withdrawMinFee"), "0.002");
  EXPECT_EQ(Str(quota, "withdrawMinSize"), "0.01");
  EXPECT_EQ(Str(quota, "availableAmount"), "1.998");
  EXPECT_EQ(Str(quota, "lockedAmount"), "0");
  EXPECT_EQ(quota.at("precision"), 8);
  EXPECT_EQ(quota.at("isWithdrawEnabled"), true);

  const json::value made = Ok(Post(user, "/api/v1/withdrawals",
                                   {{"currency", "ETH"},
                                    {"address", "0x02028456f38e78609904e8a002c787ede7a73d7c"},
                                    {"amount", "1"},
                                    {"remark", "rent"}}));
  const std::string id = Str(made, "withdrawalId");
  const json::value w = WaitFinished(user, id);
  EXPECT_EQ(Str(w, "status"), "SUCCESS");
  EXPECT_EQ(Str(w, "remark"), "rent");

  // Transfer permission for making and canceling; another user's id is not found.
  const User reader = NewUser("General,Spot");
  const Reply refused = Post(reader, "/api/v1/withdrawals",
                             {{"currency", "ETH"}, {"address", "0x00"}, {"amount", "1"}});
  EXPECT_EQ(refused.code(), "400007");
  EXPECT_EQ(Delete(reader, "/api/v1/withdrawals/" + id).code(), "400007");
  ExpectBusiness(Get(reader, "/api/v1/withdrawals/" + id), "400100", "withdrawal not exist.");
  EXPECT_EQ(Ok(Get(reader, "/api/v1/withdrawals")).at("totalNum"), 0);
  ExpectBusiness(Delete(NewUser("General,Transfer"), "/api/v1/withdrawals/" + id), "400100",
                 "withdrawal not exist or not allow to cancel");
}

}  // namespace
}  // namespace kc
