#include "wsapi/request.h"

#include <boost/json/parse.hpp>

namespace kc::wsapi {

namespace json = boost::json;

boost::system::result<Request, RequestError> ParseRequest(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return RequestError::kUnreadable;
  json::object& object = parsed.as_object();
  const json::value* id = object.if_contains("id");
  if (id == nullptr || !id->is_string() || id->as_string().empty() ||
      id->as_string().size() > kMaxIdLength) {
    return RequestError::kNoId;
  }
  Request request;
  request.id = id->as_string();
  if (const json::value* op = object.if_contains("op"); op != nullptr && op->is_string()) {
    request.op = op->as_string();
  }
  if (json::value* args = object.if_contains("args"); args != nullptr && !args->is_null()) {
    if (args->is_object()) {
      request.args = std::move(args->as_object());
    } else {
      request.args_invalid = true;
    }
  }
  if (json::value* timestamp = object.if_contains("timestamp")) {
    request.timestamp = std::move(*timestamp);
  }
  return request;
}

}  // namespace kc::wsapi
