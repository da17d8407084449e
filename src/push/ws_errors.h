// The push service's error registry: every WebSocket error code of
// shared/seed/error-codes.txt (the subscribe, connect and "other" tables) with
// KuCoin's exact message, plus the two gateway codes KuCoin sends before it
// drops a WebSocket (420001, 420002), whose text comes from core/error.h.
// Nothing else in push invents a code or message. Immutable: any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kc::push {

// X(name, code, message, closes the session).
#define KC_WS_ERRORS(X)                                                                           \
  X(kTopicInvalid, 400, "topic is invalid", false)                                                \
  X(kLoginRequired, 403, "login is required", false)                                              \
  X(kTopicNotFound, 404, "topic does not exist", false)                                           \
  X(kTopicRequired, 406, "topic is required", false)                                              \
  X(kTooManyTopicsPerCommand, 509, "exceed max subscription count limitation of 100 per time",    \
    false)                                                                                        \
  X(kTooManyTopicsPerSession, 509, "exceed max subscription count limitation of 300 per session", \
    false)                                                                                        \
  X(kTokenInvalid, 401, "token is invalid", true)                                                 \
  X(kTooManySessions, 509, "exceed max session count limitation of 50", true)                     \
  X(kServiceBusy, 509, "service busy, please retry later", true)                                  \
  X(kPingTimeout, 400, "ping timeout", true)                                                      \
  X(kCommandTypeInvalid, 415, "command type is invalid", false)                                   \
  X(kSystemError, 500, "system error", false)                                                     \
  X(kTooManyMessages, 509, "exceed max permits per second", false)

enum class WsError {
#define KC_WS_ERROR_ENUM(name, code, message, closes) name,
  KC_WS_ERRORS(KC_WS_ERROR_ENUM)
#undef KC_WS_ERROR_ENUM
  // From the gateway registry (core/error.h, section 6 of the seed):
  kTooManyErrors,   // 420001, closes the session
  kReceiveError,    // 420002: a frame that cannot be read as a JSON command
  kServiceStopped,  // 501000: maintenance or shutdown; closes the session
};

struct WsErrorInfo {
  WsError error;
  int code;
  std::string_view message;
  bool closes;  // the session is closed after the error frame
};

const WsErrorInfo& Describe(WsError error);
std::span<const WsErrorInfo> AllWsErrors();

// KuCoin's error frame: {"id":"<id>","type":"error","code":404,"data":"topic does not exist"}
std::string ErrorFrame(std::string_view id, WsError error);
// The same frame for any code (the test lab's fault rules answer codes push
// itself never gives).
std::string ErrorFrame(std::string_view id, int code, std::string_view message);

}  // namespace kc::push
