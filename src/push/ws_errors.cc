#include "push/ws_errors.h"

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "core/error.h"

namespace kc::push {
namespace {

const std::array<WsErrorInfo, 16>& Table() {
  static const std::array<WsErrorInfo, 16> table = {{
#define KC_WS_ERROR_ROW(name, code, message, closes) {WsError::name, code, message, closes},
      KC_WS_ERRORS(KC_WS_ERROR_ROW)
#undef KC_WS_ERROR_ROW
          {WsError::kTooManyErrors, Numeric(ErrorCode::kTooManyErrors),
           kc::Describe(ErrorCode::kTooManyErrors).message, true},
      {WsError::kReceiveError, Numeric(ErrorCode::kReceiveError),
       kc::Describe(ErrorCode::kReceiveError).message, false},
      {WsError::kServiceStopped, Numeric(ErrorCode::kServiceStopped),
       kc::Describe(ErrorCode::kServiceStopped).message, true},
  }};
  return table;
}

}  // namespace

std::span<const WsErrorInfo> AllWsErrors() { return Table(); }

const WsErrorInfo& Describe(WsError error) { return Table()[static_cast<size_t>(error)]; }

std::string ErrorFrame(std::string_view id, WsError error) {
  const WsErrorInfo& info = Describe(error);
  return ErrorFrame(id, info.code, info.message);
}

std::string ErrorFrame(std::string_view id, int code, std::string_view message) {
  std::string out = R"({"id":)";
  out += boost::json::serialize(boost::json::string(id));
  out += R"(,"type":"error","code":)";
  out += std::to_string(code);
  out += R"(,"data":)";
  out += boost::json::serialize(boost::json::string(message));
  out += '}';
  return out;
}

}  // namespace kc::push
