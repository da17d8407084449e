#include "wsapi/frames.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/signature.h"

namespace kc::wsapi {
namespace {

namespace json = boost::json;

// KUCOIN-API.md's vectors: the connect signature and passphrase, and the
// signed answer to a challenge, all from secret "testsecret".
TEST(WsApiFrames, ConnectAndChallengeVectors) {
  EXPECT_EQ(gateway::Base64Encode(gateway::HmacSha256("testsecret", {"testkey", "1742175983882"})),
            "wDVM/SRTDKY8Lrk279aRINxZmzsI2TPnWj62UvdDPRw=");
  EXPECT_EQ(gateway::HashPassphrase("testsecret", "testpass"),
            "5geeOuzPRVAMNghwj4ECAxLPxLiO667f7Kkx53zWBsc=");
  const std::string challenge =
      ChallengeFrame("92f2aec4-d87e-47cc-917d-4e7c93911bdc", 1742175983882);
  EXPECT_EQ(challenge,
            R"({"sessionId":"92f2aec4-d87e-47cc-917d-4e7c93911bdc","timestamp":1742175983882})");
  EXPECT_EQ(gateway::Base64Encode(gateway::HmacSha256("testsecret", {challenge})),
            "NXwnE73DTtFiXGVNRTaGSRIs2TkjWkM/qClCKKiBL6s=");
  // Compact, so a client that re-serializes it signs the same bytes.
  EXPECT_EQ(json::serialize(json::parse(challenge)), challenge);
}

TEST(WsApiFrames, WelcomeHasNoTypeKey) {
  const auto welcome = json::parse(WelcomeFrame("s1", 18000, 10000)).as_object();
  EXPECT_EQ(welcome.at("sessionId"), "s1");
  EXPECT_EQ(welcome.at("data"), "welcome");
  EXPECT_EQ(welcome.at("pingInterval"), 18000);
  EXPECT_EQ(welcome.at("pingTimeout"), 10000);
  for (const char* key : {"type", "event", "message", "T"}) EXPECT_FALSE(welcome.contains(key));
}

TEST(WsApiFrames, AnswersCarryIdOpTimesAndRateLimit) {
  gateway::RateDecision rate{true, 2000, 1528, 15244};
  const auto ok = json::parse(AnswerFrame("request-001", "spot.order",
                                          json::object{{"orderId", "o1"}}, {10, 12}, &rate))
                      .as_object();
  EXPECT_EQ(ok.at("id"), "request-001");
  EXPECT_EQ(ok.at("op"), "spot.order");
  EXPECT_EQ(ok.at("code"), "200000");
  EXPECT_EQ(ok.at("data").at("orderId"), "o1");
  EXPECT_EQ(ok.at("inTime"), 10);
  EXPECT_EQ(ok.at("outTime"), 12);
  EXPECT_EQ(ok.at("userRateLimit").at("limit"), 2000);
  EXPECT_EQ(ok.at("userRateLimit").at("remaining"), 1528);
  EXPECT_EQ(ok.at("userRateLimit").at("reset"), 15244);

  const auto refused = json::parse(RefusalFrame("r\"2", "spot.cancel", "400100", "order not exist.",
                                                {1, 2}, nullptr))
                           .as_object();
  EXPECT_EQ(refused.at("id"), "r\"2");
  EXPECT_EQ(refused.at("code"), "400100");
  EXPECT_EQ(refused.at("msg"), "order not exist.");
  EXPECT_FALSE(refused.contains("data"));
  EXPECT_FALSE(refused.contains("userRateLimit"));
}

TEST(WsApiFrames, ErrorsAndPongs) {
  const auto error = json::parse(ErrorFrame(Error(ErrorCode::kKeyNotFound), {5, 6})).as_object();
  EXPECT_EQ(error.at("code"), "400003");
  EXPECT_EQ(error.at("msg"), "KC-API-KEY does not exist.");
  EXPECT_FALSE(error.contains("id"));
  EXPECT_EQ(PongFrame("ping-8", json::value("1795593257173")),
            R"({"id":"ping-8","op":"pong","timestamp":"1795593257173"})");
  EXPECT_EQ(PongFrame("p", json::value(17)), R"({"id":"p","op":"pong","timestamp":17})");
}

}  // namespace
}  // namespace kc::wsapi
