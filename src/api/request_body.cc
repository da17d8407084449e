#include "api/request_body.h"

#include <boost/json/parse.hpp>

namespace kc::api {

namespace json = boost::json;

boost::system::result<json::object, Error> ParseJsonObject(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  boost::system::error_code ec;
  // Depth and size are bounded by the HTTP body limit and Boost.JSON's default
  // max depth (32), so hostile nesting cannot exhaust the stack.
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return Error(ErrorCode::kInvalidRequestData);
  return std::move(value.as_object());
}

boost::system::result<std::string, Error> RequireString(const json::object& body,
                                                        std::string_view name) {
  auto value = OptionalString(body, name);
  if (!value) return value.error();
  if (!*value || (*value)->empty()) return Error(ErrorCode::kInvalidParameter);
  return std::move(**value);
}

boost::system::result<std::optional<std::string>, Error> OptionalString(const json::object& body,
                                                                        std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (!value || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return Error(ErrorCode::kInvalidParameter);
  return std::optional<std::string>(std::string(value->as_string()));
}

}  // namespace kc::api
