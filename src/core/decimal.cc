#include "core/decimal.h"

#include <array>
#include <cstdlib>
#include <limits>

namespace kc {
namespace {

constexpr std::array<std::int64_t, 19> kPow10 = {1,
                                                 10,
                                                 100,
                                                 1000,
                                                 10000,
                                                 100000,
                                                 1000000,
                                                 10000000,
                                                 100000000,
                                                 1000000000,
                                                 10000000000,
                                                 100000000000,
                                                 1000000000000,
                                                 10000000000000,
                                                 100000000000000,
                                                 1000000000000000,
                                                 10000000000000000,
                                                 100000000000000000,
                                                 1000000000000000000};

// __extension__ keeps -Wpedantic quiet about the GCC/Clang 128-bit integer.
__extension__ typedef __int128 Int128;

std::optional<std::int64_t> Narrow(Int128 v) {
  if (v > std::numeric_limits<std::int64_t>::max() ||
      v < std::numeric_limits<std::int64_t>::min()) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(v);
}

// q = n / d rounded; d > 0.
Int128 DivRound(Int128 n, Int128 d, Rounding rounding) {
  Int128 q = n / d;  // truncates toward zero
  const Int128 r = n % d;
  if (r == 0) return q;
  const bool negative = n < 0;
  switch (rounding) {
    case Rounding::kDown:
      return q;
    case Rounding::kUp:
      return negative ? q - 1 : q + 1;
    case Rounding::kFloor:
      return negative ? q - 1 : q;
    case Rounding::kCeiling:
      return negative ? q : q + 1;
    case Rounding::kHalfEven: {
      const Int128 twice = (r < 0 ? -r : r) * 2;
      if (twice > d || (twice == d && (q % 2 != 0))) return negative ? q - 1 : q + 1;
      return q;
    }
  }
  std::abort();
}

}  // namespace

std::string_view ToString(DecimalError error) {
  switch (error) {
    case DecimalError::kEmpty:
      return "empty";
    case DecimalError::kSyntax:
      return "syntax";
    case DecimalError::kSign:
      return "sign";
    case DecimalError::kTooPrecise:
      return "too precise";
    case DecimalError::kOverflow:
      return "overflow";
  }
  return "unknown";
}

std::int64_t Pow10(int exponent) {
  if (exponent < 0 || exponent > kMaxDecimalScale) std::abort();
  return kPow10[static_cast<std::size_t>(exponent)];
}

boost::system::result<std::int64_t, DecimalError> ParseDecimal(std::string_view text, int scale,
                                                               bool allow_negative) {
  if (scale < 0 || scale > kMaxDecimalScale) std::abort();
  bool negative = false;
  std::size_t i = 0;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    if (text[0] == '+' || !allow_negative) return DecimalError::kSign;
    negative = true;
    i = 1;
  }
  if (i == text.size()) return DecimalError::kEmpty;
  // Accumulate in 128 bits so that a long digit string is detected as an
  // overflow rather than wrapping; beyond 38 digits we stop multiplying.
  Int128 value = 0;
  const Int128 limit = static_cast<Int128>(std::numeric_limits<std::int64_t>::max());
  bool overflow = false;
  std::size_t int_digits = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return DecimalError::kSyntax;
    if (!overflow) {
      value = value * 10 + (c - '0');
      if (value > limit) overflow = true;
    }
    ++int_digits;
  }
  if (int_digits == 0) return DecimalError::kSyntax;
  int fraction_digits = 0;
  if (i < text.size()) {
    ++i;  // '.'
    if (i == text.size()) return DecimalError::kSyntax;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c < '0' || c > '9') return DecimalError::kSyntax;
      if (fraction_digits < scale) {
        if (!overflow) {
          value = value * 10 + (c - '0');
          if (value > limit) overflow = true;
        }
        ++fraction_digits;
      } else if (c != '0') {
        return DecimalError::kTooPrecise;
      }
    }
  }
  if (overflow) return DecimalError::kOverflow;
  value *= kPow10[static_cast<std::size_t>(scale - fraction_digits)];
  if (value > limit) return DecimalError::kOverflow;
  const auto out = static_cast<std::int64_t>(value);
  return negative ? -out : out;
}

void AppendDecimal(std::string& out, std::int64_t units, int scale, int min_fraction_digits) {
  if (scale < 0 || scale > kMaxDecimalScale) std::abort();
  // Work on the magnitude in unsigned space so that INT64_MIN prints correctly.
  std::uint64_t magnitude = units < 0
                                ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(units)
                                : static_cast<std::uint64_t>(units);
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  // digits[] holds the value reversed; pad so that there is at least one integer digit.
  while (n <= scale) digits[n++] = '0';
  int frac_end = 0;  // index (in reversed digits) of the last fraction digit kept
  while (frac_end < scale && digits[frac_end] == '0' && scale - frac_end > min_fraction_digits) {
    ++frac_end;
  }
  if (units < 0) out.push_back('-');
  for (int k = n - 1; k >= scale; --k) out.push_back(digits[k]);
  if (frac_end < scale) {
    out.push_back('.');
    for (int k = scale - 1; k >= frac_end; --k) out.push_back(digits[k]);
  }
  for (int k = scale; k < min_fraction_digits; ++k) {
    if (k == scale && scale == 0) out.push_back('.');
    out.push_back('0');
  }
}

std::string FormatDecimal(std::int64_t units, int scale, int min_fraction_digits) {
  std::string out;
  AppendDecimal(out, units, scale, min_fraction_digits);
  return out;
}

std::optional<std::int64_t> MulDiv(std::int64_t a, std::int64_t b, std::int64_t divisor,
                                   Rounding rounding) {
  if (divisor <= 0) return std::nullopt;
  const Int128 product = static_cast<Int128>(a) * static_cast<Int128>(b);
  return Narrow(DivRound(product, divisor, rounding));
}

std::optional<std::int64_t> MulDecimal(std::int64_t price, int price_scale, std::int64_t size,
                                       int size_scale, int out_scale, Rounding rounding) {
  const int product_scale = price_scale + size_scale;
  const Int128 product = static_cast<Int128>(price) * static_cast<Int128>(size);
  if (out_scale >= product_scale) {
    const int up = out_scale - product_scale;
    if (up > kMaxDecimalScale) return std::nullopt;
    // |product| < 2^63 here, so the multiplication cannot overflow 128 bits.
    if (!Narrow(product)) return std::nullopt;
    return Narrow(product * kPow10[static_cast<std::size_t>(up)]);
  }
  const int down = product_scale - out_scale;
  if (down > 2 * kMaxDecimalScale) return std::nullopt;
  Int128 divisor = 1;
  for (int k = 0; k < down; ++k) divisor *= 10;
  return Narrow(DivRound(product, divisor, rounding));
}

std::optional<std::int64_t> Rescale(std::int64_t units, int from_scale, int to_scale,
                                    Rounding rounding) {
  return MulDecimal(units, from_scale, 1, 0, to_scale, rounding);
}

}  // namespace kc
