// What kcgate answers for a code, so a fault rule's {"code": ...} reads
// exactly as the real refusal would: a seed code with its registry HTTP
// status and message (the client's IP in 400006's), a business code with
// HTTP 200 and the message kcgate gives it (the first one, for codes such as
// 400100 that carry several). Immutable tables: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/api_response.h"

namespace kc::lab {

struct CodeAnswer {
  bool seed = false;  // a registry (gateway) code, else a business code
  unsigned http_status = 200;
  std::string message;
};

// nullopt when kcgate never answers `code`.
std::optional<CodeAnswer> DescribeCode(std::string_view code, std::string_view client_ip = "");

// Push's own text for one of its error codes ("404" -> "topic does not
// exist"; the first, for codes such as 509 that carry several).
std::optional<std::string> PushCodeMessage(std::string_view code);

// The REST answer for `code` (DescribeCode must know it).
gateway::ApiResponse RestAnswer(std::string_view code, std::string_view client_ip);

}  // namespace kc::lab
