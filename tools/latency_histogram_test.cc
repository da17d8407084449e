#include "tools/latency_histogram.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace kc::tools {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0u);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 50u);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 99u);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 100u);
  EXPECT_EQ(h.ValueAtQuantile(0.0), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndTight) {
  // Every value maps to a bucket whose bound is >= the value and within 1/64 of it.
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t v = random() >> (random() % 64);
    const size_t index = LatencyHistogram::Index(v);
    const uint64_t upper = LatencyHistogram::UpperBound(index);
    ASSERT_GE(upper, v);
    ASSERT_LE(static_cast<double>(upper - v), static_cast<double>(v) / 64.0) << v;
    if (index > 0) {
      ASSERT_LT(LatencyHistogram::UpperBound(index - 1), v) << v;
    }
  }
  EXPECT_EQ(
      LatencyHistogram::UpperBound(LatencyHistogram::Index(std::numeric_limits<uint64_t>::max())),
      std::numeric_limits<uint64_t>::max());
}

TEST(LatencyHistogramTest, QuantilesOfUniformMicroseconds) {
  LatencyHistogram h;
  for (uint64_t us = 1; us <= 10000; ++us) h.Record(us * 1000);  // 1 us .. 10 ms in ns
  const auto near = [](uint64_t got, double want) {
    return std::abs(static_cast<double>(got) - want) <= want / 64.0;
  };
  EXPECT_TRUE(near(h.ValueAtQuantile(0.5), 5'000'000)) << h.ValueAtQuantile(0.5);
  EXPECT_TRUE(near(h.ValueAtQuantile(0.9), 9'000'000)) << h.ValueAtQuantile(0.9);
  EXPECT_TRUE(near(h.ValueAtQuantile(0.999), 9'990'000)) << h.ValueAtQuantile(0.999);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 10'000'000u);
  EXPECT_EQ(h.min(), 1000u);
}

TEST(LatencyHistogramTest, MergeAddsCountsAndRange) {
  LatencyHistogram a;
  LatencyHistogram b;
  for (int i = 0; i < 90; ++i) a.Record(10);
  for (int i = 0; i < 10; ++i) b.Record(1'000'000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 100u);
  EXPECT_EQ(a.min(), 10u);
  EXPECT_EQ(a.max(), 1'000'000u);
  EXPECT_EQ(a.ValueAtQuantile(0.9), 10u);
  EXPECT_EQ(a.ValueAtQuantile(0.91), 1'000'000u);
}

}  // namespace
}  // namespace kc::tools
