// Fuzzes the JSON body reader every POST handler goes through.
#include <cstdint>
#include <string_view>

#include "api/request_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto object = kc::api::ParseJsonObject(body);
  if (!object) return 0;
  for (const char* field : {"symbol", "side", "price", "size", "clientOid"}) {
    auto value = kc::api::OptionalString(*object, field);
    (void)value;
  }
  return 0;
}
