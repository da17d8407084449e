#include "wsapi/request.h"

#include <gtest/gtest.h>

#include <string>

namespace kc::wsapi {
namespace {

TEST(WsApiRequest, ReadsIdOpArgs) {
  auto request =
      ParseRequest(R"({"id":"a1","op":"spot.order","args":{"symbol":"BTC-USDT","side":"buy"}})");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->id, "a1");
  EXPECT_EQ(request->op, "spot.order");
  EXPECT_EQ(request->args.at("symbol"), "BTC-USDT");
  EXPECT_FALSE(request->args_invalid);
}

TEST(WsApiRequest, PingTimestampAsSent) {
  auto text = ParseRequest(R"({"id":"ping-8","op":"ping","timestamp":"1795593257173"})");
  ASSERT_TRUE(text);
  EXPECT_TRUE(text->timestamp.is_string());
  auto number = ParseRequest(R"({ "id" : "p", "op" : "ping", "timestamp" : 1795593257173 })");
  ASSERT_TRUE(number);
  EXPECT_EQ(number->timestamp, 1795593257173);
}

TEST(WsApiRequest, IdMustBeANonEmptyStringOfAtMost64) {
  for (const char* text : {R"({"op":"spot.order"})", R"({"id":"","op":"spot.order"})",
                           R"({"id":7,"op":"ping"})", R"({"id":null})"}) {
    auto request = ParseRequest(text);
    ASSERT_FALSE(request) << text;
    EXPECT_EQ(request.error(), RequestError::kNoId) << text;
  }
  EXPECT_TRUE(ParseRequest(R"({"id":")" + std::string(64, 'x') + R"(","op":"ping"})"));
  EXPECT_FALSE(ParseRequest(R"({"id":")" + std::string(65, 'x') + R"(","op":"ping"})"));
}

TEST(WsApiRequest, UnreadableFrames) {
  for (const char* text : {"", "hello", "[1,2]", "\"x\"", "{\"id\":\"a\"", "{\"id\":\"a\"}}"}) {
    auto request = ParseRequest(text);
    ASSERT_FALSE(request) << text;
    EXPECT_EQ(request.error(), RequestError::kUnreadable) << text;
  }
}

TEST(WsApiRequest, ArgsThatAreNotAnObject) {
  auto request = ParseRequest(R"({"id":"a","op":"futures.multi_order","args":[{}]})");
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->args_invalid);
  auto missing = ParseRequest(R"({"id":"a","op":"spot.order"})");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->args_invalid);
  EXPECT_TRUE(missing->args.empty());
}

}  // namespace
}  // namespace kc::wsapi
