#include "gateway/credentials.h"

#include <gtest/gtest.h>

namespace kc::gateway {
namespace {

namespace http = boost::beast::http;

http::fields Headers(std::initializer_list<std::pair<const char*, const char*>> list) {
  http::fields fields;
  for (const auto& [name, value] : list) fields.insert(name, value);
  return fields;
}

ErrorCode CodeOf(const http::fields& fields) {
  auto result = ReadCredentials(fields);
  return result ? ErrorCode::kUnknown : result.error().code();
}

TEST(Credentials, NoneAtAllIsAuthorizationRequired) {
  EXPECT_EQ(CodeOf(Headers({})), ErrorCode::kAuthorizationRequired);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY-VERSION", "2"}, {"X-Other", "1"}})),
            ErrorCode::kAuthorizationRequired);
}

TEST(Credentials, ReadsEveryHeaderCaseInsensitively) {
  auto fields = Headers({{"kc-api-key", "abc123"},
                         {"KC-API-SIGN", "c2lnbg=="},
                         {"Kc-Api-Timestamp", "1700000000000"},
                         {"KC-API-PASSPHRASE", "my pass"},
                         {"KC-API-KEY-VERSION", "2"},
                         {"KC-API-PARTNER", "ccxt"}});
  auto result = ReadCredentials(fields);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result->key, "abc123");
  EXPECT_EQ(*result->sign, "c2lnbg==");
  EXPECT_EQ(*result->timestamp, "1700000000000");
  EXPECT_EQ(*result->passphrase, "my pass");
  EXPECT_EQ(result->version, 2);
  EXPECT_EQ(*result->partner, "ccxt");
  EXPECT_FALSE(result->partner_sign);
}

TEST(Credentials, MissingPiecesAreLeftToLaterChecks) {
  auto result = ReadCredentials(Headers({{"KC-API-KEY", "abc"}}));
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->sign);
  EXPECT_FALSE(result->timestamp);
  EXPECT_EQ(result->version, 1);
}

TEST(Credentials, UnusableHeadersAreInvalidAuthorization) {
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", ""}})), ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", "a"}, {"KC-API-KEY", "a"}})),
            ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", "a\x01"}})), ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-SIGN", "abc$"}})), ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-PASSPHRASE", "caf\xc3\xa9"}})),
            ErrorCode::kInvalidAuthorization);
  const std::string long_key(65, 'a');
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", long_key.c_str()}})), ErrorCode::kInvalidAuthorization);
}

TEST(Credentials, VersionMustBeOneTwoOrThree) {
  for (const char* good : {"1", "2", "3"}) {
    EXPECT_TRUE(ReadCredentials(Headers({{"KC-API-KEY", "a"}, {"KC-API-KEY-VERSION", good}})));
  }
  for (const char* bad : {"0", "4", "3.0", "03", "three"}) {
    EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", "a"}, {"KC-API-KEY-VERSION", bad}})),
              ErrorCode::kInvalidKeyVersion)
        << bad;
  }
}

}  // namespace
}  // namespace kc::gateway
