#include "upstream/safe_path.h"

#include <gtest/gtest.h>

#include "upstream/options.h"

namespace kc::upstream {
namespace {

TEST(SafeUpstreamPath, RefusesDotSegmentsAndEncodedSeparators) {
  EXPECT_TRUE(SafeUpstreamPath("/wallet"));
  EXPECT_TRUE(SafeUpstreamPath("/wallet/"));
  EXPECT_TRUE(SafeUpstreamPath("/wallet/a.b/..c/%41"));
  EXPECT_FALSE(SafeUpstreamPath(""));
  EXPECT_FALSE(SafeUpstreamPath("wallet"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/../admin"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/./x"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/.."));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/%2e%2E/admin"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/a%2Fb"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/a%5cb"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/a\\b"));
  EXPECT_FALSE(SafeUpstreamPath("/wallet/a%00"));
}

TEST(UpstreamOptions, ParsesPoolAndPermissionNames) {
  EXPECT_EQ(ParseRatePool("spot"), gateway::RatePool::kSpot);
  EXPECT_EQ(ParseRatePool("management"), gateway::RatePool::kManagement);
  EXPECT_EQ(ParseRatePool("public"), gateway::RatePool::kPublic);
  EXPECT_FALSE(ParseRatePool("Spot2"));
  EXPECT_EQ(ParsePermission("Transfer"), gateway::Permission::kTransfer);
  EXPECT_EQ(ParsePermission("general"), gateway::Permission::kGeneral);
  EXPECT_FALSE(ParsePermission("General,Spot"));
  EXPECT_FALSE(ParsePermission("Root"));
  EXPECT_FALSE(ParsePermission(""));
}

}  // namespace
}  // namespace kc::upstream
