// Reading admin request bodies (JSON objects) field by field: each reader
// throws BadRequest naming the field ("match.path") when it is of the wrong
// type, so every refusal tells the caller exactly what to fix. Any thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace kc::admin {

// `prefix` names the enclosing object in messages ("match" -> "match.path").
class Fields {
 public:
  Fields(const boost::json::object& object, std::string prefix = "")
      : object_(object), prefix_(std::move(prefix)) {}

  std::optional<std::string> String(std::string_view name) const;
  std::string RequireString(std::string_view name) const;
  std::optional<int64_t> Int(std::string_view name) const;
  int64_t RequireInt(std::string_view name) const;
  std::optional<bool> Bool(std::string_view name) const;
  std::optional<double> Number(std::string_view name) const;
  // A nested object; nullopt when absent.
  std::optional<Fields> Object(std::string_view name) const;
  std::optional<boost::json::array> Array(std::string_view name) const;
  // Refuses any member not in `known` (a typo is named, not ignored).
  void OnlyKnown(std::initializer_list<std::string_view> known) const;
  bool Has(std::string_view name) const { return object_.contains(name); }
  // The field's full name for messages.
  std::string Name(std::string_view name) const;
  [[noreturn]] void Refuse(std::string_view name, const std::string& why) const;

 private:
  const boost::json::object& object_;
  std::string prefix_;
};

}  // namespace kc::admin
