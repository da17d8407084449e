// Order bodies as real clients send them, read into engine commands against
// the default markets (BTC-USDT: base scale 8, price increment 0.1, size
// increment 0.00000001, min size 0.00001, min funds 0.1).
#include "api/order_request.h"

#include "engine/order_rules.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace kc::api {
namespace {

using engine::RejectReason;

boost::json::object Body(std::string_view text) { return boost::json::parse(text).as_object(); }

const engine::MarketConfig& Markets() { return engine::DefaultMarkets(); }

std::string CodeOf(const boost::system::result<engine::PlaceOrder, Refusal>& r) {
  return r ? "ok" : r.error().Code();
}

TEST(OrderRequestTest, CcxtLimitOrderWithStringsAndBooleans) {
  auto r = ParseOrder(Body(R"({"clientOid":"abc","side":"buy","symbol":"BTC-USDT",
      "type":"limit","price":"43396.4","size":"0.001","postOnly":true})"),
                      Markets(), 7);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->uid, 7u);
  EXPECT_EQ(*Markets().FindSymbol("BTC-USDT"), r->symbol);
  EXPECT_EQ(r->side, engine::Side::kBuy);
  EXPECT_EQ(r->type, engine::OrderType::kLimit);
  EXPECT_EQ(r->price, 4'339'640'000'000);  // 43396.4 at scale 8
  EXPECT_EQ(r->size, 100'000);
  EXPECT_TRUE(r->post_only);
  EXPECT_EQ(r->client_oid.view(), "abc");
  EXPECT_EQ(r->time_in_force, engine::TimeInForce::kGtc);
}

TEST(OrderRequestTest, OfficialSdkGtcWithCancelAfterMinusOneAndTradeType) {
  auto r = ParseOrder(Body(R"({"symbol":"BTC-USDT","side":"sell","type":"limit","price":"50000",
      "size":"0.00001","timeInForce":"GTC","cancelAfter":-1,"tradeType":"TRADE",
      "postOnly":false,"hidden":false,"iceberg":false})"),
                      Markets(), 7);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->cancel_after, 0);  // only GTT uses it
  EXPECT_EQ(r->side, engine::Side::kSell);
}

TEST(OrderRequestTest, GttKeepsCancelAfter) {
  auto r = ParseOrder(Body(R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1",
      "timeInForce":"GTT","cancelAfter":"60"})"),
                      Markets(), 7);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->time_in_force, engine::TimeInForce::kGtt);
  EXPECT_EQ(r->cancel_after, 60);
}

TEST(OrderRequestTest, NumbersAreAcceptedExactly) {
  auto r = ParseOrder(Body(R"({"symbol":"BTC-USDT","side":"buy","price":30000.5,"size":0.001})"),
                      Markets(), 7);
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->price, 3'000'050'000'000);
  EXPECT_EQ(r->size, 100'000);
}

TEST(OrderRequestTest, MarketBySizeOrFunds) {
  auto by_funds = ParseOrder(
      Body(R"({"symbol":"BTC-USDT","side":"buy","type":"market","funds":"10"})"), Markets(), 7);
  ASSERT_TRUE(by_funds);
  EXPECT_EQ(by_funds->funds, 1'000'000'000);
  EXPECT_EQ(by_funds->size, 0);
  auto by_size = ParseOrder(
      Body(R"({"symbol":"BTC-USDT","side":"sell","type":"market","size":"0.5"})"), Markets(), 7);
  ASSERT_TRUE(by_size);
  EXPECT_EQ(by_size->size, 50'000'000);
  // Both or neither: a parameter error.
  EXPECT_EQ(
      CodeOf(ParseOrder(
          Body(R"({"symbol":"BTC-USDT","side":"buy","type":"market","size":"1","funds":"1"})"),
          Markets(), 7)),
      "400102");
  EXPECT_EQ(CodeOf(ParseOrder(Body(R"({"symbol":"BTC-USDT","side":"buy","type":"market"})"),
                              Markets(), 7)),
            "400102");
}

TEST(OrderRequestTest, NodeSdkHfHelperWithoutPriceAndSizeIsAParameterError) {
  auto r = ParseOrder(Body(R"({"clientOid":"x","side":"buy","symbol":"BTC-USDT","type":"limit"})"),
                      Markets(), 7);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().Code(), "400102");
  EXPECT_FALSE(r.error().is_business());
}

TEST(OrderRequestTest, MalformedFieldsAreParameterErrors) {
  for (
      const char* body : {
          R"({"symbol":"BTC-USDT","side":"up","price":"1","size":"1"})",
          R"({"symbol":"BTC-USDT","price":"1","size":"1"})",
          R"({"symbol":"BTC-USDT","side":"buy","type":"stop","price":"1","size":"1"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1e3","size":"1"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"-1","size":"1"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":[1],"size":"1"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1","timeInForce":"DAY"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1","postOnly":"yes"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1","stp":"XX"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1","tradeType":"MARGIN_TRADE"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1",
               "clientOid":"0123456789012345678901234567890123456789X"})",
          R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1","cancelAfter":"soon"})",
          R"({"symbol":"","side":"buy","price":"1","size":"1"})",
          R"({"symbol":5,"side":"buy","price":"1","size":"1"})",
      }) {
    auto r = ParseOrder(Body(body), Markets(), 7);
    ASSERT_FALSE(r) << body;
    EXPECT_EQ(r.error().Code(), "400102") << body;
  }
}

TEST(OrderRequestTest, MarketRulesAreBusinessErrors) {
  auto unknown = ParseOrder(Body(R"({"symbol":"DOGE-USDT","side":"buy","price":"1","size":"1"})"),
                            Markets(), 7);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().Code(), "400100");
  EXPECT_EQ(unknown.error().Message(), "Unsupported trading pair.");
  // Finer than the scale is finer than any increment.
  auto fine = ParseOrder(
      Body(R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"0.000000001"})"), Markets(), 7);
  ASSERT_FALSE(fine);
  EXPECT_EQ(fine.error().Code(), "600100");
  EXPECT_EQ(fine.error().Message(), "Order size increment invalid.");
}

TEST(OrderRequestTest, TheEnginesOrderRulesJudgeParsedOrders) {
  auto parse = [](std::string_view body) { return *ParseOrder(Body(body), Markets(), 7); };
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"30000",
                "size":"0.001"})"),
                                  Markets()),
            RejectReason::kNone);
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"30000.05",
                "size":"0.001"})"),
                                  Markets()),
            RejectReason::kPriceIncrement);
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"30000",
                "size":"0.000001"})"),
                                  Markets()),
            RejectReason::kBelowMinSize);
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"1",
                "size":"0.01"})"),
                                  Markets()),
            RejectReason::kBelowMinFunds);
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1",
                "timeInForce":"IOC","postOnly":true})"),
                                  Markets()),
            RejectReason::kInvalidTimeInForce);
  EXPECT_EQ(engine::ValidateOrder(parse(R"({"symbol":"BTC-USDT","side":"buy","price":"1","size":"1",
                "timeInForce":"GTT"})"),
                                  Markets()),
            RejectReason::kInvalidCancelAfter);
}

}  // namespace
}  // namespace kc::api
