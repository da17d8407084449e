// The spot exchange's REST API over real sockets: an in-process kcgate on an
// ephemeral 127.0.0.1 port, accounts funded by engine::Deposit commands, and
// KuCoin clients' requests signed as they sign them. Each test uses its own
// users, so the tests do not depend on each other's orders.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
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

// A user: its uid and a key with General + Spot.
struct User {
  int64_t uid = 0;
  TestKey key;
};

class ExchangeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new std::string(
        (std::filesystem::temp_directory_path() / ("kcgate-ex-" + std::to_string(::getpid())))
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
    static std::atomic<int64_t> next_uid{50'001};
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
                      engine::AccountType account = engine::AccountType::kTrade) {
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

  // Expects {"code":"200000"} and returns data (null when it is not a success).
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
  static void ExpectParameterError(const Reply& reply) {
    EXPECT_EQ(reply.status, 400u) << reply.body;
    EXPECT_EQ(reply.code(), "400102") << reply.body;
  }

  static std::string Str(const json::value& v, std::string_view field) {
    const json::value& x = v.as_object().at(field);
    return x.is_string() ? std::string(x.as_string()) : json::serialize(x);
  }

  // Places a classic limit order and returns its id.
  std::string Limit(const User& user, const std::string& symbol, const std::string& side,
                    const std::string& price, const std::string& size,
                    const std::string& client_oid = "") {
    json::object body{
        {"symbol", symbol}, {"side", side}, {"type", "limit"}, {"price", price}, {"size", size}};
    if (!client_oid.empty()) body["clientOid"] = client_oid;
    const json::value data = Ok(Post(user, "/api/v1/orders", body));
    if (!data.is_object()) return "";
    return Str(data, "orderId");
  }

  static inline SystemClock clock_;
  static inline std::string* data_dir_ = nullptr;
  static inline app::Server* server_ = nullptr;
  static inline store::KeyAdmin* admin_ = nullptr;
  static inline boost::asio::ip::tcp::endpoint* endpoint_ = nullptr;
};

TEST_F(ExchangeTest, SymbolsCurrenciesAndMarketsComeFromTheConfig) {
  const json::value& symbols = Ok(client().Get("/api/v2/symbols"));
  ASSERT_EQ(symbols.as_array().size(), engine::DefaultMarkets().symbols.size());
  const json::value& btc = Ok(client().Get("/api/v2/symbols/BTC-USDT"));
  // KuCoin's own /api/v2/symbols example for BTC-USDT, field for field.
  EXPECT_EQ(Str(btc, "symbol"), "BTC-USDT");
  EXPECT_EQ(Str(btc, "baseCurrency"), "BTC");
  EXPECT_EQ(Str(btc, "quoteCurrency"), "USDT");
  EXPECT_EQ(Str(btc, "feeCurrency"), "USDT");
  EXPECT_EQ(Str(btc, "market"), "USDS");
  EXPECT_EQ(Str(btc, "baseMinSize"), "0.00001");
  EXPECT_EQ(Str(btc, "quoteMinSize"), "0.1");
  EXPECT_EQ(Str(btc, "baseMaxSize"), "10000000000");
  EXPECT_EQ(Str(btc, "quoteMaxSize"), "99999999");
  EXPECT_EQ(Str(btc, "baseIncrement"), "0.00000001");
  EXPECT_EQ(Str(btc, "quoteIncrement"), "0.000001");
  EXPECT_EQ(Str(btc, "priceIncrement"), "0.1");
  EXPECT_EQ(Str(btc, "priceLimitRate"), "0.1");
  EXPECT_EQ(Str(btc, "minFunds"), "0.1");
  EXPECT_EQ(btc.at("enableTrading"), true);
  EXPECT_EQ(symbols.as_array()[0], btc);

  const json::value& btc_market = Ok(client().Get("/api/v2/symbols?market=BTC"));
  ASSERT_EQ(btc_market.as_array().size(), 1u);
  EXPECT_EQ(Str(btc_market.as_array()[0], "symbol"), "ETH-BTC");

  ExpectBusiness(client().Get("/api/v2/symbols/DOGE-USDT"), "400100",
                 "This pair is not provided at present");

  const json::value& currencies = Ok(client().Get("/api/v3/currencies"));
  ASSERT_EQ(currencies.as_array().size(), engine::DefaultMarkets().currencies.size());
  const json::value& btc_currency = Ok(client().Get("/api/v3/currencies/BTC"));
  EXPECT_EQ(Str(btc_currency, "currency"), "BTC");
  EXPECT_EQ(Str(btc_currency, "fullName"), "Bitcoin");
  EXPECT_EQ(btc_currency.at("precision"), 8);
  EXPECT_TRUE(btc_currency.at("chains").is_array());
  ExpectBusiness(client().Get("/api/v3/currencies/NOPE"), "400100", "Currency does not exist.");

  const json::value& markets = Ok(client().Get("/api/v1/markets"));
  std::set<std::string> names;
  for (const json::value& m : markets.as_array()) names.insert(std::string(m.as_string()));
  EXPECT_EQ(names, (std::set<std::string>{"USDS", "BTC"}));
}

TEST_F(ExchangeTest, MarketDataOfAnUnknownPair) {
  for (const char* path :
       {"/api/v1/market/stats?symbol=NO-PE", "/api/v1/market/orderbook/level1?symbol=NO-PE",
        "/api/v1/market/orderbook/level2_20?symbol=NO-PE", "/api/v1/market/histories?symbol=NO-PE",
        "/api/v1/market/candles?symbol=NO-PE&type=1min"}) {
    ExpectBusiness(client().Get(path), "400100", "This pair is not provided at present");
  }
  ExpectParameterError(client().Get("/api/v1/market/stats"));
  ExpectParameterError(client().Get("/api/v1/market/candles?symbol=BTC-USDT&type=2min"));
  ExpectParameterError(client().Get("/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=x"));
}

// One trade on SOL-USDT (used by no other test), then every market-data
// view of it, the fills, orders and balances of both sides.
TEST_F(ExchangeTest, ATradeShowsInMarketDataFillsOrdersAndBalances) {
  const User maker = NewUser();
  const User taker = NewUser();
  Deposit(maker, "SOL", "10");
  Deposit(taker, "USDT", "1000", engine::AccountType::kMain);

  // The taker moves its USDT to the trade account.
  const json::value& transfer = Ok(Post(taker, "/api/v2/accounts/inner-transfer",
                                        {{"clientOid", "t-1"},
                                         {"currency", "USDT"},
                                         {"from", "main"},
                                         {"to", "trade"},
                                         {"amount", "600"}}));
  EXPECT_EQ(Str(transfer, "orderId").size(), 24u);

  const std::string ask = Limit(maker, "SOL-USDT", "sell", "150.5", "2", "maker-ask");
  ASSERT_EQ(ask.size(), 24u);
  Limit(maker, "SOL-USDT", "sell", "151", "1");

  const json::value& book = Ok(client().Get("/api/v1/market/orderbook/level2_20?symbol=SOL-USDT"));
  EXPECT_TRUE(book.at("time").is_int64());
  EXPECT_TRUE(book.at("sequence").is_string());
  EXPECT_EQ(book.at("asks"), json::parse(R"([["150.5","2"],["151","1"]])"));
  EXPECT_EQ(book.at("bids"), json::array());
  const json::value& full = Ok(Get(taker, "/api/v3/market/orderbook/level2?symbol=SOL-USDT"));
  EXPECT_EQ(full.at("asks"), book.at("asks"));
  // The full book is a signed route.
  EXPECT_EQ(client().Get("/api/v3/market/orderbook/level2?symbol=SOL-USDT").code(), "400401");

  // Market buy by size through the HF sync route: filled at once.
  const json::value& filled = Ok(Post(taker, "/api/v1/hf/orders/sync",
                                      {{"symbol", "SOL-USDT"},
                                       {"side", "buy"},
                                       {"type", "market"},
                                       {"size", "0.5"},
                                       {"clientOid", "taker-1"}}));
  EXPECT_EQ(Str(filled, "clientOid"), "taker-1");
  EXPECT_EQ(Str(filled, "status"), "done");
  EXPECT_EQ(Str(filled, "dealSize"), "0.5");
  EXPECT_EQ(Str(filled, "remainSize"), "0");
  EXPECT_TRUE(filled.at("orderTime").is_int64());
  EXPECT_TRUE(filled.at("matchTime").is_int64());
  const std::string taker_order = Str(filled, "orderId");

  const json::value& level1 = Ok(client().Get("/api/v1/market/orderbook/level1?symbol=SOL-USDT"));
  EXPECT_EQ(Str(level1, "price"), "150.5");
  EXPECT_EQ(Str(level1, "size"), "0.5");
  EXPECT_EQ(Str(level1, "bestAsk"), "150.5");
  EXPECT_EQ(Str(level1, "bestAskSize"), "1.5");
  EXPECT_TRUE(level1.at("bestBid").is_null());

  const json::value& trades = Ok(client().Get("/api/v1/market/histories?symbol=SOL-USDT"));
  ASSERT_EQ(trades.as_array().size(), 1u);
  const json::value& trade = trades.as_array()[0];
  EXPECT_EQ(Str(trade, "price"), "150.5");
  EXPECT_EQ(Str(trade, "size"), "0.5");
  EXPECT_EQ(Str(trade, "side"), "buy");
  EXPECT_TRUE(trade.at("sequence").is_string());
  // Nanoseconds, within a minute of now.
  const int64_t ns = trade.at("time").as_int64();
  EXPECT_NEAR(static_cast<double>(ns / 1'000'000), static_cast<double>(testing::NowMs()), 60'000);

  const int64_t now_s = testing::NowMs() / 1000;
  const json::value& candles =
      Ok(client().Get("/api/v1/market/candles?symbol=SOL-USDT&type=1min&startAt=" +
                      std::to_string(now_s - 600) + "&endAt=" + std::to_string(now_s + 60)));
  ASSERT_EQ(candles.as_array().size(), 1u);
  const json::array& candle = candles.as_array()[0].as_array();
  ASSERT_EQ(candle.size(), 7u);
  for (const json::value& v : candle) EXPECT_TRUE(v.is_string());
  EXPECT_EQ(std::stoll(std::string(candle[0].as_string())) % 60, 0);
  EXPECT_EQ(candle[1], "150.5");  // open, close, high, low
  EXPECT_EQ(candle[2], "150.5");
  EXPECT_EQ(candle[5], "0.5");    // volume
  EXPECT_EQ(candle[6], "75.25");  // turnover
  EXPECT_EQ(Ok(client().Get("/api/v1/market/candles?symbol=SOL-USDT&type=1hour&endAt=1000")),
            json::array());

  const json::value& stats = Ok(client().Get("/api/v1/market/stats?symbol=SOL-USDT"));
  EXPECT_EQ(Str(stats, "symbol"), "SOL-USDT");
  EXPECT_EQ(Str(stats, "last"), "150.5");
  EXPECT_EQ(Str(stats, "vol"), "0.5");
  EXPECT_EQ(Str(stats, "volValue"), "75.25");
  EXPECT_EQ(Str(stats, "sell"), "150.5");
  EXPECT_EQ(Str(stats, "takerFeeRate"), "0.001");
  EXPECT_TRUE(stats.at("time").is_int64());
  const json::value& all = Ok(client().Get("/api/v1/market/allTickers"));
  bool found = false;
  for (const json::value& t : all.at("ticker").as_array()) {
    if (Str(t, "symbol") != "SOL-USDT") continue;
    found = true;
    EXPECT_EQ(Str(t, "last"), "150.5");
    EXPECT_EQ(Str(t, "bestAskSize"), "1.5");
  }
  EXPECT_TRUE(found);

  // The taker's fill: 0.5 x 150.5 = 75.25, fee 0.1% = 0.07525.
  const json::value& fills = Ok(Get(taker, "/api/v1/fills?symbol=SOL-USDT"));
  EXPECT_EQ(fills.at("totalNum"), 1);
  const json::value& fill = fills.at("items").as_array()[0];
  EXPECT_EQ(Str(fill, "orderId"), taker_order);
  EXPECT_EQ(Str(fill, "counterOrderId"), ask);
  EXPECT_EQ(Str(fill, "side"), "buy");
  EXPECT_EQ(Str(fill, "liquidity"), "taker");
  EXPECT_EQ(Str(fill, "funds"), "75.25");
  EXPECT_EQ(Str(fill, "fee"), "0.07525");
  EXPECT_EQ(Str(fill, "feeRate"), "0.001");
  EXPECT_EQ(Str(fill, "feeCurrency"), "USDT");
  EXPECT_EQ(Str(fill, "type"), "market");
  EXPECT_TRUE(fill.at("tradeId").is_string());
  const json::value& hf_fills = Ok(Get(maker, "/api/v1/hf/fills?symbol=SOL-USDT"));
  ASSERT_EQ(hf_fills.at("items").as_array().size(), 1u);
  const json::value& maker_fill = hf_fills.at("items").as_array()[0];
  EXPECT_EQ(Str(maker_fill, "liquidity"), "maker");
  EXPECT_TRUE(maker_fill.at("id").is_number());
  EXPECT_EQ(hf_fills.at("lastId"), maker_fill.at("id"));
  EXPECT_EQ(Ok(Get(maker, "/api/v1/hf/fills?symbol=SOL-USDT&lastId=" + Str(maker_fill, "id")))
                .at("items"),
            json::array());
  EXPECT_EQ(Ok(Get(maker, "/api/v1/limit/fills")).as_array().size(), 1u);

  // The maker's order, partly filled, by id and by clientOid.
  const json::value& order = Ok(Get(maker, "/api/v1/orders/" + ask));
  EXPECT_EQ(Str(order, "id"), ask);
  EXPECT_EQ(Str(order, "dealSize"), "0.5");
  EXPECT_EQ(Str(order, "dealFunds"), "75.25");
  EXPECT_EQ(order.at("isActive"), true);
  EXPECT_EQ(order.at("cancelExist"), false);
  EXPECT_EQ(Str(order, "opType"), "DEAL");
  EXPECT_EQ(Str(order, "tradeType"), "TRADE");
  EXPECT_TRUE(order.at("remark").is_null());
  EXPECT_EQ(Ok(Get(maker, "/api/v1/order/client-order/maker-ask")), order);
  const json::value& hf = Ok(Get(maker, "/api/v1/hf/orders/" + ask + "?symbol=SOL-USDT"));
  EXPECT_EQ(Str(hf, "remainSize"), "1.5");
  EXPECT_EQ(hf.at("inOrderBook"), true);
  EXPECT_EQ(hf.at("active"), true);
  EXPECT_EQ(Str(hf, "funds"), "301");
  // Another user's order does not exist for this one.
  ExpectBusiness(Get(taker, "/api/v1/orders/" + ask), "400100", "order not exist.");

  // Balances: the taker paid 75.25 + 0.07525 and got 0.5 SOL.
  std::map<std::string, json::value> balances;
  const json::value list1 = Ok(Get(taker, "/api/v1/accounts"));
  for (const json::value& a : list1.as_array()) {
    balances[Str(a, "currency") + "/" + Str(a, "type")] = a;
  }
  ASSERT_TRUE(balances.count("USDT/trade"));
  EXPECT_EQ(Str(balances["USDT/trade"], "balance"), "524.67475");
  EXPECT_EQ(Str(balances["USDT/trade"], "holds"), "0");
  EXPECT_EQ(Str(balances["USDT/main"], "available"), "400");
  EXPECT_EQ(Str(balances["SOL/trade"], "available"), "0.5");
  const json::value& only_main = Ok(Get(taker, "/api/v1/accounts?type=main&currency=USDT"));
  ASSERT_EQ(only_main.as_array().size(), 1u);
  const std::string account_id = Str(only_main.as_array()[0], "id");
  const json::value& account = Ok(Get(taker, "/api/v1/accounts/" + account_id));
  EXPECT_EQ(Str(account, "currency"), "USDT");
  EXPECT_EQ(Str(account, "balance"), "400");
  ExpectBusiness(Get(maker, "/api/v1/accounts/" + account_id), "400100", "account not exist.");
  // The maker's SOL: 2 + 1 held by its asks, 0.5 sold.
  const json::value list2 = Ok(Get(maker, "/api/v1/accounts?currency=SOL"));
  for (const json::value& a : list2.as_array()) {
    EXPECT_EQ(Str(a, "holds"), "2.5");
    EXPECT_EQ(Str(a, "available"), "7");
  }

  // Ledgers: deposit, the two transfer legs and the trade.
  const json::value& ledger = Ok(Get(taker, "/api/v1/accounts/ledgers?currency=USDT"));
  std::multiset<std::string> kinds;
  for (const json::value& e : ledger.at("items").as_array()) {
    kinds.insert(Str(e, "bizType") + ":" + Str(e, "accountType") + ":" + Str(e, "direction"));
  }
  EXPECT_TRUE(kinds.count("Deposit:MAIN:in"));
  EXPECT_TRUE(kinds.count("Transfer:MAIN:out"));
  EXPECT_TRUE(kinds.count("Transfer:TRADE:in"));
  EXPECT_TRUE(kinds.count("Exchange:TRADE:out"));
  const json::value& transfers =
      Ok(Get(taker, "/api/v1/accounts/ledgers?currency=USDT&bizType=TRANSFER&direction=in"));
  EXPECT_EQ(transfers.at("totalNum"), 1);
  EXPECT_EQ(Ok(Get(taker, "/api/v1/accounts/ledgers?bizType=SUB_TRANSFER")).at("totalNum"), 0);
  const json::value& hf_ledger = Ok(Get(taker, "/api/v1/hf/accounts/ledgers?currency=SOL,USDT"));
  bool trade_context = false;
  for (const json::value& e : hf_ledger.as_array()) {
    EXPECT_EQ(Str(e, "accountType"), "TRADE");
    EXPECT_TRUE(e.at("createdAt").is_string());
    if (Str(e, "bizType") == "TRADE_EXCHANGE") {
      const json::value context = json::parse(Str(e, "context"));
      EXPECT_EQ(Str(context, "symbol"), "SOL-USDT");
      EXPECT_EQ(Str(context, "orderId"), taker_order);
      trade_context = true;
    }
  }
  EXPECT_TRUE(trade_context);
}

TEST_F(ExchangeTest, OrderRejectionsAreKuCoinsBusinessErrors) {
  const User user = NewUser();
  Deposit(user, "USDT", "100");
  auto place = [&](json::object body) {
    body.emplace("symbol", "BTC-USDT");
    body.emplace("side", "buy");
    return Post(user, "/api/v1/orders", body);
  };
  ExpectBusiness(place({{"price", "30000"}, {"size", "0.01"}}), "200004", "Balance insufficient!");
  ExpectBusiness(place({{"price", "30000.05"}, {"size", "0.001"}}), "600100",
                 "Price increment invalid.");
  ExpectBusiness(place({{"price", "30000"}, {"size", "0.000001"}}), "400100",
                 "Order size below the minimum requirement.");
  ExpectBusiness(place({{"price", "30000"}, {"size", "0.0000000001"}}), "600100",
                 "Order size increment invalid.");
  ExpectBusiness(place({{"price", "1"}, {"size", "0.01"}}), "600100",
                 "Funds below the minimum requirement.");
  ExpectBusiness(Post(user, "/api/v1/orders",
                      {{"symbol", "DOGE-USDT"}, {"side", "buy"}, {"price", "1"}, {"size", "1"}}),
                 "400100", "Unsupported trading pair.");
  ExpectBusiness(place({{"price", "100"}, {"size", "1"}, {"timeInForce", "GTT"}}), "400100",
                 "cancelAfter not in the given range!");
  // Malformed requests are gateway parameter errors (HTTP 400).
  ExpectParameterError(place({{"size", "0.001"}}));  // kucoin-node-sdk's HF helper
  ExpectParameterError(place({{"price", "abc"}, {"size", "0.001"}}));
  ExpectParameterError(place({{"price", "100"}, {"size", "0.001"}, {"timeInForce", "DAY"}}));
  const Reply not_json = Signed(user, http::verb::post, "/api/v1/orders", "{oops");
  EXPECT_EQ(not_json.status, 400u);
  EXPECT_EQ(not_json.code(), "400101");
  const Reply not_object = Signed(user, http::verb::post, "/api/v1/hf/orders", "[1,2]");
  EXPECT_EQ(not_object.code(), "400101");

  // A clientOid in use: KuCoin's duplicate answer, and nothing placed twice.
  Ok(place({{"price", "100"}, {"size", "0.001"}, {"clientOid", "dup-1"}}));
  ExpectBusiness(place({{"price", "100"}, {"size", "0.001"}, {"clientOid", "dup-1"}}), "400100",
                 "validation.createOrder.clientOidDuplicated");
  EXPECT_EQ(Ok(Get(user, "/api/v1/orders?status=active")).at("totalNum"), 1);

  // Cancel and query of orders that do not exist.
  ExpectBusiness(Delete(user, "/api/v1/orders/0123456789abcdef01234567"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  ExpectBusiness(Delete(user, "/api/v1/orders/not-an-id"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  ExpectBusiness(Get(user, "/api/v1/orders/0123456789abcdef01234567"), "400100",
                 "order not exist.");
  ExpectBusiness(Get(user, "/api/v1/order/client-order/none"), "400100", "order not exist.");
  ExpectBusiness(Delete(user, "/api/v1/hf/orders/client-order/none?symbol=BTC-USDT"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  ExpectParameterError(Delete(user, "/api/v1/hf/orders/0123456789abcdef01234567"));  // no symbol
}

TEST_F(ExchangeTest, PermissionsAndUids) {
  const User general = NewUser("General");
  const Reply refused =
      Post(general, "/api/v1/orders",
           {{"symbol", "BTC-USDT"}, {"side", "buy"}, {"price", "1"}, {"size", "1"}});
  EXPECT_EQ(refused.status, 403u);
  EXPECT_EQ(refused.code(), "400007");
  // Reading needs only General.
  Ok(Get(general, "/api/v1/accounts"));
  Ok(Get(general, "/api/v1/orders?status=active"));
  EXPECT_EQ(Ok(Get(general, "/api/v1/hf/accounts/opened")), false);
  EXPECT_EQ(Str(Ok(Get(general, "/api/ua/v1/account/mode")), "selfAccountMode"), "CLASSIC");
}

TEST_F(ExchangeTest, ClassicCancelsAndListings) {
  const User user = NewUser();
  Deposit(user, "USDT", "1000");
  const std::string a = Limit(user, "ETH-USDT", "buy", "100", "1", "c-a");
  const std::string b = Limit(user, "ETH-USDT", "buy", "101", "1", "c-b");
  const std::string c = Limit(user, "KCS-USDT", "buy", "5", "10");
  const std::string d = Limit(user, "ETH-USDT", "buy", "99", "1");

  const json::value& active = Ok(Get(user, "/api/v1/orders?status=active&symbol=ETH-USDT"));
  EXPECT_EQ(active.at("totalNum"), 3);
  EXPECT_EQ(active.at("currentPage"), 1);
  EXPECT_EQ(Str(active.at("items").as_array()[0], "id"), d);  // newest first
  const json::value& paged =
      Ok(Get(user, "/api/v1/orders?status=active&currentPage=2&pageSize=10"));
  EXPECT_EQ(paged.at("totalNum"), 4);
  EXPECT_EQ(paged.at("items"), json::array());
  ExpectParameterError(Get(user, "/api/v1/orders?status=open"));
  ExpectParameterError(Get(user, "/api/v1/orders?currentPage=0"));

  EXPECT_EQ(Ok(Delete(user, "/api/v1/orders/" + a)).at("cancelledOrderIds"),
            json::array({json::string(a)}));
  const json::value& by_oid = Ok(Delete(user, "/api/v1/order/client-order/c-b"));
  EXPECT_EQ(Str(by_oid, "cancelledOrderId"), b);
  EXPECT_EQ(Str(by_oid, "clientOid"), "c-b");
  EXPECT_TRUE(by_oid.at("cancelledOcoOrderIds").is_null());
  const json::value& rest = Ok(Delete(user, "/api/v1/orders?symbol=ETH-USDT&tradeType=TRADE"));
  EXPECT_EQ(rest.at("cancelledOrderIds"), json::array({json::string(d)}));

  const json::value& done = Ok(Get(user, "/api/v1/orders?status=done&symbol=ETH-USDT"));
  EXPECT_EQ(done.at("totalNum"), 3);
  for (const json::value& o : done.at("items").as_array()) {
    EXPECT_EQ(o.at("isActive"), false);
    EXPECT_EQ(o.at("cancelExist"), true);
  }
  EXPECT_EQ(Ok(Get(user, "/api/v1/orders?status=done&side=sell")).at("totalNum"), 0);
  EXPECT_EQ(Ok(Get(user, "/api/v1/limit/orders")).as_array().size(), 3u);
  // The KCS order is untouched; cancel-all without a symbol takes it.
  EXPECT_EQ(Ok(Delete(user, "/api/v1/orders")).at("cancelledOrderIds"),
            json::array({json::string(c)}));
  // Its hold is released.
  const json::value list3 = Ok(Get(user, "/api/v1/accounts?currency=USDT"));
  for (const json::value& acc : list3.as_array()) {
    EXPECT_EQ(Str(acc, "holds"), "0");
    EXPECT_EQ(Str(acc, "available"), "1000");
  }
}

TEST_F(ExchangeTest, HighFrequencyOrders) {
  const User user = NewUser();
  Deposit(user, "USDT", "1000");
  Deposit(user, "ETH", "5");
  const json::value& placed = Ok(Post(user, "/api/v1/hf/orders",
                                      {{"symbol", "ETH-USDT"},
                                       {"side", "buy"},
                                       {"type", "limit"},
                                       {"price", "100"},
                                       {"size", "1"},
                                       {"clientOid", "hf-1"},
                                       {"timeInForce", "GTC"},
                                       {"cancelAfter", -1},
                                       {"tradeType", "TRADE"}}));
  const std::string id = Str(placed, "orderId");
  EXPECT_EQ(Str(placed, "clientOid"), "hf-1");

  // A symbol that is not the order's: not found.
  ExpectBusiness(Get(user, "/api/v1/hf/orders/" + id + "?symbol=BTC-USDT"), "400100",
                 "order not exist.");
  ExpectBusiness(Delete(user, "/api/v1/hf/orders/" + id + "?symbol=BTC-USDT"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  const json::value& got = Ok(Get(user, "/api/v1/hf/orders/client-order/hf-1?symbol=ETH-USDT"));
  EXPECT_EQ(Str(got, "id"), id);
  EXPECT_EQ(Str(got, "funds"), "100");
  EXPECT_TRUE(got.at("stp").is_null());

  // Amend: a new id, the same clientOid.
  const json::value& altered =
      Ok(Post(user, "/api/v1/hf/orders/alter",
              {{"symbol", "ETH-USDT"}, {"orderId", id}, {"newPrice", "99"}, {"newSize", "2"}}));
  const std::string amended = Str(altered, "newOrderId");
  EXPECT_NE(amended, id);
  EXPECT_EQ(Str(altered, "clientOid"), "hf-1");
  const json::value& active = Ok(Get(user, "/api/v1/hf/orders/active?symbol=ETH-USDT"));
  ASSERT_EQ(active.as_array().size(), 1u);
  EXPECT_EQ(Str(active.as_array()[0], "price"), "99");
  EXPECT_EQ(Str(active.as_array()[0], "size"), "2");
  ExpectBusiness(Post(user, "/api/v1/hf/orders/alter",
                      {{"symbol", "ETH-USDT"}, {"orderId", id}, {"newPrice", "98"}}),
                 "400100", "order_not_exist_or_not_allow_to_cancel");

  // Batch: one good order, one below the minimum funds.
  const json::value& batch =
      Ok(Post(user, "/api/v1/hf/orders/multi",
              {{"orderList", json::array{json::object{{"symbol", "ETH-USDT"},
                                                      {"side", "sell"},
                                                      {"price", "200"},
                                                      {"size", "1"},
                                                      {"clientOid", "m1"}},
                                         json::object{{"symbol", "ETH-USDT"},
                                                      {"side", "sell"},
                                                      {"price", "0.01"},
                                                      {"size", "0.0001"}}}}}));
  ASSERT_EQ(batch.as_array().size(), 2u);
  EXPECT_EQ(batch.as_array()[0].at("success"), true);
  EXPECT_EQ(Str(batch.as_array()[0], "clientOid"), "m1");
  EXPECT_EQ(batch.as_array()[1].at("success"), false);
  EXPECT_EQ(Str(batch.as_array()[1], "failMsg"), "Funds below the minimum requirement.");
  const json::value& batch_sync =
      Ok(Post(user, "/api/v1/hf/orders/multi/sync",
              {{"orderList",
                json::array{json::object{
                    {"symbol", "ETH-USDT"}, {"side", "sell"}, {"price", "201"}, {"size", "1"}}}}}));
  EXPECT_EQ(Str(batch_sync.as_array()[0], "status"), "open");
  EXPECT_EQ(Str(batch_sync.as_array()[0], "remainSize"), "1");

  const json::value& symbols = Ok(Get(user, "/api/v1/hf/orders/active/symbols"));
  EXPECT_EQ(symbols.at("symbols"), json::array({"ETH-USDT"}));

  // Sync cancel reports the state after the cancel.
  const json::value& canceled =
      Ok(Delete(user, "/api/v1/hf/orders/sync/" + amended + "?symbol=ETH-USDT"));
  EXPECT_EQ(Str(canceled, "orderId"), amended);
  EXPECT_EQ(Str(canceled, "status"), "done");
  EXPECT_EQ(Str(canceled, "canceledSize"), "2");
  const json::value& by_oid = Ok(Delete(user, "/api/v1/hf/orders/client-order/m1?symbol=ETH-USDT"));
  EXPECT_EQ(Str(by_oid, "clientOid"), "m1");

  EXPECT_EQ(Ok(Delete(user, "/api/v1/hf/orders?symbol=ETH-USDT")), "success");
  EXPECT_EQ(Ok(Get(user, "/api/v1/hf/orders/active?symbol=ETH-USDT")), json::array());

  // Done orders, newest first, two per page with lastId.
  const json::value& page1 = Ok(Get(user, "/api/v1/hf/orders/done?symbol=ETH-USDT&limit=2"));
  ASSERT_EQ(page1.at("items").as_array().size(), 2u);
  const std::string last = json::serialize(page1.at("lastId"));
  const json::value& page2 =
      Ok(Get(user, "/api/v1/hf/orders/done?symbol=ETH-USDT&limit=2&lastId=" + last));
  std::set<std::string> seen;
  for (const json::value* page : {&page1, &page2}) {
    for (const json::value& o : page->at("items").as_array()) {
      EXPECT_EQ(o.at("active"), false);
      EXPECT_TRUE(seen.insert(Str(o, "id")).second);
    }
  }
  EXPECT_EQ(seen.size(), 4u);  // the first order, its amendment and the two sells

  // Cancel everything everywhere, with the symbols that had orders.
  Limit(user, "ETH-USDT", "buy", "50", "1");
  Limit(user, "KCS-USDT", "buy", "1", "1");
  const json::value& all = Ok(Delete(user, "/api/v1/hf/orders/cancelAll"));
  EXPECT_EQ(all.at("succeedSymbols"), json::array({"ETH-USDT", "KCS-USDT"}));
  EXPECT_EQ(all.at("failedSymbols"), json::array());
}

TEST_F(ExchangeTest, PartialCancelAndOpenOrdersByPage) {
  const User user = NewUser();
  Deposit(user, "USDT", "1000");
  const std::string id = Limit(user, "ETH-USDT", "buy", "100", "2");
  const std::string cancel = "/api/v1/hf/orders/cancel/" + id;
  ExpectParameterError(Delete(user, cancel + "?cancelSize=0.5"));   // no symbol
  ExpectParameterError(Delete(user, cancel + "?symbol=ETH-USDT"));  // no size
  ExpectParameterError(Delete(user, cancel + "?symbol=ETH-USDT&cancelSize=x"));
  ExpectBusiness(Delete(user, cancel + "?symbol=BTC-USDT&cancelSize=0.5"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  const json::value& part = Ok(Delete(user, cancel + "?symbol=ETH-USDT&cancelSize=0.5"));
  EXPECT_EQ(Str(part, "orderId"), id);
  EXPECT_EQ(Str(part, "cancelSize"), "0.5");
  const json::value& order = Ok(Get(user, "/api/v1/hf/orders/" + id + "?symbol=ETH-USDT"));
  EXPECT_EQ(order.at("active"), true);
  EXPECT_EQ(Str(order, "size"), "2");
  EXPECT_EQ(Str(order, "cancelledSize"), "0.5");
  EXPECT_EQ(Str(order, "remainSize"), "1.5");
  // The hold shrank with the order (150 USDT plus the fee hold).
  const json::value& accounts = Ok(Get(user, "/api/v1/accounts?currency=USDT&type=trade"));
  ASSERT_EQ(accounts.as_array().size(), 1u);
  EXPECT_LT(std::stod(Str(accounts.as_array()[0], "holds")), 151.0);
  EXPECT_GE(std::stod(Str(accounts.as_array()[0], "holds")), 150.0);

  // Open orders by page: pageNum / pageSize.
  for (int i = 0; i < 11; ++i) Limit(user, "ETH-USDT", "buy", std::to_string(50 + i), "1");
  const json::value& page2 =
      Ok(Get(user, "/api/v1/hf/orders/active/page?symbol=ETH-USDT&pageNum=2&pageSize=10"));
  EXPECT_EQ(page2.at("currentPage"), 2);
  EXPECT_EQ(page2.at("pageSize"), 10);
  EXPECT_EQ(page2.at("totalNum"), 12);
  EXPECT_EQ(page2.at("totalPage"), 2);
  ASSERT_EQ(page2.at("items").as_array().size(), 2u);
  EXPECT_EQ(Str(page2.at("items").as_array()[1], "id"), id);  // newest first: the oldest last
  ExpectParameterError(Get(user, "/api/v1/hf/orders/active/page?symbol=ETH-USDT&pageNum=0"));

  // Reaching the remainder cancels the order; then it is gone.
  const json::value& rest = Ok(Delete(user, cancel + "?symbol=ETH-USDT&cancelSize=5"));
  EXPECT_EQ(Str(rest, "cancelSize"), "1.5");
  ExpectBusiness(Delete(user, cancel + "?symbol=ETH-USDT&cancelSize=0.1"), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
}

TEST_F(ExchangeTest, PostOnlyThatWouldTakeAndUnfillableFokAreAcceptedThenCanceled) {
  const User maker = NewUser();
  const User taker = NewUser();
  Deposit(maker, "ETH", "10");
  Deposit(taker, "BTC", "1");
  Limit(maker, "ETH-BTC", "sell", "0.05", "1");
  const json::value& post_only = Ok(Post(taker, "/api/v1/hf/orders/sync",
                                         {{"symbol", "ETH-BTC"},
                                          {"side", "buy"},
                                          {"price", "0.05"},
                                          {"size", "1"},
                                          {"postOnly", true}}));
  EXPECT_EQ(Str(post_only, "status"), "done");
  EXPECT_EQ(Str(post_only, "dealSize"), "0");
  EXPECT_EQ(Str(post_only, "canceledSize"), "1");
  const json::value& fok = Ok(Post(taker, "/api/v1/hf/orders",
                                   {{"symbol", "ETH-BTC"},
                                    {"side", "buy"},
                                    {"price", "0.05"},
                                    {"size", "2"},
                                    {"timeInForce", "FOK"}}));
  const json::value& fok_order =
      Ok(Get(taker, "/api/v1/hf/orders/" + Str(fok, "orderId") + "?symbol=ETH-BTC"));
  EXPECT_EQ(fok_order.at("active"), false);
  EXPECT_EQ(fok_order.at("cancelExist"), true);
  EXPECT_EQ(Str(fok_order, "dealSize"), "0");
  // The maker's order is still there, untouched.
  const json::value& book = Ok(Get(taker, "/api/v1/market/orderbook/level2_20?symbol=ETH-BTC"));
  ASSERT_EQ(book.at("asks").as_array().size(), 1u);
  EXPECT_EQ(book.at("asks").as_array()[0], json::array({"0.05", "1"}));
}

TEST_F(ExchangeTest, DeadCancelAllSetsQueriesRenewsClearsAndFires) {
  const User user = NewUser();
  const User other = NewUser();
  Deposit(user, "USDT", "1000");
  Deposit(other, "USDT", "1000");
  const std::string path = "/api/v1/hf/orders/dead-cancel-all";
  EXPECT_EQ(Ok(Get(user, path + "/query")), nullptr);                 // unset
  ExpectParameterError(Post(user, path, {{"symbols", "ETH-USDT"}}));  // no timeout
  ExpectParameterError(Post(user, path, {{"timeout", "10"}}));        // not a number
  ExpectParameterError(Post(user, path, {{"timeout", 10}, {"symbols", 5}}));
  ExpectBusiness(Post(user, path, {{"timeout", 4}}), "400100", "timeout not in the given range!");
  ExpectBusiness(Post(user, path, {{"timeout", 86'401}}), "400100",
                 "timeout not in the given range!");
  ExpectBusiness(Post(user, path, {{"timeout", 10}, {"symbols", "ETH-USDT,NOPE-USDT"}}), "400100",
                 "Unsupported trading pair.");
  EXPECT_EQ(Ok(Get(user, path + "/query")), nullptr);  // refusals set nothing

  const std::string eth = Limit(user, "ETH-USDT", "buy", "100", "1");
  const std::string btc = Limit(user, "BTC-USDT", "buy", "10000", "0.01");
  const std::string others = Limit(other, "ETH-USDT", "buy", "100", "1");
  const json::value set = Ok(Post(user, path, {{"timeout", 60}, {"symbols", "ETH-USDT"}}));
  const std::int64_t now = set.at("currentTime").as_int64();
  EXPECT_NEAR(static_cast<double>(now), static_cast<double>(std::time(nullptr)), 5.0);
  EXPECT_EQ(set.at("triggerTime").as_int64(), now + 60);
  const json::value query = Ok(Get(user, path + "/query"));
  EXPECT_EQ(query.at("timeout"), 60);
  EXPECT_EQ(Str(query, "symbols"), "ETH-USDT");
  EXPECT_EQ(query.at("triggerTime").as_int64(), now + 60);
  EXPECT_GE(query.at("currentTime").as_int64(), now);
  // Posting again renews: a new timeout and pairs from now.
  const json::value renewed = Ok(Post(user, path, {{"timeout", 30}, {"symbols", "BTC-USDT"}}));
  EXPECT_EQ(renewed.at("triggerTime").as_int64(), renewed.at("currentTime").as_int64() + 30);
  EXPECT_EQ(Ok(Get(user, path + "/query")).at("timeout"), 30);
  EXPECT_EQ(Str(Ok(Get(user, path + "/query")), "symbols"), "BTC-USDT");

  // -1 clears; then a 5-second setting on all pairs fires unless renewed.
  const json::value cleared = Ok(Post(user, path, {{"timeout", -1}}));
  EXPECT_GE(cleared.at("currentTime").as_int64(), now);
  EXPECT_EQ(Ok(Get(user, path + "/query")), nullptr);
  const json::value armed = Ok(Post(user, path, {{"timeout", 5}, {"symbols", ""}}));
  EXPECT_EQ(Str(Ok(Get(user, path + "/query")), "symbols"), "");
  const auto active = [&](const User& u, const std::string& id) {
    return Ok(Get(u, "/api/v1/orders/" + id)).at("isActive") == true;
  };
  EXPECT_TRUE(active(user, eth));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  while (active(user, eth) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_FALSE(active(user, eth));
  EXPECT_FALSE(active(user, btc));
  EXPECT_TRUE(active(other, others));  // someone else's orders stay
  EXPECT_GE(std::time(nullptr), armed.at("triggerTime").as_int64());
  EXPECT_EQ(Ok(Get(user, path + "/query")), nullptr);  // fired once, then cleared
}

TEST_F(ExchangeTest, StopOrdersPlaceListQueryTriggerAndCancel) {
  const User user = NewUser();
  const User maker = NewUser();
  const User taker = NewUser();
  Deposit(user, "USDT", "1000");
  Deposit(user, "ETH", "10");
  Deposit(maker, "ETH", "10");
  Deposit(taker, "USDT", "10000");
  const std::string path = "/api/v1/stop-order";
  ExpectParameterError(Post(user, path,
                            {{"symbol", "ETH-USDT"},
                             {"side", "buy"},
                             {"price", "120"},
                             {"size", "1"},
                             {"clientOid", "no-stop-price"}}));
  ExpectParameterError(Post(user, path,
                            {{"symbol", "ETH-USDT"},
                             {"side", "buy"},
                             {"price", "120"},
                             {"size", "1"},
                             {"stopPrice", "110"},
                             {"stop", "up"}}));
  ExpectBusiness(Post(user, path,
                      {{"symbol", "ETH-USDT"},
                       {"side", "buy"},
                       {"price", "120"},
                       {"size", "100"},
                       {"stopPrice", "110"}}),
                 "200004", "Balance insufficient!");

  // A loss buy at 110 (limit 120) and an entry sell at 130 (its clientOid).
  const json::value buy = Ok(Post(user, path,
                                  {{"symbol", "ETH-USDT"},
                                   {"side", "buy"},
                                   {"type", "limit"},
                                   {"price", "120"},
                                   {"size", "1"},
                                   {"stop", "loss"},
                                   {"stopPrice", "110"},
                                   {"clientOid", "stop-buy"}}));
  const std::string buy_id = Str(buy, "orderId");
  const json::value sell = Ok(Post(user, path,
                                   {{"symbol", "ETH-USDT"},
                                    {"side", "sell"},
                                    {"price", "130"},
                                    {"size", "2"},
                                    {"stop", "entry"},
                                    {"stopPrice", "130"},
                                    {"clientOid", "stop-sell"}}));
  const std::string sell_id = Str(sell, "orderId");
  const json::value one = Ok(Get(user, path + "/" + buy_id));
  EXPECT_EQ(Str(one, "id"), buy_id);
  EXPECT_EQ(Str(one, "status"), "NEW");
  EXPECT_EQ(Str(one, "stop"), "loss");
  EXPECT_EQ(Str(one, "stopPrice"), "110");
  EXPECT_EQ(Str(one, "price"), "120");
  EXPECT_EQ(Str(one, "size"), "1");
  EXPECT_EQ(Str(one, "clientOid"), "stop-buy");
  EXPECT_EQ(one.at("timeInForce"), "GTC");
  // Held like a limit order, not in the book, not among open orders.
  const json::value accounts = Ok(Get(user, "/api/v1/accounts?currency=USDT&type=trade"));
  EXPECT_EQ(Str(accounts.as_array()[0], "holds"), "120.12");
  EXPECT_EQ(Ok(Get(user, "/api/v1/orders?status=active")).at("totalNum"), 0);
  const json::value list = Ok(Get(user, path + "?symbol=ETH-USDT"));
  EXPECT_EQ(list.at("totalNum"), 2);
  EXPECT_EQ(Str(list.at("items").as_array()[0], "id"), sell_id);  // newest first
  EXPECT_EQ(Ok(Get(user, path + "?side=buy")).at("totalNum"), 1);
  EXPECT_EQ(Ok(Get(user, path + "?symbol=BTC-USDT")).at("totalNum"), 0);
  const json::value by_oid = Ok(Get(user, path + "/queryOrderByClientOid?clientOid=stop-sell"));
  ASSERT_EQ(by_oid.as_array().size(), 1u);
  EXPECT_EQ(Str(by_oid.as_array()[0], "id"), sell_id);
  ExpectBusiness(Get(maker, path + "/" + buy_id), "400100", "order not exist.");

  // A trade at 110 triggers the buy: a regular order under the same id.
  Limit(maker, "ETH-USDT", "sell", "110", "0.1");
  Limit(taker, "ETH-USDT", "buy", "110", "0.1");
  // Kept as a stop order that triggered, with the time it did.
  const json::value triggered = Ok(Get(user, path + "/" + buy_id));
  EXPECT_EQ(Str(triggered, "status"), "TRIGGERED");
  EXPECT_TRUE(triggered.at("stopTriggerTime").is_int64());
  EXPECT_EQ(Ok(Get(user, path + "?symbol=ETH-USDT")).at("totalNum"), 1);  // the sell waits
  const json::value placed = Ok(Get(user, "/api/v1/orders/" + buy_id));
  EXPECT_EQ(placed.at("isActive"), true);
  EXPECT_EQ(Str(placed, "price"), "120");

  // Cancels: by clientOid, by id (already gone), by symbol.
  const json::value c1 =
      Ok(Delete(user, path + "/cancelOrderByClientOid?clientOid=stop-sell&symbol=ETH-USDT"));
  EXPECT_EQ(Str(c1, "cancelledOrderId"), sell_id);
  EXPECT_EQ(Str(c1, "clientOid"), "stop-sell");
  ExpectBusiness(Delete(user, path + "/" + sell_id), "400100",
                 "order_not_exist_or_not_allow_to_cancel");
  std::vector<std::string> ids;
  for (const char* stop_price : {"90", "95", "99"}) {
    ids.push_back(Str(Ok(Post(user, path,
                              {{"symbol", "ETH-USDT"},
                               {"side", "sell"},
                               {"price", "80"},
                               {"size", "1"},
                               {"stopPrice", stop_price}})),
                      "orderId"));
  }
  const json::value c2 = Ok(Delete(user, path + "/" + ids[0]));
  EXPECT_EQ(c2.at("cancelledOrderIds"), json::array({json::string(ids[0])}));
  const json::value c3 = Ok(Delete(user, path + "/cancel?orderIds=" + ids[1] + "," + ids[0]));
  EXPECT_EQ(c3.at("cancelledOrderIds"), json::array({json::string(ids[1])}));
  const json::value c4 = Ok(Delete(user, path + "/cancel?symbol=ETH-USDT"));
  EXPECT_EQ(c4.at("cancelledOrderIds"), json::array({json::string(ids[2])}));
  EXPECT_EQ(Ok(Get(user, path)).at("totalNum"), 0);
  const json::value eth = Ok(Get(user, "/api/v1/accounts?currency=ETH&type=trade"));
  EXPECT_EQ(Str(eth.as_array()[0], "holds"), "0");
}

TEST_F(ExchangeTest, TestRoutesAndClassicBatch) {
  const User user = NewUser();
  Deposit(user, "USDT", "100");
  const json::value& tested =
      Ok(Post(user, "/api/v1/orders/test",
              {{"symbol", "BTC-USDT"}, {"side", "buy"}, {"price", "30000"}, {"size", "0.001"}}));
  EXPECT_EQ(Str(tested, "orderId").size(), 24u);
  const json::value& hf_tested = Ok(Post(user, "/api/v1/hf/orders/test",
                                         {{"symbol", "BTC-USDT"},
                                          {"side", "buy"},
                                          {"price", "30000"},
                                          {"size", "0.001"},
                                          {"clientOid", "t1"}}));
  EXPECT_EQ(Str(hf_tested, "clientOid"), "t1");
  ExpectBusiness(
      Post(user, "/api/v1/orders/test",
           {{"symbol", "BTC-USDT"}, {"side", "buy"}, {"price", "30000.01"}, {"size", "0.001"}}),
      "600100", "Price increment invalid.");
  // Nothing was placed, nothing is held.
  EXPECT_EQ(Ok(Get(user, "/api/v1/orders?status=active")).at("totalNum"), 0);
  ExpectBusiness(Get(user, "/api/v1/orders/" + Str(tested, "orderId")), "400100",
                 "order not exist.");

  const json::value& batch = Ok(Post(user, "/api/v1/orders/multi",
                                     {{"symbol", "BTC-USDT"},
                                      {"orderList", json::array{json::object{{"clientOid", "b1"},
                                                                             {"side", "buy"},
                                                                             {"type", "limit"},
                                                                             {"price", "30000"},
                                                                             {"size", "0.001"}},
                                                                json::object{{"clientOid", "b2"},
                                                                             {"side", "buy"},
                                                                             {"type", "limit"},
                                                                             {"price", "30000"},
                                                                             {"size", "1"}}}}}));
  const json::array& items = batch.at("data").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(Str(items[0], "status"), "success");
  EXPECT_EQ(Str(items[0], "id").size(), 24u);
  EXPECT_EQ(Str(items[0], "symbol"), "BTC-USDT");
  EXPECT_EQ(Str(items[0], "price"), "30000");
  EXPECT_TRUE(items[0].at("failMsg").is_null());
  EXPECT_EQ(Str(items[1], "status"), "fail");
  EXPECT_EQ(Str(items[1], "failMsg"), "Balance insufficient!");
  EXPECT_EQ(Str(items[1], "clientOid"), "b2");
  ExpectParameterError(
      Post(user, "/api/v1/orders/multi", {{"symbol", "BTC-USDT"}, {"orderList", json::array()}}));
}

TEST_F(ExchangeTest, InnerTransferRefusals) {
  const User user = NewUser();
  Deposit(user, "USDT", "10", engine::AccountType::kMain);
  auto transfer = [&](const std::string& amount, const std::string& from, const std::string& to,
                      const std::string& currency = "USDT") {
    return Post(user, "/api/v2/accounts/inner-transfer",
                {{"clientOid", "x"},
                 {"currency", currency},
                 {"from", from},
                 {"to", to},
                 {"amount", amount}});
  };
  ExpectBusiness(transfer("11", "main", "trade"), "200004", "Balance insufficient!");
  ExpectBusiness(transfer("1", "main", "main"), "400100",
                 "The payment and receiving accounts are the same.");
  ExpectBusiness(transfer("1", "main", "trade", "NOPE"), "400100", "Currency does not exist.");
  ExpectParameterError(transfer("1", "main", "margin"));
  ExpectParameterError(transfer("-1", "main", "trade"));
  ExpectParameterError(Post(user, "/api/v2/accounts/inner-transfer",
                            {{"currency", "USDT"}, {"from", "main"}, {"to", "trade"}}));
  Ok(transfer("10", "main", "trade"));
}

TEST_F(ExchangeTest, TheOfficialSdksUndefinedParametersMeanAbsent) {
  // kucoin-universal-sdk sends every unset optional parameter as "undefined".
  const User user = NewUser();
  const json::value fills = Ok(Get(user,
                                   "/api/v1/hf/fills?limit=20&symbol=ETH-USDT&orderId=undefined&"
                                   "side=undefined&type=undefined&lastId=undefined&"
                                   "startAt=undefined&endAt=undefined"));
  EXPECT_EQ(fills.at("items"), json::array());
  const json::value symbols = Ok(client().Get("/api/v2/symbols?market=undefined"));
  EXPECT_EQ(symbols.as_array().size(), engine::DefaultMarkets().symbols.size());
  const json::value orders =
      Ok(Get(user, "/api/v1/orders?status=active&currentPage=undefined&pageSize=undefined"));
  EXPECT_EQ(orders.at("pageSize"), 50);
}

TEST(MarketsConfigTest, MarketsSectionReplacesTheDefaults) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("kcgate-markets-" + std::to_string(::getpid()) + ".toml");
  {
    std::ofstream out(path);
    out << R"([[markets.currencies]]
currency = "DOGE"
full_name = "Dogecoin"
precision = 4
[[markets.currencies]]
currency = "USDT"
precision = 6
[[markets.symbols]]
symbol = "DOGE-USDT"
base = "DOGE"
quote = "USDT"
base_increment = "0.01"
price_increment = "0.0001"
quote_increment = "0.000001"
base_min_size = "1"
base_max_size = "1000000"
quote_max_size = "1000000"
maker_fee_rate = "0.001"
taker_fee_rate = "0.002"
)";
  }
  const app::Config config = app::LoadConfig(path.string());
  ASSERT_TRUE(config.markets);
  ASSERT_EQ(config.markets->symbols.size(), 1u);
  const engine::SymbolSpec& doge = config.markets->symbol(0);
  EXPECT_EQ(doge.symbol, "DOGE-USDT");
  EXPECT_EQ(doge.base_increment, 100);  // 0.01 at scale 4
  EXPECT_EQ(doge.taker_fee_rate, 200'000);
  EXPECT_EQ(config.markets->currency(0).full_name, "Dogecoin");
  {
    std::ofstream out(path);
    out << "[[markets.symbols]]\nsymbol = \"X-Y\"\nbase = \"X\"\nquote = \"Y\"\n";
  }
  EXPECT_THROW(app::LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
  // No [markets] section: the defaults.
  EXPECT_FALSE(app::Config{}.markets);
}

}  // namespace
}  // namespace kc
