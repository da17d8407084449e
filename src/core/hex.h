// Hexadecimal digits: one definition for ids, keys and percent-escapes.
#pragma once

#include <string>
#include <string_view>

namespace kc {

inline constexpr char kLowerHexDigits[] = "0123456789abcdef";

// 0-15, or -1 when `c` is not a hex digit (either case).
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Lower-case hex of every byte.
inline std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kLowerHexDigits[c >> 4];
    out += kLowerHexDigits[c & 15];
  }
  return out;
}

}  // namespace kc
