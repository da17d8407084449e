// Fuzzes what the gateway does with a request target before authentication:
// splitting, query parsing, percent-decoding and route matching.
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <string_view>

#include "gateway/query.h"
#include "gateway/route_table.h"

namespace {

const kc::gateway::RouteTable& Routes() {
  static const kc::gateway::RouteTable table = [] {
    kc::gateway::RouteTable routes;
    for (const char* pattern :
         {"/api/v1/timestamp", "/api/v1/orders/{orderId}", "/api/v1/order/client-order/{clientOid}",
          "/api/v1/hf/orders/{orderId}", "/api/v1/market/orderbook/level2_{size}"}) {
      routes.Add({.method = boost::beast::http::verb::get, .pattern = pattern, .handler = {}});
    }
    return routes;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view target(reinterpret_cast<const char*>(data), size);
  auto [path, query] = kc::gateway::SplitTarget(target);
  auto params = kc::gateway::ParseQuery(query);
  for (const auto& [name, value] : params) {
    if (name.size() > query.size() || value.size() > query.size()) __builtin_trap();
  }
  if (kc::gateway::PercentDecode(target).size() > target.size()) __builtin_trap();
  auto match = Routes().Find(boost::beast::http::verb::get, path);
  if (match && match->route == nullptr) __builtin_trap();
  return 0;
}
