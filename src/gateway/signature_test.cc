#include "gateway/signature.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
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

// Base64DecodeDigest must accept exactly what Base64Decode decodes to 32 bytes,
// with the same bytes.
void ExpectDigestDecodeAgrees(const std::string& text) {
  auto expected = Base64Decode(text);
  auto digest = Base64DecodeDigest(text);
  if (expected && expected->size() == Digest().size()) {
    ASSERT_TRUE(digest) << text;
    EXPECT_EQ(std::string(digest->begin(), digest->end()), *expected) << text;
  } else {
    EXPECT_FALSE(digest) << text;
  }
}

TEST(Signature, Base64DecodeDigestAgreesWithBase64Decode) {
  const Digest rfc = HmacSha256("key", {"The quick brown fox jumps over the lazy dog"});
  ASSERT_EQ(Base64Encode(rfc), "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  auto decoded = Base64DecodeDigest("97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, rfc);

  for (const char* text : {"", "=", "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg",
                           "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPN==",
                           "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg==",
                           "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNgA",
                           "97yD9DBThCSxMpjmqm-xQ+9NWaFJRhdZl0edvC0aPNg=", "Zm9vYmFy"}) {
    ExpectDigestDecodeAgrees(text);
  }
  // Every value of every position of a valid signature (the last digit's two
  // unused bits included), then random digests with random damage.
  const std::string valid = Base64Encode(rfc);
  for (size_t i = 0; i < valid.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      std::string text = valid;
      text[i] = static_cast<char>(c);
      ExpectDigestDecodeAgrees(text);
    }
  }
  std::mt19937 random(20261125);
  const std::string pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ *\n\x80\xff";
  for (int round = 0; round < 20000; ++round) {
    Digest digest;
    for (unsigned char& byte : digest) byte = static_cast<unsigned char>(random());
    std::string text = Base64Encode(digest);
    ExpectDigestDecodeAgrees(text);
    for (int damage = static_cast<int>(random() % 3); damage > 0; --damage) {
      switch (random() % 3) {
        case 0:
          text[random() % text.size()] = pool[random() % pool.size()];
          break;
        case 1:
          text.insert(random() % (text.size() + 1), 1, pool[random() % pool.size()]);
          break;
        default:
          if (!text.empty()) text.erase(random() % text.size(), 1);
      }
    }
    ExpectDigestDecodeAgrees(text);
  }
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
