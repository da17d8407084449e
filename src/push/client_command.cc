#include "push/client_command.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace kc::push {
namespace json = boost::json;

namespace {

bool ReadBool(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  if (!value) return false;
  if (const bool* b = value->if_bool()) return *b;
  // Some clients send "true"/"false" as strings.
  if (const json::string* s = value->if_string()) return *s == "true";
  return false;
}

}  // namespace

boost::system::result<ClientCommand, CommandError> ParseClientCommand(std::string_view text) {
  // Commands are small: parse into a stack buffer, no heap work for the tree.
  unsigned char storage[4096];
  json::monotonic_resource resource(storage, sizeof(storage));
  json::parse_options options;
  options.max_depth = 16;
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec, &resource, options);
  if (ec || !parsed.is_object()) return CommandError{WsError::kReceiveError, {}, false};
  const json::object& object = parsed.get_object();

  ClientCommand command;
  if (const json::value* id = object.if_contains("id")) {
    if (const json::string* s = id->if_string()) {
      command.id.assign(s->data(), s->size());
      command.has_id = true;
    } else if (id->is_int64() || id->is_uint64() || id->is_double()) {
      command.id = json::serialize(*id);
      command.has_id = true;
    }
  }
  const json::value* type = object.if_contains("type");
  const json::string* type_name = type ? type->if_string() : nullptr;
  if (!type_name) return CommandError{WsError::kCommandTypeInvalid, command.id, command.has_id};
  if (*type_name == "ping") {
    command.type = CommandType::kPing;
  } else if (*type_name == "subscribe") {
    command.type = CommandType::kSubscribe;
  } else if (*type_name == "unsubscribe") {
    command.type = CommandType::kUnsubscribe;
  } else {
    return CommandError{WsError::kCommandTypeInvalid, command.id, command.has_id};
  }
  if (const json::value* topic = object.if_contains("topic"); topic && !topic->is_null()) {
    if (const json::string* s = topic->if_string()) {
      command.topic.assign(s->data(), s->size());
    } else {
      command.topic_invalid = true;
    }
  }
  command.response = ReadBool(object, "response");
  command.private_channel = ReadBool(object, "privateChannel") || ReadBool(object, "private");
  return command;
}

}  // namespace kc::push
