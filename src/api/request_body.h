// Reading a REST request's JSON body and parameters the way KuCoin answers bad
// ones: 400101 when the body is not JSON (or not an object), 400102 when a
// parameter is missing, of the wrong type or out of range. Any thread.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace kc::api {

// An empty body reads as {} (the official SDK posts empty bodies).
boost::system::result<boost::json::object, Error> ParseJsonObject(std::string_view body);

// A required string field; numbers are not accepted where KuCoin sends strings.
boost::system::result<std::string, Error> RequireString(const boost::json::object& body,
                                                        std::string_view name);
// An optional string field: nullopt when absent or null, 400102 when another type.
boost::system::result<std::optional<std::string>, Error> OptionalString(
    const boost::json::object& body, std::string_view name);

}  // namespace kc::api
