#include "core/error.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <string>

namespace kc {
namespace {

// Rows "400001 | Please check the URL of your request. |" of the seed's gateway tables.
std::map<int, std::string> ReadSeedGatewayCodes() {
  std::ifstream in(KC_SEED_ERROR_CODES);
  EXPECT_TRUE(in.good()) << "cannot read " << KC_SEED_ERROR_CODES;
  std::map<int, std::string> codes;
  const std::regex row(R"(^\s*(\d{6})\s*\|\s*(.*?)\s*\|\s*$)");
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, row)) codes[std::stoi(m[1])] = m[2];
  }
  return codes;
}

TEST(ErrorRegistry, HoldsEveryGatewayCodeOfTheSeedWithItsExactMessage) {
  const auto seed = ReadSeedGatewayCodes();
  ASSERT_GE(seed.size(), 30u);
  for (const auto& [code, message] : seed) {
    bool found = false;
    for (const ErrorInfo& info : AllErrors()) {
      if (Numeric(info.code) != code) continue;
      found = true;
      EXPECT_EQ(info.message, message) << code;
    }
    EXPECT_TRUE(found) << "seed code " << code << " missing from the registry";
  }
  EXPECT_EQ(AllErrors().size(), seed.size()) << "the registry holds codes the seed does not";
}

TEST(ErrorRegistry, StatusesFollowTheWireContract) {
  EXPECT_EQ(Error(ErrorCode::kUrlNotFound).http_status(), 404);
  EXPECT_EQ(Error(ErrorCode::kInvalidSign).http_status(), 401);
  EXPECT_EQ(Error(ErrorCode::kPermissionDenied).http_status(), 403);
  EXPECT_EQ(Error(ErrorCode::kInvalidParameter).http_status(), 400);
  EXPECT_EQ(Error(ErrorCode::kUidRateLimit).http_status(), 429);
  EXPECT_EQ(Error(ErrorCode::kServiceStopped).http_status(), 503);
  EXPECT_EQ(Error(ErrorCode::kGatewayTimeout).http_status(), 504);
}

TEST(ErrorRegistry, FillsThePlaceholderAndRendersKucoinJson) {
  Error ip(ErrorCode::kIpNotAllowed, "10.1.2.3");
  EXPECT_EQ(ip.Message(), "Invalid request IP, the current client IP is: 10.1.2.3.");
  EXPECT_EQ(ip.ToJson(),
            R"({"code":"400006","msg":"Invalid request IP, the current client IP is: 10.1.2.3."})");
  EXPECT_EQ(Error(ErrorCode::kInvalidSign).ToJson(),
            R"({"code":"400005","msg":"Invalid KC-API-SIGN."})");
}

TEST(ErrorRegistry, EscapesDetailInJson) {
  Error odd(ErrorCode::kIpNotAllowed, "a\"b");
  EXPECT_NE(odd.ToJson().find(R"(a\"b)"), std::string::npos);
}

}  // namespace
}  // namespace kc
