// The exact text of every push message kind, produced from real engine events
// (an engine::Exchange driven by commands), against KuCoin's examples
// (../shared/reference/kucoin-universal-sdk-ws-spot-examples.json).
#include "push/feed_messages.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "push/feed_test_util.h"

namespace kc::push {
namespace {

using engine::Side;
using engine::testing::U;
using testing::FeedFixture;

namespace json = boost::json;

// Engine time of the fixture's n-th command (ExchangeFixture adds 1 us each).
constexpr std::int64_t kBaseNs = 1'700'000'000LL * 1'000'000'000LL;
std::string Ns(int command) { return std::to_string(kBaseNs + 1000LL * command); }

std::vector<std::string> Keys(const json::value& v) {
  std::vector<std::string> keys;
  for (const auto& kv : v.as_object()) keys.emplace_back(kv.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

class FeedMessagesTest : public FeedFixture {
 protected:
  // uid 2 rests a sell of 0.01 BTC at 50000; uid 1 takes 0.004 of it.
  // Commands: 1, 2 deposits; 3 the maker; 4 the taker.
  void Trade() {
    Deposit(2, "BTC", "1");
    Deposit(1, "USDT", "1000");
    maker_ = Do(Limit(2, Side::kSell, "50000", "0.01")).order_id.ToString();
    auto taker = Limit(1, Side::kBuy, "50000", "0.004");
    taker.client_oid = *engine::ClientOid::From("c-1");
    taker_ = Do(taker).order_id.ToString();
  }
  std::string maker_, taker_;
};

TEST_F(FeedMessagesTest, Level2UpdateCarriesTheBookSequence) {
  pub_.Subscribe("/market/level2:BTC-USDT");
  Deposit(1, "USDT", "1000");
  Do(Limit(1, Side::kBuy, "50000", "0.01"));
  const auto sent = pub_.To("/market/level2:BTC-USDT");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(*sent[0].frame,
            R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update",)"
            R"("data":{"changes":{"asks":[],"bids":[["50000","0.01","1"]]},"sequenceEnd":1,)"
            R"("sequenceStart":1,"symbol":"BTC-USDT","time":1700000000000}})");
  EXPECT_EQ(sent[0].uid, 0);
}

// All of one symbol's changes handed on together (one engine batch) go out in
// one message, in sequence order, under the first and last sequence.
TEST_F(FeedMessagesTest, Level2ChangesOfOneBatchShareAMessage) {
  pub_.Subscribe("/market/level2:BTC-USDT");
  Deposit(1, "USDT", "2000");
  Deposit(2, "BTC", "1");
  pub_.sent.clear();
  Run(Limit(1, Side::kBuy, "50000", "0.01"));
  Run(Limit(1, Side::kBuy, "49999", "0.01"));
  Run(Limit(2, Side::kSell, "50001", "0.02"));
  events_.FlushTo(feed_);
  const auto sent = pub_.To("/market/level2:BTC-USDT");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(*sent[0].frame,
            R"({"type":"message","topic":"/market/level2:BTC-USDT","subject":"trade.l2update",)"
            R"("data":{"changes":{"asks":[["50001","0.02","3"]],)"
            R"("bids":[["50000","0.01","1"],["49999","0.01","2"]]},"sequenceEnd":3,)"
            R"("sequenceStart":1,"symbol":"BTC-USDT","time":1700000000000}})");
}

TEST_F(FeedMessagesTest, MatchIsTradeL3Match) {
  pub_.Subscribe("/market/match:BTC-USDT");
  Trade();
  const auto sent = pub_.To("/market/match:BTC-USDT");
  ASSERT_EQ(sent.size(), 1u);
  // Book sequence 2: the maker's level appeared (1), then shrank (2).
  EXPECT_EQ(*sent[0].frame,
            R"({"type":"message","topic":"/market/match:BTC-USDT","subject":"trade.l3match",)"
            R"("data":{"makerOrderId":")" +
                maker_ +
                R"(","price":"50000","sequence":"2","side":"buy","size":"0.004",)"
                R"("symbol":"BTC-USDT","takerOrderId":")" +
                taker_ + R"(","time":")" + Ns(4) + R"(","tradeId":"1","type":"match"}})");
}

TEST_F(FeedMessagesTest, CandlesAddThenUpdate) {
  pub_.Subscribe("/market/candles:BTC-USDT_1min");
  pub_.Subscribe("/market/candles:BTC-USDT_1hour");
  Trade();
  Do(Limit(1, Side::kBuy, "50000", "0.006"));  // command 5 takes the rest
  const auto minute = pub_.To("/market/candles:BTC-USDT_1min");
  ASSERT_EQ(minute.size(), 2u);
  // 1700000000 s is 1699999980 + 20: the minute started at 1699999980.
  EXPECT_EQ(*minute[0].frame,
            R"({"type":"message","topic":"/market/candles:BTC-USDT_1min",)"
            R"("subject":"trade.candles.add","data":{"symbol":"BTC-USDT","candles":)"
            R"(["1699999980","50000","50000","50000","50000","0.004","200"],"time":)" +
                Ns(4) + "}}");
  EXPECT_EQ(*minute[1].frame,
            R"({"type":"message","topic":"/market/candles:BTC-USDT_1min",)"
            R"("subject":"trade.candles.update","data":{"symbol":"BTC-USDT","candles":)"
            R"(["1699999980","50000","50000","50000","50000","0.01","500"],"time":)" +
                Ns(5) + "}}");
  const auto hour = pub_.To("/market/candles:BTC-USDT_1hour");
  ASSERT_EQ(hour.size(), 2u);
  EXPECT_EQ(hour[1].json().at("data").at("candles").at(0), "1699999200");
  EXPECT_TRUE(pub_.To("/market/candles:BTC-USDT_5min").empty());  // nobody listens
}

TEST_F(FeedMessagesTest, OrderChangeV2ForEveryType) {
  pub_.Subscribe("/spotMarket/tradeOrdersV2", 1);
  pub_.Subscribe("/spotMarket/tradeOrdersV2", 2);
  Trade();
  const auto sent = pub_.To("/spotMarket/tradeOrdersV2");
  std::vector<std::string> kinds;
  for (const auto& s : sent) {
    kinds.push_back(std::to_string(s.uid) + ":" +
                    std::string(s.json().at("data").at("type").as_string()) + ":" +
                    std::string(s.json().at("data").at("status").as_string()));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"2:received:new", "2:open:open", "1:received:new",
                                             "2:match:open", "1:match:match", "1:filled:done"}));
  const std::string envelope =
      R"({"type":"message","topic":"/spotMarket/tradeOrdersV2","subject":"orderChange",)";
  EXPECT_EQ(*sent[0].frame,
            envelope +
                R"("userId":"2","channelType":"private","data":{"clientOid":"",)"
                R"("orderId":")" +
                maker_ +
                R"(","orderTime":1700000000000,"orderType":"limit","originSize":"0.01",)"
                R"("price":"50000","side":"sell","status":"new","symbol":"BTC-USDT","ts":)" +
                Ns(3) + R"(,"type":"received"}})");
  EXPECT_EQ(*sent[1].frame,
            envelope +
                R"("userId":"2","channelType":"private","data":{"canceledSize":"0",)"
                R"("clientOid":"","filledSize":"0","orderId":")" +
                maker_ +
                R"(","orderTime":1700000000000,"orderType":"limit","originSize":"0.01",)"
                R"("price":"50000","remainSize":"0.01","side":"sell","size":"0.01",)"
                R"("status":"open","symbol":"BTC-USDT","ts":)" +
                Ns(3) + R"(,"type":"open"}})");
  EXPECT_EQ(*sent[3].frame,
            envelope +
                R"("userId":"2","channelType":"private","data":{"canceledSize":"0",)"
                R"("clientOid":"","feeType":"makerFee","filledSize":"0.004",)"
                R"("liquidity":"maker","matchPrice":"50000","matchSize":"0.004",)"
                R"("orderId":")" +
                maker_ +
                R"(","orderTime":1700000000000,"orderType":"limit","originSize":"0.01",)"
                R"("price":"50000","remainSize":"0.006","side":"sell","size":"0.01",)"
                R"("status":"open","symbol":"BTC-USDT","tradeId":"1","ts":)" +
                Ns(4) + R"(,"type":"match"}})");
  EXPECT_EQ(*sent[4].frame,
            envelope +
                R"("userId":"1","channelType":"private","data":{"canceledSize":"0",)"
                R"("clientOid":"c-1","feeType":"takerFee","filledSize":"0.004",)"
                R"("liquidity":"taker","matchPrice":"50000","matchSize":"0.004",)"
                R"("orderId":")" +
                taker_ +
                R"(","orderTime":1700000000000,"orderType":"limit","originSize":"0.004",)"
                R"("price":"50000","remainSize":"0","side":"buy","size":"0.004",)"
                R"("status":"match","symbol":"BTC-USDT","tradeId":"1","ts":)" +
                Ns(4) + R"(,"type":"match"}})");
  EXPECT_EQ(*sent[5].frame,
            envelope +
                R"("userId":"1","channelType":"private","data":{"canceledSize":"0",)"
                R"("clientOid":"c-1","filledSize":"0.004","orderId":")" +
                taker_ +
                R"(","orderTime":1700000000000,"orderType":"limit","originSize":"0.004",)"
                R"("price":"50000","remainSize":"0","side":"buy","size":"0.004",)"
                R"("status":"done","symbol":"BTC-USDT","ts":)" +
                Ns(4) + R"(,"type":"filled"}})");
  for (const auto& s : sent) EXPECT_EQ(s.uid, s.json().at("userId") == "1" ? 1 : 2);
}

TEST_F(FeedMessagesTest, OrderChangeV1HasNoReceived) {
  pub_.Subscribe("/spotMarket/tradeOrders", 2);
  Trade();
  const auto sent = pub_.To("/spotMarket/tradeOrders");
  ASSERT_EQ(sent.size(), 2u);  // open, match: uid 1 is not subscribed
  EXPECT_EQ(sent[0].json().at("data").at("type"), "open");
  EXPECT_EQ(sent[1].json().at("data").at("type"), "match");
  EXPECT_EQ(sent[0].json().at("topic"), "/spotMarket/tradeOrders");
  EXPECT_TRUE(pub_.To("/spotMarket/tradeOrdersV2").empty());
}

TEST_F(FeedMessagesTest, CancelAndUpdateAndMarketByFunds) {
  pub_.Subscribe("/spotMarket/tradeOrdersV2", 1);
  Deposit(1, "USDT", "1000");
  Deposit(1, "BTC", "1");
  const auto id = Do(Limit(1, Side::kBuy, "40000", "0.01")).order_id;
  ASSERT_TRUE(Do(engine::CancelOrder{1, id}).ok());
  auto canceled = pub_.To("/spotMarket/tradeOrdersV2").back().json().at("data");
  EXPECT_EQ(canceled.at("type"), "canceled");
  EXPECT_EQ(canceled.at("status"), "done");
  EXPECT_EQ(canceled.at("canceledSize"), "0.01");
  EXPECT_EQ(canceled.at("remainSize"), "0");
  // Self-trade prevention DC decreases the resting order: type update, oldSize.
  Do(Limit(1, Side::kSell, "50000", "0.01"));
  auto taker = Limit(1, Side::kBuy, "50000", "0.004");
  taker.stp = engine::Stp::kDc;
  Do(taker);
  bool saw_update = false;
  for (const auto& s : pub_.To("/spotMarket/tradeOrdersV2")) {
    const auto data = s.json().at("data");
    if (data.at("type") != "update") continue;
    saw_update = true;
    EXPECT_EQ(data.at("oldSize"), "0.01");
    EXPECT_EQ(data.at("size"), "0.006");
    EXPECT_EQ(data.at("status"), "open");
  }
  EXPECT_TRUE(saw_update);
  // A market buy by funds reports remainFunds and no price. It takes uid 1's
  // remaining 0.006 at 50000: 120 USDT buy 0.0024.
  pub_.Subscribe("/spotMarket/tradeOrdersV2", 5);
  Deposit(5, "USDT", "1000");
  Do(Market(5, Side::kBuy, "", "120"));
  std::vector<json::value> mine;
  for (const auto& s : pub_.To("/spotMarket/tradeOrdersV2")) {
    if (s.uid == 5) mine.push_back(s.json().at("data"));
  }
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0].at("type"), "received");
  EXPECT_EQ(mine[0].at("orderType"), "market");
  EXPECT_EQ(mine[0].at("originSize"), "0");
  EXPECT_FALSE(mine[0].as_object().contains("price"));
  EXPECT_EQ(mine[1].at("type"), "match");
  EXPECT_EQ(mine[1].at("matchSize"), "0.0024");
  EXPECT_EQ(mine[1].at("remainFunds"), "0");
  EXPECT_EQ(mine[2].at("type"), "filled");
  EXPECT_EQ(mine[2].at("remainFunds"), "0");
  EXPECT_EQ(mine[2].at("filledSize"), "0.0024");
}

TEST_F(FeedMessagesTest, BalanceDepositAndHold) {
  pub_.Subscribe("/account/balance", 1);
  Deposit(1, "USDT", "1000");
  const std::string account = Acct(1, "USDT")->id.ToString();
  const auto order = Do(Limit(1, Side::kBuy, "50000", "0.01")).order_id.ToString();
  const auto sent = pub_.To("/account/balance");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(*sent[0].frame,
            R"({"type":"message","topic":"/account/balance","subject":"account.balance",)"
            R"("id":"1","userId":"1","channelType":"private","data":{"accountId":")" +
                account +
                R"(","available":"1000","availableChange":"1000","currency":"USDT",)"
                R"("hold":"0","holdChange":"0","relationContext":{},)"
                R"("relationEvent":"trade.deposit","relationEventId":"1",)"
                R"("time":"1700000000000","total":"1000"}})");
  EXPECT_EQ(*sent[1].frame,
            R"({"type":"message","topic":"/account/balance","subject":"account.balance",)"
            R"("id":"2","userId":"1","channelType":"private","data":{"accountId":")" +
                account +
                R"(","available":"499.5","availableChange":"-500.5","currency":"USDT",)"
                R"("hold":"500.5","holdChange":"500.5","relationContext":{"orderId":")" +
                order +
                R"(","symbol":"BTC-USDT"},"relationEvent":"trade.hold",)"
                R"("relationEventId":"2","time":"1700000000000","total":"1000"}})");
}

// /spotMarket/advancedOrders: the official SDK's StopOrderEvent, for open,
// triggered and cancel, to the owner only.
TEST_F(FeedMessagesTest, StopOrderOpenTriggeredAndCancel) {
  pub_.Subscribe("/spotMarket/advancedOrders", 1);
  Deposit(1, "USDT", "10000");  // command 1
  engine::PlaceStopOrder stop{Limit(1, Side::kBuy, "70000", "0.001"), engine::StopKind::kLoss,
                              U("50000")};
  const auto id = Do(stop).order_id.ToString();  // command 2
  const auto sent = pub_.To("/spotMarket/advancedOrders");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].uid, 1);
  EXPECT_EQ(*sent[0].frame,
            R"({"type":"message","topic":"/spotMarket/advancedOrders","subject":"stopOrder",)"
            R"("userId":"1","channelType":"private","data":{"orderId":")" +
                id +
                R"(","orderPrice":"70000","orderType":"stop","side":"buy","size":"0.001",)"
                R"("stop":"loss","stopPrice":"50000","symbol":"BTC-USDT","tradeType":"TRADE",)"
                R"("type":"open","createdAt":1700000000000,"ts":)" +
                Ns(2) + "}}");
  // A trade at 50000 triggers it.
  Deposit(2, "BTC", "1");
  Deposit(3, "USDT", "10000");
  Do(Limit(2, Side::kSell, "50000", "0.01"));
  Do(Limit(3, Side::kBuy, "50000", "0.001"));
  auto frames = pub_.To("/spotMarket/advancedOrders");
  ASSERT_EQ(frames.size(), 2u);
  const json::value triggered = frames[1].json();
  EXPECT_EQ(triggered.at("data").at("type"), "triggered");
  EXPECT_EQ(triggered.at("data").at("orderId"), json::value(id));
  // A market stop order by funds, then canceled.
  engine::PlaceStopOrder market{Market(1, Side::kBuy, "", "100"), engine::StopKind::kEntry,
                                U("40000")};
  const auto market_id = Do(market).order_id;
  Do(engine::CancelStopOrders{1, market_id, {}, std::nullopt});
  frames = pub_.To("/spotMarket/advancedOrders");
  ASSERT_EQ(frames.size(), 4u);
  const json::value open = frames[2].json().at("data");
  EXPECT_EQ(open.at("orderPrice"), "");
  EXPECT_EQ(open.at("size"), "100");
  EXPECT_EQ(open.at("stop"), "entry");
  EXPECT_EQ(frames[3].json().at("data").at("type"), "cancel");
  EXPECT_EQ(
      Keys(frames[3].json().at("data")),
      (std::vector<std::string>{"createdAt", "orderId", "orderPrice", "orderType", "side", "size",
                                "stop", "stopPrice", "symbol", "tradeType", "ts", "type"}));
}

TEST_F(FeedMessagesTest, TickerDepthAndSnapshotFromTheExchange) {
  Trade();
  TopOfBook top;
  top.sequence = ex_.book(Sym("BTC-USDT")).sequence();
  top.best_ask = ex_.book(Sym("BTC-USDT")).BestVisible(Side::kSell);
  top.last_trade = ex_.market_data(Sym("BTC-USDT")).LastTrade();
  const std::int64_t now = kBaseNs + 5'000'000;  // 5 ms later
  EXPECT_EQ(TickerMessage(ex_.markets(), "/market/ticker:BTC-USDT", "trade.ticker", Sym("BTC-USDT"),
                          top, now),
            R"({"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker",)"
            R"("data":{"bestAsk":"50000","bestAskSize":"0.006","bestBid":null,)"
            R"("bestBidSize":null,"price":"50000","sequence":"2","size":"0.004",)"
            R"("time":1700000000005}})");
  EXPECT_EQ(
      TickerMessage(ex_.markets(), "/market/ticker:all", "BTC-USDT", Sym("BTC-USDT"), top, now)
          .substr(0, 76),
      R"({"type":"message","topic":"/market/ticker:all","subject":"BTC-USDT","data":{)");
  std::vector<engine::BookLevel> bids, asks;
  ex_.book(Sym("BTC-USDT")).Snapshot(5, &bids, &asks);
  EXPECT_EQ(DepthMessage(ex_.markets(), "/spotMarket/level2Depth5:BTC-USDT", Sym("BTC-USDT"), bids,
                         asks, now),
            R"({"type":"message","topic":"/spotMarket/level2Depth5:BTC-USDT","subject":"level2",)"
            R"("data":{"asks":[["50000","0.006"]],"bids":[],"timestamp":1700000000005}})");
  // level1: one flat [price, size] per side, [] for an empty side.
  EXPECT_EQ(
      Level1Message(ex_.markets(), "/spotMarket/level1:BTC-USDT", Sym("BTC-USDT"), bids, asks, now),
      R"({"type":"message","topic":"/spotMarket/level1:BTC-USDT","subject":"level1",)"
      R"("data":{"asks":["50000","0.006"],"bids":[],"timestamp":1700000000005}})");

  SnapshotData s;
  s.top = top;
  s.day = ex_.market_data(Sym("BTC-USDT")).Stats(now);
  s.hour = Window(ex_.market_data(Sym("BTC-USDT")), now, 3600);
  s.four_hours = Window(ex_.market_data(Sym("BTC-USDT")), now, 4 * 3600);
  const std::string text =
      SnapshotMessage(ex_.markets(), "/market/snapshot:BTC-USDT", Sym("BTC-USDT"), s, now);
  const json::value v = json::parse(text);
  EXPECT_EQ(v.at("type"), "message");
  EXPECT_EQ(v.at("topic"), "/market/snapshot:BTC-USDT");
  EXPECT_EQ(v.at("subject"), "trade.snapshot");
  EXPECT_EQ(v.at("data").at("sequence"), "2");
  const json::value& d = v.at("data").at("data");
  // The field set of KuCoin's example, numbers as JSON numbers.
  EXPECT_EQ(Keys(d), (std::vector<std::string>{"askSize",
                                               "averagePrice",
                                               "baseCurrency",
                                               "bidSize",
                                               "board",
                                               "buy",
                                               "changePrice",
                                               "changeRate",
                                               "close",
                                               "datetime",
                                               "high",
                                               "lastTradedPrice",
                                               "low",
                                               "makerCoefficient",
                                               "makerFeeRate",
                                               "marginTrade",
                                               "mark",
                                               "market",
                                               "marketChange1h",
                                               "marketChange24h",
                                               "marketChange4h",
                                               "markets",
                                               "open",
                                               "quoteCurrency",
                                               "sell",
                                               "siteTypes",
                                               "sort",
                                               "symbol",
                                               "symbolCode",
                                               "takerCoefficient",
                                               "takerFeeRate",
                                               "trading",
                                               "vol",
                                               "volValue"}));
  EXPECT_EQ(Keys(d.at("marketChange1h")),
            (std::vector<std::string>{"changePrice", "changeRate", "high", "low", "open", "vol",
                                      "volValue"}));
  // Exact decimals written as JSON numbers (Boost.JSON would re-print them).
  for (const std::string_view field :
       {R"("lastTradedPrice":50000,)", R"("sell":50000,)", R"("askSize":0.006,)", R"("buy":null,)",
        R"("bidSize":null,)", R"("vol":0.004,)", R"("volValue":200})", R"("averagePrice":50000,)",
        R"("makerFeeRate":0.001,)", R"("changeRate":0,)",
        R"("marketChange24h":{"changePrice":0,"changeRate":0,"high":50000,"low":50000,)"
        R"("open":50000,"vol":0.004,"volValue":200})"}) {
    EXPECT_NE(text.find(field), std::string::npos) << field;
  }
  EXPECT_TRUE(d.at("askSize").is_number());
  EXPECT_TRUE(d.at("vol").is_number());
  EXPECT_EQ(d.at("datetime"), 1700000000005);
  EXPECT_EQ(d.at("baseCurrency"), "BTC");
  EXPECT_EQ(d.at("quoteCurrency"), "USDT");
  EXPECT_EQ(d.at("market"), "USDS");
  EXPECT_EQ(d.at("trading"), true);
}

TEST_F(FeedMessagesTest, WindowMatchesTheEnginesDayStatistics) {
  Trade();
  now_ += 90 * engine::kNanosPerSecond;  // a later minute, a lower price
  Deposit(3, "USDT", "1000");
  Deposit(4, "BTC", "1");
  Do(Limit(4, Side::kSell, "49000", "0.01"));
  Do(Limit(3, Side::kBuy, "49000", "0.002"));
  const auto& data = ex_.market_data(Sym("BTC-USDT"));
  const std::int64_t now = now_ + engine::kNanosPerSecond;
  const engine::Stats24h day = data.Stats(now);
  const WindowStats w = Window(data, now, 86400);
  EXPECT_EQ(w.has_trades, day.has_trades);
  EXPECT_EQ(w.open, day.open);
  EXPECT_EQ(w.high, day.high);
  EXPECT_EQ(w.low, day.low);
  EXPECT_EQ(w.vol, day.vol);
  EXPECT_EQ(w.vol_value, day.vol_value);
  EXPECT_EQ(w.change_price, day.change_price);
  EXPECT_EQ(w.change_rate, day.change_rate);
  EXPECT_EQ(w.change_rate, -200);  // -2%: 50000 -> 49000
  // A one-minute window holds only the second trade's minute.
  const WindowStats minute = Window(data, now, 60);
  EXPECT_EQ(minute.vol, U("0.002"));
  EXPECT_EQ(minute.open, U("49000"));
}

TEST(RelationEventTest, KuCoinNames) {
  using engine::AccountType;
  using engine::BalanceCause;
  EXPECT_EQ(RelationEvent(BalanceCause::kDeposit, AccountType::kMain), "main.deposit");
  EXPECT_EQ(RelationEvent(BalanceCause::kTransfer, AccountType::kTrade), "trade.transfer");
  EXPECT_EQ(RelationEvent(BalanceCause::kTradeHold, AccountType::kTrade), "trade.hold");
  EXPECT_EQ(RelationEvent(BalanceCause::kTradeRelease, AccountType::kTrade), "trade.hold");
  EXPECT_EQ(RelationEvent(BalanceCause::kTradeSettled, AccountType::kTrade), "trade.setted");
}

}  // namespace
}  // namespace kc::push
