// The exchange's business errors as KuCoin answers them: one table mapping each
// engine::RejectReason to KuCoin's code and message, plus the few refusals the
// REST layer makes itself (unknown pair, unknown order). Business errors go out
// with HTTP 200 and the code in the body (KUCOIN-API.md); gateway errors
// (400101/400102, ...) come from the registry in core/error.h. `Refusal` is
// either of the two, so a parser can say "no" without knowing which.
// Immutable tables: any thread.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "core/error.h"
#include "core/service_state.h"
#include "engine/types.h"
#include "gateway/api_response.h"

namespace kc::api {

struct BusinessError {
  std::string_view code;     // "200004"
  std::string_view message;  // "Balance insufficient!"
};

// KuCoin's answer to an engine rejection. kNone has no business error and
// must not be passed (it maps to 500000's text as a last resort).
BusinessError ForReject(engine::RejectReason reason);

// Refusals made by the REST layer rather than the engine.
// Market data asked for a pair kcgate does not list (KuCoin's candles and
// ticker answer for an unknown pair).
inline constexpr BusinessError kPairNotProvided{"400100", "This pair is not provided at present"};
// A currency kcgate does not list.
inline constexpr BusinessError kCurrencyNotExists{"400100", "Currency does not exist."};
// An order query (by id or clientOid) that finds nothing of this user's.
inline constexpr BusinessError kOrderNotExist{"400100", "order not exist."};
// An account id that is not one of this user's accounts.
inline constexpr BusinessError kAccountNotExist{"400100", "account not exist."};

// A chain the currency does not have, or one closed for the operation.
inline constexpr BusinessError kChainNotSupported{"400100", "The chain is not supported."};
inline constexpr BusinessError kWithdrawalsDisabled{
    "400100", "Current currency does not support withdrawal."};
inline constexpr BusinessError kDepositsDisabled{"400100",
                                                 "Current currency does not support deposit."};
// ccxt's exceptions map records this answer of KuCoin's.
inline constexpr BusinessError kWithdrawalBelowMinimum{
    "400100", "The withdrawal amount is below the minimum requirement."};
inline constexpr BusinessError kWithdrawalAboveMaximum{
    "400100", "The withdrawal amount is above the maximum requirement."};
inline constexpr BusinessError kWithdrawalPrecision{"400100",
                                                    "The withdrawal amount precision is invalid."};
inline constexpr BusinessError kWithdrawalNotCancelable{
    "400100", "withdrawal not exist or not allow to cancel"};
inline constexpr BusinessError kWithdrawalNotExist{"400100", "withdrawal not exist."};

// A new order while the exchange is cancel-only (the gateway's AccessPolicy
// answers REST with the same code and text).
inline constexpr BusinessError kSuspendedFromCreatingOrders{kCancelOnlyRefusalCode,
                                                            kCancelOnlyRefusalMessage};

// A request refused either with a registry error or with a business error.
class Refusal {
 public:
  Refusal() = default;  // 500000; boost::system::result needs a default
  Refusal(Error error) : what_(std::move(error)) {}     // NOLINT(google-explicit-constructor)
  Refusal(ErrorCode code) : what_(Error(code)) {}       // NOLINT(google-explicit-constructor)
  Refusal(BusinessError business) : what_(business) {}  // NOLINT(google-explicit-constructor)
  Refusal(engine::RejectReason reason)                  // NOLINT(google-explicit-constructor)
      : what_(ForReject(reason)) {}

  gateway::ApiResponse ToResponse() const;
  // The code as KuCoin's body carries it ("400102", "200004").
  std::string Code() const;
  // The message alone (batch answers carry it as failMsg).
  std::string Message() const;
  bool is_business() const { return std::holds_alternative<BusinessError>(what_); }

 private:
  std::variant<Error, BusinessError> what_;
};

// ApiResponse::Business with `error`'s code and message.
gateway::ApiResponse BusinessResponse(const BusinessError& error);

}  // namespace kc::api
