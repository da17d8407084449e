#include "gateway/credentials.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

TEST(Credentials, DuplicatesCountAcrossSpellingsOfTheName) {
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", "a"}, {"kc-api-key", "b"}})),
            ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(
      CodeOf(Headers({{"KC-API-KEY", "a"}, {"KC-API-PARTNER", "p"}, {"Kc-Api-Partner", "p"}})),
      ErrorCode::kInvalidAuthorization);
  // A duplicated version is unusable (400400) before it is a bad version (400009).
  EXPECT_EQ(CodeOf(Headers(
                {{"KC-API-KEY", "a"}, {"KC-API-KEY-VERSION", "9"}, {"KC-API-KEY-VERSION", "9"}})),
            ErrorCode::kInvalidAuthorization);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY-VERSION", "9"}, {"KC-API-SIGN", "a$"}})),
            ErrorCode::kInvalidAuthorization);
}

TEST(Credentials, NamesOfTheSameLengthAreNotConfused) {
  // Same lengths as KC-API-KEY, KC-API-SIGN and KC-API-PARTNER-SIGN.
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEX", "a"}, {"XC-API-SIGN", "a"}})),
            ErrorCode::kAuthorizationRequired);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEY", "a"}, {"KC-API-PARTNER-SIGX", "$"}})),
            ErrorCode::kUnknown);
  EXPECT_EQ(CodeOf(Headers({{"KC-API-KEYS", "a"}, {"X-KC-API-KEY", "a"}})),
            ErrorCode::kAuthorizationRequired);
}

TEST(Credentials, EachCharsetAdmitsExactlyItsCharacters) {
  auto alnum = [](int c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  };
  for (int c = 1; c < 256; ++c) {
    // Between two letters: Beast trims the whitespace around a value.
    const std::string value = std::string("a") + static_cast<char>(c) + "a";
    const bool key_ok = alnum(c) || c == '-' || c == '_';
    const bool base64_ok = alnum(c) || c == '+' || c == '/' || c == '=';
    const bool printable_ok = c >= 0x20 && c <= 0x7e;
    EXPECT_EQ(static_cast<bool>(ReadCredentials(Headers({{"KC-API-KEY", value.c_str()}}))), key_ok)
        << c;
    EXPECT_EQ(static_cast<bool>(ReadCredentials(Headers({{"KC-API-SIGN", value.c_str()}}))),
              base64_ok)
        << c;
    EXPECT_EQ(static_cast<bool>(ReadCredentials(Headers({{"KC-API-PASSPHRASE", value.c_str()}}))),
              printable_ok)
        << c;
  }
}

// The reader as it was before the single pass (one Beast lookup per name, a
// switch per character): random header sets must give the same answer.
boost::system::result<Credentials, Error> LookupPerName(const http::fields& headers) {
  struct Rule {
    const char* name;
    size_t max_length;
    char charset;  // 'k' key, 'b' base64, 'p' printable
  };
  static const Rule kRules[] = {
      {"KC-API-KEY", 64, 'k'},           {"KC-API-SIGN", 128, 'b'},
      {"KC-API-TIMESTAMP", 32, 'p'},     {"KC-API-PASSPHRASE", 128, 'p'},
      {"KC-API-KEY-VERSION", 8, 'p'},    {"KC-API-PARTNER", 128, 'p'},
      {"KC-API-PARTNER-SIGN", 128, 'b'},
  };
  auto in_charset = [](char c, char charset) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (charset == 'k') return alnum || c == '-' || c == '_';
    if (charset == 'b') return alnum || c == '+' || c == '/' || c == '=';
    return c >= 0x20 && c <= 0x7e;
  };
  bool any = false;
  for (int i = 0; i < 4; ++i) any = any || headers.find(kRules[i].name) != headers.end();
  if (!any) return Error(ErrorCode::kAuthorizationRequired);
  std::optional<std::string_view> read[7];
  for (int i = 0; i < 7; ++i) {
    auto range = headers.equal_range(kRules[i].name);
    if (range.first == range.second) continue;
    if (std::next(range.first) != range.second) return Error(ErrorCode::kInvalidAuthorization);
    std::string_view value = range.first->value();
    if (value.empty() || value.size() > kRules[i].max_length) {
      return Error(ErrorCode::kInvalidAuthorization);
    }
    for (char c : value) {
      if (!in_charset(c, kRules[i].charset)) return Error(ErrorCode::kInvalidAuthorization);
    }
    read[i] = value;
  }
  Credentials credentials;
  credentials.key = read[0];
  credentials.sign = read[1];
  credentials.timestamp = read[2];
  credentials.passphrase = read[3];
  credentials.partner = read[5];
  credentials.partner_sign = read[6];
  if (read[4]) {
    if (*read[4] != "1" && *read[4] != "2" && *read[4] != "3") {
      return Error(ErrorCode::kInvalidKeyVersion);
    }
    credentials.version = (*read[4])[0] - '0';
  }
  return credentials;
}

TEST(Credentials, SinglePassAgreesWithALookupPerName) {
  const std::vector<std::string> names = {
      "KC-API-KEY",         "kc-api-key",       "KC-API-SIGN",         "Kc-Api-Sign",
      "KC-API-TIMESTAMP",   "kc-api-timestamp", "KC-API-PASSPHRASE",   "KC-API-KEY-VERSION",
      "kc-api-key-version", "KC-API-PARTNER",   "KC-API-PARTNER-SIGN", "kc-api-partner-sign",
      "KC-API-KEX",         "KC-API-KEYS",      "X-KC-API-KEY",        "Host",
      "Content-Type",       "KC-API-SIGNATURE", "KC-API-PARTNER-",     "kc-api-partner-sigN"};
  const std::vector<std::string> values = {"",
                                           "abc123",
                                           "1",
                                           "2",
                                           "3",
                                           "03",
                                           "c2lnbg==",
                                           "a b",
                                           "a$",
                                           "a-b_c",
                                           "a+b/c=",
                                           std::string(8, '1'),
                                           std::string(9, '1'),
                                           std::string(32, '7'),
                                           std::string(33, '7'),
                                           std::string(64, 'k'),
                                           std::string(65, 'k'),
                                           std::string(128, 'p'),
                                           std::string(129, 'p'),
                                           "caf\xc3\xa9",
                                           "tab\there",
                                           "\x7f",
                                           "~"};
  std::mt19937 random(7);
  for (int round = 0; round < 20000; ++round) {
    http::fields fields;
    for (int n = static_cast<int>(random() % 7); n > 0; --n) {
      fields.insert(names[random() % names.size()], values[random() % values.size()]);
    }
    auto expected = LookupPerName(fields);
    auto actual = ReadCredentials(fields);
    ASSERT_EQ(static_cast<bool>(actual), static_cast<bool>(expected)) << round;
    if (!expected) {
      ASSERT_EQ(actual.error().code(), expected.error().code()) << round;
      continue;
    }
    EXPECT_EQ(actual->key, expected->key);
    EXPECT_EQ(actual->sign, expected->sign);
    EXPECT_EQ(actual->timestamp, expected->timestamp);
    EXPECT_EQ(actual->passphrase, expected->passphrase);
    EXPECT_EQ(actual->version, expected->version);
    EXPECT_EQ(actual->partner, expected->partner);
    EXPECT_EQ(actual->partner_sign, expected->partner_sign);
  }
}

}  // namespace
}  // namespace kc::gateway
