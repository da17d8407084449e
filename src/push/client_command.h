// What a client sends on a push session, read from one text message:
//   {"id":"1545910660739","type":"subscribe","topic":"/market/ticker:BTC-USDT",
//    "privateChannel":false,"response":true}
// plus "ping" and "unsubscribe" (kucoin-node-sdk also sends "private"). Pure
// parsing, no session state; any thread.
#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

#include "push/ws_errors.h"

namespace kc::push {

enum class CommandType { kPing, kSubscribe, kUnsubscribe };

struct ClientCommand {
  CommandType type = CommandType::kPing;
  // The id as the client wrote it: a string as is, a number as its decimal
  // text (KuCoin's examples send both). Empty when absent.
  std::string id;
  bool has_id = false;
  std::string topic;           // empty when absent or null
  bool topic_invalid = false;  // present but not a string
  bool response = false;       // ack wanted
  bool private_channel = false;
};

struct CommandError {
  WsError error;
  std::string id;  // the command's id when it could be read, else empty
  bool has_id = false;
};

// kReceiveError when `text` is not a JSON object; kCommandTypeInvalid when the
// "type" is missing or not ping/subscribe/unsubscribe.
boost::system::result<ClientCommand, CommandError> ParseClientCommand(std::string_view text);

}  // namespace kc::push
