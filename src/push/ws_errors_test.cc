#include "push/ws_errors.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <utility>

namespace kc::push {
namespace {

// Rows "| 404 | topic does not exist |" of the seed's three WebSocket tables.
std::multiset<std::pair<int, std::string>> ReadSeedWebSocketCodes() {
  std::ifstream in(KC_SEED_ERROR_CODES);
  EXPECT_TRUE(in.good()) << "cannot read " << KC_SEED_ERROR_CODES;
  std::multiset<std::pair<int, std::string>> rows;
  const std::regex row(R"(^\|\s*(\d{3})\s*\|\s*(.*?)\s*\|\s*$)");
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, row)) rows.emplace(std::stoi(m[1]), m[2]);
  }
  return rows;
}

TEST(WsErrors, HoldExactlyTheSeedsWebSocketCodesAndMessages) {
  const auto seed = ReadSeedWebSocketCodes();
  ASSERT_EQ(seed.size(), 13u);
  std::multiset<std::pair<int, std::string>> table;
  for (const WsErrorInfo& info : AllWsErrors()) {
    if (info.code < 1000) table.emplace(info.code, std::string(info.message));
  }
  EXPECT_EQ(table, seed);
}

TEST(WsErrors, GatewayDisconnectCodesComeFromTheCoreRegistry) {
  EXPECT_EQ(Describe(WsError::kTooManyErrors).code, 420001);
  EXPECT_EQ(Describe(WsError::kTooManyErrors).message,
            "Too many errors, disconnected. Please try again later.");
  EXPECT_TRUE(Describe(WsError::kTooManyErrors).closes);
  EXPECT_EQ(Describe(WsError::kReceiveError).code, 420002);
  EXPECT_EQ(Describe(WsError::kServiceStopped).code, 501000);
  EXPECT_EQ(Describe(WsError::kServiceStopped).message,
            "The service has stopped running. Please disconnect: exiting");
  EXPECT_TRUE(Describe(WsError::kServiceStopped).closes);
}

TEST(WsErrors, EveryEnumeratorDescribesItself) {
  for (const WsErrorInfo& info : AllWsErrors()) EXPECT_EQ(&Describe(info.error), &info);
}

TEST(WsErrors, ConnectionErrorsClose) {
  EXPECT_TRUE(Describe(WsError::kTokenInvalid).closes);
  EXPECT_TRUE(Describe(WsError::kTooManySessions).closes);
  EXPECT_TRUE(Describe(WsError::kServiceBusy).closes);
  EXPECT_TRUE(Describe(WsError::kPingTimeout).closes);
  EXPECT_FALSE(Describe(WsError::kSystemError).closes);
  EXPECT_FALSE(Describe(WsError::kTooManyMessages).closes);
}

TEST(WsErrors, ErrorFrameIsKucoinsShapeWithNumericCode) {
  EXPECT_EQ(ErrorFrame("42", WsError::kTopicNotFound),
            R"({"id":"42","type":"error","code":404,"data":"topic does not exist"})");
  auto parsed = boost::json::parse(ErrorFrame("a\"b", WsError::kTokenInvalid)).as_object();
  EXPECT_EQ(parsed.at("id").as_string(), "a\"b");
  EXPECT_EQ(parsed.at("code").as_int64(), 401);
}

}  // namespace
}  // namespace kc::push
