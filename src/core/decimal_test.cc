#include "core/decimal.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace kc {
namespace {

std::int64_t Parse(std::string_view text, int scale) {
  auto r = ParseDecimal(text, scale);
  EXPECT_TRUE(r.has_value()) << text;
  return r.has_value() ? *r : -1;
}

DecimalError ParseError(std::string_view text, int scale, bool allow_negative = false) {
  auto r = ParseDecimal(text, scale, allow_negative);
  EXPECT_FALSE(r.has_value()) << text;
  return r.has_value() ? DecimalError::kEmpty : r.error();
}

TEST(Decimal, ParsesKucoinStrings) {
  EXPECT_EQ(Parse("43396.4", 1), 433964);
  EXPECT_EQ(Parse("43396.4", 8), 4339640000000);
  EXPECT_EQ(Parse("0.00000001", 8), 1);
  EXPECT_EQ(Parse("0", 8), 0);
  EXPECT_EQ(Parse("55", 0), 55);
  EXPECT_EQ(Parse("1.50", 1), 15);
  EXPECT_EQ(Parse("007.5", 1), 75);
  EXPECT_EQ(*ParseDecimal("-2.5", 1, true), -25);
}

TEST(Decimal, RejectsBadInputWithAReason) {
  EXPECT_EQ(ParseError("", 2), DecimalError::kEmpty);
  EXPECT_EQ(ParseError("-", 2, true), DecimalError::kEmpty);
  EXPECT_EQ(ParseError("-1", 2), DecimalError::kSign);
  EXPECT_EQ(ParseError("+1", 2, true), DecimalError::kSign);
  EXPECT_EQ(ParseError("1e5", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("1E5", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError(" 1", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("1 ", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("1.", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError(".5", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("1..2", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("0x10", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("NaN", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("1,5", 2), DecimalError::kSyntax);
  EXPECT_EQ(ParseError("0.123", 2), DecimalError::kTooPrecise);
  EXPECT_EQ(ParseError("92233720368.54775808", 8), DecimalError::kOverflow);
  EXPECT_EQ(ParseError("99999999999999999999999999999999999999999999", 0), DecimalError::kOverflow);
  EXPECT_EQ(Parse("92233720368.54775807", 8), std::numeric_limits<std::int64_t>::max());
}

TEST(Decimal, FormatsCanonically) {
  EXPECT_EQ(FormatDecimal(1, 1), "0.1");
  EXPECT_EQ(FormatDecimal(5500000000, 8), "55");
  EXPECT_EQ(FormatDecimal(0, 8), "0");
  EXPECT_EQ(FormatDecimal(4012618754, 8), "40.12618754");
  EXPECT_EQ(FormatDecimal(-25, 1), "-2.5");
  EXPECT_EQ(FormatDecimal(1, 8), "0.00000001");
  EXPECT_EQ(FormatDecimal(100, 2, 2), "1.00");
  EXPECT_EQ(FormatDecimal(1, 0, 2), "1.00");
  EXPECT_EQ(FormatDecimal(150, 2, 3), "1.500");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<std::int64_t>::min(), 0), "-9223372036854775808");
}

TEST(Decimal, RoundTripsRandomValues) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const int scale = static_cast<int>(rng() % 19);
    const auto v = static_cast<std::int64_t>(rng() >> 1);
    EXPECT_EQ(Parse(FormatDecimal(v, scale), scale), v);
  }
}

TEST(Decimal, MultipliesWithExplicitRounding) {
  // 72.8 x 0.010055 = 0.732004 exactly (a recorded KuCoin fill).
  EXPECT_EQ(*MulDecimal(7280, 2, 10055, 6, 6, Rounding::kDown), 732004);
  // 67122.1 x 0.00000001 = 0.000671221 -> 8 decimals.
  EXPECT_EQ(*MulDecimal(671221, 1, 1, 8, 8, Rounding::kDown), 67122);
  EXPECT_EQ(*MulDecimal(671221, 1, 1, 8, 8, Rounding::kCeiling), 67123);
  EXPECT_EQ(*MulDecimal(671225, 1, 1, 8, 8, Rounding::kHalfEven), 67122);
  EXPECT_EQ(*MulDecimal(671235, 1, 1, 8, 8, Rounding::kHalfEven), 67124);
  EXPECT_EQ(*MulDecimal(-671221, 1, 1, 8, 8, Rounding::kFloor), -67123);
  EXPECT_EQ(*MulDecimal(-671221, 1, 1, 8, 8, Rounding::kDown), -67122);
  EXPECT_EQ(*MulDecimal(-671221, 1, 1, 8, 8, Rounding::kUp), -67123);
  EXPECT_EQ(*MulDecimal(5, 0, 3, 0, 2, Rounding::kDown), 1500);
  // Large intermediates stay exact: 1e10 x 1e10 at scale 8+8 -> scale 8.
  EXPECT_EQ(*MulDecimal(1000000000000000000, 8, 100000000, 8, 8, Rounding::kDown),
            1000000000000000000);
  EXPECT_FALSE(MulDecimal(std::numeric_limits<std::int64_t>::max(), 0, 2, 0, 0, Rounding::kDown));
  EXPECT_FALSE(MulDecimal(std::numeric_limits<std::int64_t>::max(), 0, 1, 0, 1, Rounding::kDown));
  EXPECT_EQ(*MulDiv(7, 3, 2, Rounding::kCeiling), 11);
  EXPECT_EQ(*MulDiv(7, 3, 2, Rounding::kFloor), 10);
  EXPECT_FALSE(MulDiv(1, 1, 0, Rounding::kFloor));
  EXPECT_EQ(*Rescale(15, 1, 3, Rounding::kDown), 1500);
  EXPECT_EQ(*Rescale(1599, 3, 1, Rounding::kDown), 15);
}

}  // namespace
}  // namespace kc
