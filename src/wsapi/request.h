// What a client sends on a signed-in WebSocket order API session, read from
// one text frame:
//   {"id":"a1b2","op":"spot.order","args":{"symbol":"BTC-USDT",…}}
//   {"id":"ping-8","op":"ping","timestamp":"1795593257173"}
// Pure parsing of untrusted bytes (fuzzed by fuzz/wsapi_request_fuzz.cc); no
// session state; any thread.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/system/result.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace kc::wsapi {

// KuCoin's SDK sends 36-character UUIDs; kcgate takes up to 64 characters.
inline constexpr size_t kMaxIdLength = 64;

struct Request {
  std::string id;
  std::string op;                // empty when absent or not a string
  boost::json::object args;      // {} when absent
  bool args_invalid = false;     // present but not an object
  boost::json::value timestamp;  // a ping's, as sent (string or number); null when absent
};

enum class RequestError {
  kUnreadable,  // 420002: not a JSON object
  kNoId,        // 4001002: "id" missing, not a string, empty or too long
};

boost::system::result<Request, RequestError> ParseRequest(std::string_view text);

}  // namespace kc::wsapi
