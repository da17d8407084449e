// Fuzzes the WebSocket order API's request parser and the answers built from
// what it read: whatever a client sends, the id it gets back is the id it
// sent, inside a frame that is valid JSON. The same bytes also go through
// the connect-URL reader (query parameters of /v1/private).
#include <boost/json/parse.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "wsapi/connect_check.h"
#include "wsapi/frames.h"
#include "wsapi/request.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = kc::wsapi::ParseRequest(text);
  if (request) {
    Check(!request->id.empty() && request->id.size() <= kc::wsapi::kMaxIdLength);
    const std::string pong = kc::wsapi::PongFrame(request->id, request->timestamp);
    boost::system::error_code ec;
    const boost::json::value echoed = boost::json::parse(pong, ec);
    Check(!ec && echoed.is_object());
    Check(echoed.as_object().at("id").as_string() == request->id);
    Check(echoed.as_object().at("timestamp") == request->timestamp);
    const std::string refusal =
        kc::wsapi::RefusalFrame(request->id, request->op, "400102", "x", {1, 2}, nullptr);
    const boost::json::value refused = boost::json::parse(refusal, ec);
    Check(!ec && refused.as_object().at("op").as_string() == request->op);
  }
  const kc::wsapi::ConnectParams params = kc::wsapi::ReadConnectParams(text);
  if (params.apikey) Check(params.apikey->size() <= size);
  return 0;
}
