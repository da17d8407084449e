#include "gateway/signature.h"

#include <gtest/gtest.h>

#include <thread>

namespace kc::gateway {
namespace {

std::string Hex(const Digest& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(Signature, MatchesRfc4231Vector) {
  // RFC 4231, test case 2.
  EXPECT_EQ(Hex(HmacSha256("Jefe", {"what do ya want ", "for nothing?"})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, SignsTheKucoinPrehash) {
  // printf %s 1700000000000GET/api/v1/accounts | openssl dgst -sha256 -hmac secret -binary | base64
  EXPECT_EQ(SignRequest("secret", "1700000000000", "GET", "/api/v1/accounts", ""),
            Base64Encode(HmacSha256("secret", {"1700000000000GET/api/v1/accounts"})));
  EXPECT_EQ(SignRequest("secret", "1700000000000", "GET", "/api/v1/accounts", ""),
            "ka2jGwVPj+HJ5t7L4fEM4HttekAXENIQpmo8ulfZmV8=");
}

TEST(Signature, CachedContextAgreesWithOneShotAcrossKeysAndThreads) {
  ApiKey a;
  a.key = "a";
  a.secret = "secret-a";
  ApiKey b;
  b.key = "b";
  b.secret = "secret-b";
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(KeyedHmacSha256(a, {"x", "y"}), HmacSha256("secret-a", {"xy"}));
    EXPECT_EQ(KeyedHmacSha256(b, {"xy"}), HmacSha256("secret-b", {"xy"}));
  }
  // A new generation of the same key (rotated secret) must not reuse the old context.
  ApiKey rotated = a;
  rotated.secret = "secret-a2";
  rotated.generation = 2;
  EXPECT_EQ(KeyedHmacSha256(rotated, {"xy"}), HmacSha256("secret-a2", {"xy"}));
  std::thread other([&] { EXPECT_EQ(KeyedHmacSha256(a, {"xy"}), HmacSha256("secret-a", {"xy"})); });
  other.join();
}

TEST(Signature, Base64RoundTripsAndRejectsGarbage) {
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    if (text.empty()) continue;
    auto decoded = Base64Decode(Base64Encode(text));
    ASSERT_TRUE(decoded) << text;
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(Base64Encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode(""));
  EXPECT_FALSE(Base64Decode("abc"));
  EXPECT_FALSE(Base64Decode("ab=c"));
  EXPECT_FALSE(Base64Decode("a==="));
  EXPECT_FALSE(Base64Decode("ab*d"));
  EXPECT_FALSE(Base64Decode("=abc"));
}

TEST(Signature, ConstantTimeEqualsComparesWholeDigests) {
  Digest a{};
  Digest b{};
  EXPECT_TRUE(ConstantTimeEquals(a, b));
  b[31] = 1;
  EXPECT_FALSE(ConstantTimeEquals(a, b));
}

}  // namespace
}  // namespace kc::gateway
