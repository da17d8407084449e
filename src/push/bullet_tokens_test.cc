#include "push/bullet_tokens.h"

#include <gtest/gtest.h>

#include <set>

namespace kc::push {
namespace {

TEST(BulletTokens, IssuesUrlSafeUniqueTokensThatVerify) {
  ManualClock clock(1'700'000'000'000);
  BulletTokens tokens(clock, 1000);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string token = tokens.IssuePublic();
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    EXPECT_TRUE(seen.insert(token).second);
    auto grant = tokens.Verify(token);
    ASSERT_TRUE(grant);
    EXPECT_FALSE(grant->is_private);
    EXPECT_EQ(grant->uid, 0);
  }
}

TEST(BulletTokens, PrivateTokensCarryTheirUser) {
  ManualClock clock(1'700'000'000'000);
  BulletTokens tokens(clock, 1000);
  auto grant = tokens.Verify(tokens.IssuePrivate(123456789));
  ASSERT_TRUE(grant);
  EXPECT_TRUE(grant->is_private);
  EXPECT_EQ(grant->uid, 123456789);
}

TEST(BulletTokens, ExpireAfterTheirLifetime) {
  ManualClock clock(1'700'000'000'000);
  BulletTokens tokens(clock, 1000);
  const std::string token = tokens.IssuePublic();
  clock.Advance(999);
  EXPECT_TRUE(tokens.Verify(token));
  clock.Advance(1);
  EXPECT_FALSE(tokens.Verify(token));
}

TEST(BulletTokens, TheSameSecretVerifiesAcrossInstances) {
  ManualClock clock(1'700'000'000'000);
  BulletTokens::Secret secret{};
  secret[0] = 42;
  BulletTokens before_restart(clock, 1000, secret);
  BulletTokens after_restart(clock, 1000, secret);
  const auto grant = after_restart.Verify(before_restart.IssuePrivate(9));
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->uid, 9);
  BulletTokens::Secret other = secret;
  other[1] = 1;
  EXPECT_FALSE(BulletTokens(clock, 1000, other).Verify(before_restart.IssuePrivate(9)));
}

TEST(BulletTokens, RefuseForgedTamperedAndForeignTokens) {
  ManualClock clock(1'700'000'000'000);
  BulletTokens tokens(clock, 1000);
  BulletTokens other(clock, 1000);
  const std::string token = tokens.IssuePrivate(7);
  EXPECT_FALSE(other.Verify(token));
  for (size_t i = 0; i < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(tokens.Verify(tampered)) << i;
  }
  EXPECT_FALSE(tokens.Verify(""));
  EXPECT_FALSE(tokens.Verify(token + "A"));
  EXPECT_FALSE(tokens.Verify(token.substr(1)));
  EXPECT_FALSE(tokens.Verify(std::string(token.size(), '=')));
}

}  // namespace
}  // namespace kc::push
