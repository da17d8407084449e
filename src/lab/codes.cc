#include "lab/codes.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "api/business_error.h"
#include "core/error.h"
#include "push/ws_errors.h"

namespace kc::lab {
namespace {

std::optional<api::BusinessError> FindBusiness(std::string_view code) {
  using engine::RejectReason;
  for (int r = static_cast<int>(RejectReason::kUnknownSymbol);
       r <= static_cast<int>(RejectReason::kWithdrawalNotFound); ++r) {
    const api::BusinessError error = api::ForReject(static_cast<RejectReason>(r));
    if (error.code == code) return error;
  }
  // The policy stage's cancel-only refusal (gateway/access_policy.cc).
  if (code == api::kSuspendedFromCreatingOrders.code) return api::kSuspendedFromCreatingOrders;
  return std::nullopt;
}

}  // namespace

std::optional<CodeAnswer> DescribeCode(std::string_view code, std::string_view client_ip) {
  for (const ErrorInfo& info : AllErrors()) {
    if (std::to_string(Numeric(info.code)) == code) {
      return CodeAnswer{true, static_cast<unsigned>(info.http_status),
                        Error(info.code, std::string(client_ip)).Message()};
    }
  }
  if (auto business = FindBusiness(code)) {
    return CodeAnswer{false, 200, std::string(business->message)};
  }
  return std::nullopt;
}

std::optional<std::string> PushCodeMessage(std::string_view code) {
  for (const push::WsErrorInfo& info : push::AllWsErrors()) {
    if (std::to_string(info.code) == code) return std::string(info.message);
  }
  return std::nullopt;
}

gateway::ApiResponse RestAnswer(std::string_view code, std::string_view client_ip) {
  for (const ErrorInfo& info : AllErrors()) {
    if (std::to_string(Numeric(info.code)) == code) {
      return gateway::ApiResponse::Fail(Error(info.code, std::string(client_ip)));
    }
  }
  const auto business = FindBusiness(code);
  return gateway::ApiResponse::Business(
      code, boost::json::serialize(boost::json::string(business ? business->message : "")));
}

}  // namespace kc::lab
