// The frames kcgate sends on the WebSocket order API, byte for byte as
// shared/KUCOIN-API.md fixes them:
//   challenge  {"sessionId":"<uuid>","timestamp":<ms>}  (compact, this key order:
//              clients sign it as received or re-serialized, and both agree)
//   welcome    {"sessionId":…,"data":"welcome","pingInterval":…,"pingTimeout":…}
//   error      {"code":"400011","msg":…,"inTime":…,"outTime":…}  (no id, no op)
//   answer     {"id":…,"op":…,"code":"200000","data":…,"inTime":…,"outTime":…,
//               "userRateLimit":{"limit":…,"reset":…,"remaining":…}}
//   refusal    the answer with "msg" instead of "data"
//   pong       {"id":…,"op":"pong","timestamp":<as the ping sent it>}
// None carries a "type", "event", "message" or "T" key (a popular client
// misroutes such frames). Pure functions; any thread.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "gateway/rate_limit.h"

namespace kc::wsapi {

// KuCoin's answer to a request without a usable id.
inline constexpr std::string_view kNoIdCode = "4001002";
inline constexpr std::string_view kNoIdMessage =
    "Please check the param of your request: Field 'id' must be a non-empty string.";

// When a frame arrived and when its answer left (ms, or ns with enable_ns).
struct Times {
  int64_t in = 0;
  int64_t out = 0;
};

std::string ChallengeFrame(std::string_view session_id, int64_t timestamp_ms);
std::string WelcomeFrame(std::string_view session_id, int64_t ping_interval_ms,
                         int64_t ping_timeout_ms);
std::string ErrorFrame(std::string_view code, std::string_view message, Times times);
std::string ErrorFrame(const Error& error, Times times);
// `rate` may be null (no pool was consulted).
std::string AnswerFrame(std::string_view id, std::string_view op, const boost::json::value& data,
                        Times times, const gateway::RateDecision* rate);
std::string RefusalFrame(std::string_view id, std::string_view op, std::string_view code,
                         std::string_view message, Times times, const gateway::RateDecision* rate);
std::string PongFrame(std::string_view id, const boost::json::value& timestamp);

}  // namespace kc::wsapi
