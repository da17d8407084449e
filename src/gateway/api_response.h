// A finished REST answer: HTTP status and KuCoin JSON body.
//   success:        200 {"code":"200000","data":<payload>}
//   gateway error:  the registry's status {"code":"400005","msg":"..."}
//   business error: 200 {"code":"200004","msg":"..."} (KuCoin's trading services)
//   upstream answer: its status, body and content type, as they came (upstream/)
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace kc::gateway {

struct ApiResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type;  // empty: application/json (else an upstream's own)

  // `data_json` is already-serialized JSON (an object, array, string or number).
  static ApiResponse Ok(std::string_view data_json) {
    std::string body;
    body.reserve(data_json.size() + 26);
    body.append(R"({"code":"200000","data":)").append(data_json).append("}");
    return {200, std::move(body), {}};
  }
  static ApiResponse Fail(const Error& error) {
    return {static_cast<unsigned>(error.http_status()), error.ToJson(), {}};
  }
  // Business rejections carry their own KuCoin code; `message_json` is a JSON string.
  static ApiResponse Business(std::string_view code, std::string_view message_json) {
    std::string body = R"({"code":")";
    body.append(code).append(R"(","msg":)").append(message_json).append("}");
    return {200, std::move(body), {}};
  }
};

}  // namespace kc::gateway
