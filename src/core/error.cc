#include "core/error.h"

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdlib>

namespace kc {
namespace {

constexpr std::array kTable = {
#define KC_ERROR_ROW(name, code, status, message) ErrorInfo{ErrorCode::name, status, message},
    KC_GATEWAY_ERRORS(KC_ERROR_ROW)
#undef KC_ERROR_ROW
};

}  // namespace

std::span<const ErrorInfo> AllErrors() { return kTable; }

const ErrorInfo& Describe(ErrorCode code) {
  for (const ErrorInfo& info : kTable) {
    if (info.code == code) return info;
  }
  std::abort();  // every enumerator comes from the same X-macro: unreachable
}

std::string Error::Message() const {
  std::string_view message = Describe(code_).message;
  const size_t slot = message.find("%s");
  if (slot == std::string_view::npos) return std::string(message);
  std::string out;
  out.reserve(message.size() + detail_.size());
  out.append(message.substr(0, slot)).append(detail_).append(message.substr(slot + 2));
  return out;
}

std::string Error::ToJson() const {
  std::string out = "{\"code\":\"";
  out += std::to_string(Numeric(code_));
  out += "\",\"msg\":";
  out += boost::json::serialize(boost::json::string(Message()));
  out += '}';
  return out;
}

}  // namespace kc
