// URL pieces: percent-decoding and query-string parsing. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kc::gateway {

// Decodes %XX escapes; a '%' not followed by two hex digits stays as it is.
// '+' is left alone: KuCoin's clients encode spaces as %20.
std::string PercentDecode(std::string_view text);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "a=1&b=x%2Cy" -> {{"a","1"},{"b","x,y"}}. Empty pairs are skipped; a name
// without '=' has an empty value.
QueryParams ParseQuery(std::string_view query);

// Splits a request target into path and query (without the '?').
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

}  // namespace kc::gateway
