// ASCII case-insensitive comparison for protocol tokens (header names, codings,
// URL schemes). Hand-written because Boost 1.81's beast::iequals reads one byte
// past both strings when they first differ, only by case, at the last
// character (found by fuzz/http_head_fuzz.cc on "GEt hTtp:// HTTP/1.1").
#pragma once

#include <cstddef>
#include <string_view>

namespace kc {

constexpr char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

constexpr bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

}  // namespace kc
