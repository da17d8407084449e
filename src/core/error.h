// The gateway's error registry: every code of shared/seed/error-codes.txt with
// its HTTP status and KuCoin's exact message, in one table. Nothing else in
// kcgate invents a gateway code or message; an `Error` names a row of this table
// plus, for messages with a %s, the text that fills it.
// Immutable after static initialization: any thread may call.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace kc {

// X(name, code, http status, message). Statuses follow shared/KUCOIN-API.md.
#define KC_GATEWAY_ERRORS(X)                                                                     \
  X(kUrlNotFound, 400001, 404, "Please check the URL of your request.")                          \
  X(kInvalidTimestamp, 400002, 401, "Invalid KC-API-TIMESTAMP.")                                 \
  X(kKeyNotFound, 400003, 401, "KC-API-KEY does not exist.")                                     \
  X(kInvalidPassphrase, 400004, 401, "Invalid KC-API-PASSPHRASE.")                               \
  X(kInvalidSign, 400005, 401, "Invalid KC-API-SIGN.")                                           \
  X(kIpNotAllowed, 400006, 403, "Invalid request IP, the current client IP is: %s.")             \
  X(kPermissionDenied, 400007, 403, "Access denied, requires more permission.")                  \
  X(kV3KeyRequired, 400008, 403,                                                                 \
    "V1 & V2 API keys are no longer supported by this API. Please create a V3 API key.")         \
  X(kInvalidKeyVersion, 400009, 401, "Invalid KC-API-KEY-VERSION.")                              \
  X(kUidDenied, 400010, 403, "UID access denied, requires more permission.")                     \
  X(kSessionVerificationFailed, 400011, 401,                                                     \
    "Session verification failed. (After the server returns the sessionId, the client must "     \
    "sign the request with its secret and send it back, but the signature is incorrect and "     \
    "does not match what the server expects.)")                                                  \
  X(kSessionVerificationTimeout, 400012, 401,                                                    \
    "Session verification has timed out. (After the server returns the sessionId, the client "   \
    "did not send the signed request within the allowed time window (e.g. 30 seconds), so the "  \
    "server aborted verification.)")                                                             \
  X(kUnknownPartner, 400200, 401, "Unknown partner.")                                            \
  X(kInvalidPartnerSign, 400201, 401, "Invalid KC-API-PARTNER-SIGN.")                            \
  X(kPartnerIpNotAllowed, 400202, 403, "Invalid request IP.")                                    \
  X(kRegionRestricted, 400301, 403,                                                              \
    "Operation restricted due to local laws, regulations, or policies in your country or "       \
    "region.")                                                                                   \
  X(kRegionBlocked, 400302, 403,                                                                 \
    "Based on your IP, services are unavailable in your region due to regulations. Please "      \
    "contact support.")                                                                          \
  X(kKycRequired, 400303, 403, "Identity verification required to access full features.")        \
  X(kKycOnMaster, 400304, 403,                                                                   \
    "Please log in with your master account to complete identity verification.")                 \
  X(kInvalidAuthorization, 400400, 401, "Invalid authorization token.")                          \
  X(kAuthorizationRequired, 400401, 401, "Authorization is required.")                           \
  X(kInvalidRequestData, 400101, 400, "Invalid request data.")                                   \
  X(kInvalidParameter, 400102, 400, "Please check the parameters of your request.")              \
  X(kTooManyErrors, 420001, 400, "Too many errors, disconnected. Please try again later.")       \
  X(kReceiveError, 420002, 400, "Error receiving data.")                                         \
  X(kUidRateLimit, 429000, 429,                                                                  \
    "Too many requests in a short period. Please retry later.(UID LIMIT)")                       \
  X(kSystemRateLimit, 429001, 429,                                                               \
    "Too many total requests in a short period. Please retry later.(SYSTEM LIMIT)")              \
  X(kConnectionRateLimit, 429002, 429,                                                           \
    "Too many requests in a short period. Please retry later. (MULTY LIMIT PER CONNECTION)")     \
  X(kUrlBlacklisted, 411200, 403, "URL is in the user blacklist.")                               \
  X(kInternal, 500000, 500, "Internal server error.")                                            \
  X(kServiceStopped, 501000, 503, "The service has stopped running. Please disconnect: exiting") \
  X(kServerBusy, 503000, 503, "Server is busy. Please retry later.")                             \
  X(kGatewayTimeout, 504000, 504, "Gateway timeout.")                                            \
  X(kUnknown, 505000, 500, "Unknown error.")

enum class ErrorCode : int {
#define KC_ERROR_ENUM(name, code, status, message) name = code,
  KC_GATEWAY_ERRORS(KC_ERROR_ENUM)
#undef KC_ERROR_ENUM
};

struct ErrorInfo {
  ErrorCode code;
  int http_status;
  std::string_view message;  // may hold one "%s"
};

// Every row of the table, in declaration order.
std::span<const ErrorInfo> AllErrors();

// The row for `code`; every enumerator has one.
const ErrorInfo& Describe(ErrorCode code);

inline int Numeric(ErrorCode code) { return static_cast<int>(code); }

// A failure to report to the client: a registry code plus the text for its %s.
class Error {
 public:
  Error() : code_(ErrorCode::kInternal) {}
  Error(ErrorCode code)
      : code_(code) {}  // NOLINT(google-explicit-constructor): errors read as codes
  Error(ErrorCode code, std::string detail) : code_(code), detail_(std::move(detail)) {}

  ErrorCode code() const { return code_; }
  int http_status() const { return Describe(code_).http_status; }
  // The message with its %s (if any) filled by the detail.
  std::string Message() const;
  // KuCoin's REST error body: {"code":"400005","msg":"Invalid KC-API-SIGN."}
  std::string ToJson() const;

  friend bool operator==(const Error& a, const Error& b) { return a.code_ == b.code_; }

 private:
  ErrorCode code_;
  std::string detail_;
};

}  // namespace kc
