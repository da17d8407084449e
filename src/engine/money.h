// The engine's hot-path arithmetic: kc::MulDiv and kc::MulDecimal with the
// same results, computed in 64 bits when the product fits (every trade of a
// sane size does) and handed to the 128-bit versions otherwise. A 128-bit
// division is a library call several times slower than a 64-bit one, and a
// fill makes three of them. Pure functions: any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/decimal.h"

namespace kc::engine {

// a * b / divisor rounded as kc::MulDiv (nullopt when divisor <= 0 or the
// result does not fit).
inline std::optional<std::int64_t> FastMulDiv(std::int64_t a, std::int64_t b, std::int64_t divisor,
                                              Rounding rounding) {
  std::int64_t p = 0;
  if (divisor <= 0 || rounding == Rounding::kHalfEven || __builtin_mul_overflow(a, b, &p)) {
    return MulDiv(a, b, divisor, rounding);
  }
  std::int64_t q = p / divisor;  // truncates toward zero; |q| < 2^62 unless divisor is 1
  if (p % divisor == 0) return q;
  switch (rounding) {
    case Rounding::kDown:
      break;
    case Rounding::kUp:
      q += p < 0 ? -1 : 1;
      break;
    case Rounding::kFloor:
      if (p < 0) --q;
      break;
    case Rounding::kCeiling:
      if (p > 0) ++q;
      break;
    case Rounding::kHalfEven:
      break;  // handled above
  }
  return q;
}

// price x size rescaled to out_scale, as kc::MulDecimal.
inline std::optional<std::int64_t> FastMulDecimal(std::int64_t price, int price_scale,
                                                  std::int64_t size, int size_scale, int out_scale,
                                                  Rounding rounding) {
  static constexpr std::array<std::int64_t, kMaxDecimalScale + 1> kPow10 = {1,
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
  const int down = price_scale + size_scale - out_scale;
  if (down < 0 || down > kMaxDecimalScale) {
    return MulDecimal(price, price_scale, size, size_scale, out_scale, rounding);
  }
  return FastMulDiv(price, size, kPow10[static_cast<std::size_t>(down)], rounding);
}

}  // namespace kc::engine
