// Exact decimal numbers as scaled integers: KuCoin's decimal strings ("43396.4",
// "0.00000001") parsed into int64 units of 10^-scale, printed back the way KuCoin
// prints them, and multiplied with a 128-bit intermediate and an explicit rounding.
// Money never goes through binary floating point. Pure functions: any thread.
#pragma once

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kc {

// The largest scale any value may carry (10^18 still fits an int64).
inline constexpr int kMaxDecimalScale = 18;

enum class DecimalError {
  kEmpty,       // "" or only a sign
  kSyntax,      // anything but digits and one '.', e.g. "1e5", " 1", "1.", ".5", "0x10"
  kSign,        // '-' where only non-negative values are allowed, or any '+'
  kTooPrecise,  // non-zero digits beyond the scale: "0.123" at scale 2
  kOverflow,    // does not fit an int64 at this scale
};
std::string_view ToString(DecimalError error);

enum class Rounding {
  kDown,     // toward zero
  kUp,       // away from zero
  kFloor,    // toward -infinity
  kCeiling,  // toward +infinity
  kHalfEven,
};

// 10^exponent for 0 <= exponent <= 18.
std::int64_t Pow10(int exponent);

// Parses `text` into units of 10^-scale. Trailing zeros beyond the scale are
// accepted ("1.50" at scale 1 is 15); no exponent, no '+', no leading '.', no
// whitespace. '-' only with allow_negative. Never throws.
boost::system::result<std::int64_t, DecimalError> ParseDecimal(std::string_view text, int scale,
                                                               bool allow_negative = false);

// Canonical text: no trailing fraction zeros and no '.' for whole numbers
// ("0.1", "55", "0", "-2.5"); min_fraction_digits pads with zeros ("1.00").
std::string FormatDecimal(std::int64_t units, int scale, int min_fraction_digits = 0);
void AppendDecimal(std::string& out, std::int64_t units, int scale, int min_fraction_digits = 0);

// a * b / divisor computed exactly in 128 bits, then rounded. nullopt when the
// result does not fit an int64 or divisor is not positive.
std::optional<std::int64_t> MulDiv(std::int64_t a, std::int64_t b, std::int64_t divisor,
                                   Rounding rounding);

// price (units at price_scale) x size (units at size_scale) as an amount at
// out_scale, e.g. a trade's funds in quote units. nullopt on overflow.
std::optional<std::int64_t> MulDecimal(std::int64_t price, int price_scale, std::int64_t size,
                                       int size_scale, int out_scale, Rounding rounding);

// The same value at another scale (rounding when the scale shrinks).
std::optional<std::int64_t> Rescale(std::int64_t units, int from_scale, int to_scale,
                                    Rounding rounding);

}  // namespace kc
