// Fuzzes the order body reader: JSON in, an engine order or a KuCoin refusal
// out, and the market rules the /test routes apply.
#include <cstdint>
#include <string_view>

#include "api/order_request.h"
#include "api/request_body.h"
#include "engine/markets.h"
#include "engine/order_rules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = kc::api::ParseJsonObject(body);
  if (!object) return 0;
  const auto& markets = kc::engine::DefaultMarkets();
  auto order = kc::api::ParseOrder(*object, markets, 42);
  if (order) {
    if (order->size < 0 || order->price < 0 || order->funds < 0) __builtin_trap();
    (void)kc::engine::ValidateOrder(*order, markets);
  }
  return 0;
}
