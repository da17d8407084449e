#include "push/topics.h"

#include <gtest/gtest.h>

namespace kc::push {
namespace {

class TopicsTest : public ::testing::Test {
 protected:
  TopicRegistry registry_{engine::DefaultMarkets()};

  WsError ErrorOf(std::string_view topic, size_t max = 100) {
    auto parsed = registry_.Parse(topic, max);
    EXPECT_FALSE(parsed) << topic;
    return parsed ? WsError::kSystemError : parsed.error();
  }
};

TEST_F(TopicsTest, SplitsSymbolListsIntoSingleTopics) {
  auto parsed = registry_.Parse("/market/ticker:BTC-USDT,ETH-USDT,BTC-USDT", 100);
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->is_private);
  EXPECT_EQ(parsed->topics,
            (std::vector<std::string>{"/market/ticker:BTC-USDT", "/market/ticker:ETH-USDT"}));
}

TEST_F(TopicsTest, KnowsEveryPublicPrefix) {
  for (const char* topic :
       {"/market/ticker:all", "/market/snapshot:BTC-USDT", "/market/snapshot:USDS",
        "/market/level2:ETH-BTC", "/spotMarket/level2Depth5:SOL-USDT",
        "/spotMarket/level2Depth50:KCS-USDT", "/market/match:BTC-USDT",
        "/market/candles:BTC-USDT_1hour", "/market/candles:ETH-USDT_1min,BTC-USDT_1week"}) {
    auto parsed = registry_.Parse(topic, 100);
    EXPECT_TRUE(parsed) << topic;
    if (parsed) {
      EXPECT_FALSE(parsed->is_private) << topic;
    }
  }
}

TEST_F(TopicsTest, PrivateTopicsTakeNoArgument) {
  for (const char* topic :
       {"/spotMarket/tradeOrdersV2", "/spotMarket/tradeOrders", "/account/balance"}) {
    auto parsed = registry_.Parse(topic, 100);
    ASSERT_TRUE(parsed) << topic;
    EXPECT_TRUE(parsed->is_private);
    EXPECT_EQ(parsed->topics, std::vector<std::string>{topic});
    EXPECT_TRUE(TopicRegistry::IsPrivate(topic));
  }
  EXPECT_EQ(ErrorOf("/account/balance:BTC"), WsError::kTopicInvalid);
}

TEST_F(TopicsTest, ErrorsInKucoinsOrder) {
  EXPECT_EQ(ErrorOf(""), WsError::kTopicRequired);
  EXPECT_EQ(ErrorOf("market/ticker:BTC-USDT"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/ticker:BTC-USDT, ETH-USDT"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/ticker:"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/ticker"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/ticker:BTC-USDT,,ETH-USDT"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/ticker:all,BTC-USDT"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/candles:BTC-USDT"), WsError::kTopicInvalid);
  EXPECT_EQ(ErrorOf("/market/nothing:BTC-USDT"), WsError::kTopicNotFound);
  EXPECT_EQ(ErrorOf("/market/ticker:DOGE-USDT"), WsError::kTopicNotFound);
  EXPECT_EQ(ErrorOf("/market/level2:all"), WsError::kTopicNotFound);
  EXPECT_EQ(ErrorOf("/market/candles:BTC-USDT_7min"), WsError::kTopicNotFound);
  EXPECT_EQ(ErrorOf("/market/ticker:BTC-USDT,ETH-USDT,SOL-USDT", 2),
            WsError::kTooManyTopicsPerCommand);
}

}  // namespace
}  // namespace kc::push
