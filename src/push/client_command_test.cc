#include "push/client_command.h"

#include <gtest/gtest.h>

namespace kc::push {
namespace {

TEST(ClientCommand, ReadsKucoinsSubscribe) {
  auto command = ParseClientCommand(
      R"({"id":"/market/ticker@@BTC-USDT","type":"subscribe","topic":"/market/ticker:BTC-USDT",)"
      R"("privateChannel":false,"response":true})");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->type, CommandType::kSubscribe);
  EXPECT_EQ(command->id, "/market/ticker@@BTC-USDT");
  EXPECT_EQ(command->topic, "/market/ticker:BTC-USDT");
  EXPECT_TRUE(command->response);
  EXPECT_FALSE(command->private_channel);
}

TEST(ClientCommand, NumericIdsKeepTheirDigits) {
  auto command = ParseClientCommand(R"({"id":1545910660739,"type":"ping"})");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->id, "1545910660739");
  EXPECT_EQ(command->type, CommandType::kPing);
}

TEST(ClientCommand, NodeSdkPrivateFlag) {
  auto command = ParseClientCommand(
      R"({"id":"x","type":"unsubscribe","topic":"/account/balance","private":true})");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->type, CommandType::kUnsubscribe);
  EXPECT_TRUE(command->private_channel);
  EXPECT_FALSE(command->response);
}

TEST(ClientCommand, TopicAbsentOrNotAString) {
  auto absent = ParseClientCommand(R"({"id":"1","type":"subscribe"})");
  ASSERT_TRUE(absent);
  EXPECT_TRUE(absent->topic.empty());
  EXPECT_FALSE(absent->topic_invalid);
  auto number = ParseClientCommand(R"({"id":"1","type":"subscribe","topic":5})");
  ASSERT_TRUE(number);
  EXPECT_TRUE(number->topic_invalid);
}

TEST(ClientCommand, UnknownOrMissingTypeIsACommandTypeError) {
  auto unknown = ParseClientCommand(R"({"id":"7","type":"dance"})");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().error, WsError::kCommandTypeInvalid);
  EXPECT_EQ(unknown.error().id, "7");
  auto missing = ParseClientCommand(R"({"id":"8"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().error, WsError::kCommandTypeInvalid);
}

TEST(ClientCommand, NonJsonIsAReceiveError) {
  for (const char* text :
       {"", "{", "not json", "[1,2]", "\"ping\"", "{\"id\":}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"}) {
    auto parsed = ParseClientCommand(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().error, WsError::kReceiveError) << text;
  }
}

}  // namespace
}  // namespace kc::push
