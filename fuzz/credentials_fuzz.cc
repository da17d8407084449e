// Fuzzes the KC-API-* header reader: the input is a list of "Name: value" lines.
#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <string_view>

#include "gateway/credentials.h"
#include "gateway/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  boost::beast::http::fields fields;
  while (!input.empty()) {
    const size_t newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    input = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    std::string_view name = line.substr(0, colon);
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    fields.insert(name, value);
  }
  auto credentials = kc::gateway::ReadCredentials(fields);
  if (credentials && credentials->sign) {
    auto decoded = kc::gateway::Base64Decode(*credentials->sign);
    if (decoded && decoded->size() > credentials->sign->size()) __builtin_trap();
  }
  return 0;
}
