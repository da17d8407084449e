// Routes real clients call that issue 14 added, over real sockets against an
// in-process kcgate: route precedence across the whole table, the transfer
// quota and flex transfer, the fee reads, fiat prices, my-ip, announcements
// and the /spotMarket/level1 push topic.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <regex>

#include "app/server.h"
#include "core/decimal.h"
#include "engine/command_loop.h"
#include "engine/markets.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"
#include "ws_test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using testing::Reply;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::WsTestClient;

struct User {
  int64_t uid = 0;
  TestKey key;
};

class ReadsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new std::string(
        (std::filesystem::temp_directory_path() / ("kcgate-reads-" + std::to_string(::getpid())))
            .string());
    std::filesystem::remove_all(*data_dir_);
    app::Config config;
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

  static void Deposit(const User& user, const std::string& currency, const std::string& amount,
                      engine::AccountType account) {
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

  static TestClient client() { return TestClient(*endpoint_); }
  static Reply Public(const std::string& target) {
    return client().Send(http::verb::get, target, {});
  }
  static Reply Get(const User& user, const std::string& target) {
    return client().Send(http::verb::get, target, SignedHeaders(user.key, "GET", target));
  }
  static Reply Post(const User& user, const std::string& target, const json::object& body) {
    const std::string text = json::serialize(body);
    return client().Send(http::verb::post, target, SignedHeaders(user.key, "POST", target, text),
                         text);
  }
  static json::value Ok(const Reply& reply) {
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.code(), "200000") << reply.body;
    if (reply.code() != "200000") return nullptr;
    return reply.data();
  }
  static void ExpectBusiness(const Reply& reply, const std::string& code, const std::string& msg) {
    EXPECT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.code(), code) << reply.body;
    EXPECT_EQ(reply.msg(), msg) << reply.body;
  }
  static std::string Balance(const User& user, const std::string& currency,
                             const std::string& type) {
    const auto data =
        Ok(Get(user, "/api/v1/accounts/transferable?currency=" + currency + "&type=" + type));
    return data.is_object() ? std::string(data.at("balance").as_string()) : "?";
  }

  static inline SystemClock clock_;
  static inline std::string* data_dir_ = nullptr;
  static inline app::Server* server_ = nullptr;
  static inline store::KeyAdmin* admin_ = nullptr;
  static inline boost::asio::ip::tcp::endpoint* endpoint_ = nullptr;
};

// Every route is found for a path of its own shape: a literal segment is
// never shadowed by another route's parameter, whatever the order of Add.
TEST_F(ReadsTest, EveryRouteIsFoundForItsOwnShape) {
  const gateway::RouteTable& routes = server_->routes();
  const std::regex parameter("\\{[^}/]+\\}");
  std::size_t checked = 0;
  for (const auto& route : routes.routes()) {
    const std::string path = std::regex_replace(route->pattern, parameter, "zz-param");
    const auto match = routes.Find(route->method, path);
    ASSERT_TRUE(match) << route->pattern;
    EXPECT_EQ(match->route, route.get()) << path << " went to " << match->route->pattern;
    ++checked;
  }
  EXPECT_GT(checked, 60u);
}

TEST_F(ReadsTest, TransferableAnswersTheAccountsQuota) {
  const User user = NewUser();
  Deposit(user, "USDT", "100", engine::AccountType::kMain);
  // Before the route existed this answered {accountId} "account not exist.".
  const auto data = Ok(Get(user, "/api/v1/accounts/transferable?currency=USDT&type=MAIN"));
  EXPECT_EQ(json::serialize(data),
            R"({"currency":"USDT","balance":"100","available":"100","holds":"0",)"
            R"("transferable":"100"})");
  // The official SDK always adds tag=BTC-USDT.
  EXPECT_EQ(Balance(user, "USDT", "TRADE"), "0");
  EXPECT_EQ(Ok(Get(user, "/api/v1/accounts/transferable?currency=USDT&type=MAIN&tag=BTC-USDT"))
                .at("transferable")
                .as_string(),
            "100");
  // Margin and others: accounts nobody has here.
  EXPECT_EQ(Balance(user, "USDT", "MARGIN"), "0");
  ExpectBusiness(Get(user, "/api/v1/accounts/transferable?currency=USDT&type=SAVINGS"), "400100",
                 "type not in the given range!");
  ExpectBusiness(Get(user, "/api/v1/accounts/transferable?currency=NOPE&type=MAIN"), "400100",
                 "Currency does not exist.");
  EXPECT_EQ(Get(user, "/api/v1/accounts/transferable?type=MAIN").code(), "400102");
}

TEST_F(ReadsTest, FlexTransferMovesBetweenMainAndTradeWithThePermission) {
  const User user = NewUser("General,Spot,FlexTransfers");
  Deposit(user, "USDT", "100", engine::AccountType::kMain);
  json::object body{{"clientOid", "flex-1"},     {"type", "INTERNAL"},
                    {"currency", "USDT"},        {"amount", "40"},
                    {"fromAccountType", "MAIN"}, {"toAccountType", "TRADE"}};
  const auto data = Ok(Post(user, "/api/v3/accounts/universal-transfer", body));
  ASSERT_TRUE(data.is_object());
  EXPECT_EQ(data.at("orderId").as_string().size(), 24u);
  EXPECT_EQ(Balance(user, "USDT", "MAIN"), "60");
  EXPECT_EQ(Balance(user, "USDT", "TRADE"), "40");
  // KuCoin's own example sends the amount as a number.
  body["clientOid"] = "flex-2";
  body["amount"] = 2.5;
  body["fromAccountType"] = "TRADE";
  body["toAccountType"] = "MAIN";
  Ok(Post(user, "/api/v3/accounts/universal-transfer", body));
  EXPECT_EQ(Balance(user, "USDT", "MAIN"), "62.5");

  // Refusals change nothing.
  body["clientOid"] = "flex-3";
  body["toAccountType"] = "CONTRACT";
  ExpectBusiness(Post(user, "/api/v3/accounts/universal-transfer", body), "400100",
                 "toAccountType not in the given range!");
  body["toAccountType"] = "MAIN";
  body["type"] = "PARENT_TO_SUB";
  ExpectBusiness(Post(user, "/api/v3/accounts/universal-transfer", body), "400100",
                 "type not in the given range!");
  body["type"] = "INTERNAL";
  body["amount"] = "1000";
  ExpectBusiness(Post(user, "/api/v3/accounts/universal-transfer", body), "200004",
                 "Balance insufficient!");
  EXPECT_EQ(Balance(user, "USDT", "MAIN"), "62.5");
  EXPECT_EQ(Balance(user, "USDT", "TRADE"), "37.5");

  // Without FlexTransfers: 400007, as KuCoin gates it.
  const User plain = NewUser("General,Spot");
  Deposit(plain, "USDT", "10", engine::AccountType::kMain);
  const Reply denied = Post(plain, "/api/v3/accounts/universal-transfer", body);
  EXPECT_EQ(denied.code(), "400007") << denied.body;
  // Inner transfer keeps working.
  Ok(Post(plain, "/api/v2/accounts/inner-transfer",
          {{"clientOid", "inner-1"},
           {"currency", "USDT"},
           {"from", "main"},
           {"to", "trade"},
           {"amount", "4"}}));
  EXPECT_EQ(Balance(plain, "USDT", "TRADE"), "4");
}

TEST_F(ReadsTest, FeesAreTheRatesTheEngineCharges) {
  const User user = NewUser();
  const engine::MarketConfig& markets = server_->engine_loop().exchange().markets();
  const auto& btc = markets.symbol(*markets.FindSymbol("BTC-USDT"));
  const std::string maker = FormatDecimal(btc.maker_fee_rate, engine::kRateScale);
  const std::string taker = FormatDecimal(btc.taker_fee_rate, engine::kRateScale);
  EXPECT_EQ(json::serialize(Ok(Get(user, "/api/v1/base-fee"))),
            R"({"takerFeeRate":")" + taker + R"(","makerFeeRate":")" + maker + R"("})");
  Ok(Get(user, "/api/v1/base-fee?currencyType=0"));  // the official SDK's default
  EXPECT_EQ(Get(user, "/api/v1/base-fee?currencyType=7").code(), "400102");

  // ccxt sends the comma raw.
  const auto fees = Ok(Get(user, "/api/v1/trade-fees?symbols=BTC-USDT,ETH-USDT"));
  ASSERT_TRUE(fees.is_array());
  ASSERT_EQ(fees.as_array().size(), 2u);
  EXPECT_EQ(json::serialize(fees.as_array()[0]), R"({"symbol":"BTC-USDT","takerFeeRate":")" +
                                                     taker + R"(","makerFeeRate":")" + maker +
                                                     R"("})");
  EXPECT_EQ(fees.as_array()[1].at("symbol").as_string(), "ETH-USDT");
  EXPECT_EQ(Ok(Get(user, "/api/v1/trade-fees?symbols=BTC-USDT%2CETH-USDT")).as_array().size(), 2u);
  ExpectBusiness(Get(user, "/api/v1/trade-fees?symbols=BTC-USDT,NOPE-USDT"), "400100",
                 "This pair is not provided at present");
  EXPECT_EQ(Get(user, "/api/v1/trade-fees").code(), "400102");
  std::string eleven = "BTC-USDT";
  for (int i = 0; i < 10; ++i) eleven += ",BTC-USDT";
  EXPECT_EQ(Get(user, "/api/v1/trade-fees?symbols=" + eleven).code(), "400102");
}

TEST_F(ReadsTest, MyIpAndAnnouncements) {
  EXPECT_EQ(Ok(Public("/api/v1/my-ip")).as_string(), "127.0.0.1");
  EXPECT_EQ(json::serialize(Ok(Public("/api/v3/announcements?currentPage=1&pageSize=10"))),
            R"({"currentPage":1,"pageSize":10,"totalNum":0,"totalPage":0,"items":[]})");
  EXPECT_EQ(Public("/api/v3/announcements?pageSize=x").code(), "400102");
}

// Orders of two users that trade `size` BTC at `price` on BTC-USDT, and a
// resting bid and ask around it (left on the book).
void TradeAndQuote(const std::function<Reply(const User&, const json::object&)>& place,
                   const User& seller, const User& buyer, const std::string& price) {
  int n = 0;
  const auto order = [&](const User& who, const char* side, const std::string& at) {
    const Reply r =
        place(who, {{"clientOid", "o-" + std::to_string(who.uid) + "-" + std::to_string(++n)},
                    {"symbol", "BTC-USDT"},
                    {"side", side},
                    {"type", "limit"},
                    {"price", at},
                    {"size", "0.01"}});
    EXPECT_EQ(r.code(), "200000") << r.body;
  };
  order(seller, "sell", price);
  order(buyer, "buy", price);
  order(seller, "sell", "70000");
  order(buyer, "buy", "50000");
}

TEST_F(ReadsTest, PricesAreTheLastUsdtPricesAndLevel1IsPushed) {
  const User seller = NewUser();
  const User buyer = NewUser();
  Deposit(seller, "BTC", "1", engine::AccountType::kTrade);
  Deposit(buyer, "USDT", "10000", engine::AccountType::kTrade);

  // Subscribed before the orders: the first push shows an empty book, the
  // next ones the quotes.
  const std::string token = std::string(
      Ok(client().Send(http::verb::post, "/api/v1/bullet-public", {}, "")).at("token").as_string());
  WsTestClient ws(*endpoint_, "/?token=" + token + "&connectId=l1");
  EXPECT_EQ(ws.Read().at("type").as_string(), "welcome");
  ws.Send(json::object{{"id", "s1"},
                       {"type", "subscribe"},
                       {"topic", "/spotMarket/level1:BTC-USDT,ETH-USDT"},
                       {"response", true}});
  EXPECT_EQ(ws.Read().at("type").as_string(), "ack");

  TradeAndQuote(
      [](const User& u, const json::object& body) { return Post(u, "/api/v1/hf/orders", body); },
      seller, buyer, "60000");

  // The newest level1 message of BTC-USDT shows the quotes.
  std::optional<json::object> last;
  for (int i = 0; i < 50; ++i) {
    const auto text = ws.ReadText(std::chrono::milliseconds(1000));
    if (!text) break;
    json::object frame = json::parse(*text).as_object();
    if (frame.at("type") != "message") continue;
    EXPECT_EQ(frame.at("subject").as_string(), "level1");
    if (frame.at("topic") != "/spotMarket/level1:BTC-USDT") continue;
    last = frame;
    // Only the final book has both sides (the first sell is taken at once);
    // a flush between two orders shows one side only.
    const auto& quote = frame.at("data");
    if (!quote.at("asks").as_array().empty() && !quote.at("bids").as_array().empty()) break;
  }
  ASSERT_TRUE(last);
  const json::object& data = last->at("data").as_object();
  EXPECT_EQ(json::serialize(data.at("asks")), R"(["70000","0.01"])");
  EXPECT_EQ(json::serialize(data.at("bids")), R"(["50000","0.01"])");
  const int64_t ts = data.at("timestamp").as_int64();
  EXPECT_NEAR(static_cast<double>(ts), static_cast<double>(testing::NowMs()), 10'000);

  // Prices: BTC at its last trade, USDT at 1, in USD only.
  const auto prices = Ok(Public("/api/v1/prices"));
  ASSERT_TRUE(prices.is_object());
  EXPECT_EQ(prices.at("BTC").as_string(), "60000");
  EXPECT_EQ(prices.at("USDT").as_string(), "1");
  EXPECT_EQ(json::serialize(Ok(Public("/api/v1/prices?base=USD&currencies=BTC"))),
            R"({"BTC":"60000"})");
  EXPECT_EQ(Public("/api/v1/prices?base=EUR").code(), "400102");
}

}  // namespace
}  // namespace kc
