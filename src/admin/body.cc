#include "admin/body.h"

#include <boost/json.hpp>
#include <cmath>

#include "admin/router.h"

namespace kc::admin {

std::string Fields::Name(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

void Fields::Refuse(std::string_view name, const std::string& why) const {
  throw BadRequest(Name(name), Name(name) + " " + why);
}

std::optional<std::string> Fields::String(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_string()) Refuse(name, "must be a string");
  return std::string(value->get_string());
}

std::string Fields::RequireString(std::string_view name) const {
  auto value = String(name);
  if (!value || value->empty()) Refuse(name, "is required");
  return *value;
}

std::optional<int64_t> Fields::Int(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64() && value->get_uint64() <= INT64_MAX) {
    return static_cast<int64_t>(value->get_uint64());
  }
  Refuse(name, "must be an integer");
}

int64_t Fields::RequireInt(std::string_view name) const {
  auto value = Int(name);
  if (!value) Refuse(name, "is required");
  return *value;
}

std::optional<bool> Fields::Bool(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_bool()) Refuse(name, "must be true or false");
  return value->get_bool();
}

std::optional<double> Fields::Number(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_number()) Refuse(name, "must be a number");
  const double number = value->to_number<double>();
  if (!std::isfinite(number)) Refuse(name, "must be a finite number");
  return number;
}

std::optional<Fields> Fields::Object(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_object()) Refuse(name, "must be an object");
  return Fields(value->get_object(), Name(name));
}

std::optional<boost::json::array> Fields::Array(std::string_view name) const {
  const boost::json::value* value = object_.if_contains(name);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (!value->is_array()) Refuse(name, "must be an array");
  return value->get_array();
}

void Fields::OnlyKnown(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object_) {
    bool found = false;
    for (std::string_view name : known) found = found || name == key;
    if (!found) Refuse(key, "is not a known field");
  }
}

}  // namespace kc::admin
