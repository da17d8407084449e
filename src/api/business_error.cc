// Where a text is KuCoin's own it is quoted from KuCoin's spot error-code page
// (200003, 200004, 400600) or from a real KuCoin answer that ccxt's kucoin.js
// `exceptions` map records ("Unsupported trading pair.", "Order size below the
// minimum requirement.", "Order size increment invalid." with 600100, "Funds
// below the minimum requirement." with 600100,
// "order_not_exist_or_not_allow_to_cancel", "order not exist.") or from
// KuCoin's answer to a reused clientOid ("validation.createOrder.clientOidDuplicated",
// reported against /api/v1/orders). The rest follow the same pattern and are
// kcgate's rule where KuCoin publishes no text.
#include "api/business_error.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace kc::api {

using engine::RejectReason;

BusinessError ForReject(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNone:
      break;
    case RejectReason::kUnknownSymbol:
      return {"400100", "Unsupported trading pair."};
    case RejectReason::kTradingDisabled:
      return {"400600", "validation.createOrder.symbolNotAvailable"};
    case RejectReason::kUnknownCurrency:
      return kCurrencyNotExists;
    case RejectReason::kInvalidPrice:
      return {"400100", "Order price invalid."};
    case RejectReason::kPriceIncrement:
      return {"600100", "Price increment invalid."};
    case RejectReason::kInvalidSize:
      return {"400100", "Order size invalid."};
    case RejectReason::kSizeIncrement:
      return {"600100", "Order size increment invalid."};
    case RejectReason::kFundsIncrement:
      return {"600100", "Funds increment invalid."};
    case RejectReason::kBelowMinSize:
      return {"400100", "Order size below the minimum requirement."};
    case RejectReason::kAboveMaxSize:
      return {"400100", "Order size above the maximum requirement."};
    case RejectReason::kBelowMinFunds:
      return {"600100", "Funds below the minimum requirement."};
    case RejectReason::kAboveMaxFunds:
      return {"400100", "Funds above the maximum requirement."};
    case RejectReason::kInvalidTimeInForce:
      return {"400100", "postOnly is not allowed with timeInForce IOC or FOK."};
    case RejectReason::kInvalidCancelAfter:
      return {"400100", "cancelAfter not in the given range!"};
    case RejectReason::kInvalidVisibleSize:
      return {"400100", "visibleSize not in the given range!"};
    case RejectReason::kPostOnlyWouldCross:
      return {"400100", "The post-only order would match immediately."};
    case RejectReason::kBalanceInsufficient:
      return {"200004", "Balance insufficient!"};
    case RejectReason::kOrderNotFound:
      return {"400100", "order_not_exist_or_not_allow_to_cancel"};
    case RejectReason::kDuplicateClientOid:
      return {"400100", "validation.createOrder.clientOidDuplicated"};
    case RejectReason::kInvalidClientOid:
      return {"400100", "clientOid not in the given range!"};
    case RejectReason::kInvalidAmount:
      return {"400100", "amount not in the given range!"};
    case RejectReason::kSameAccount:
      return {"400100", "The payment and receiving accounts are the same."};
    case RejectReason::kNothingToAmend:
      return {"400100", "newPrice and newSize cannot both be empty."};
    case RejectReason::kTooManyOrders:
      return {"200003", "Number of orders breached the limit"};
    case RejectReason::kInvalidTimeout:
      return {"400100", "timeout not in the given range!"};
    case RejectReason::kUnknownChain:
      return kChainNotSupported;
    case RejectReason::kWithdrawalNotFound:
      return kWithdrawalNotCancelable;
  }
  return {"500000", "Internal Server Error"};
}

gateway::ApiResponse BusinessResponse(const BusinessError& error) {
  return gateway::ApiResponse::Business(error.code,
                                        boost::json::serialize(boost::json::string(error.message)));
}

gateway::ApiResponse Refusal::ToResponse() const {
  if (const auto* business = std::get_if<BusinessError>(&what_)) {
    return BusinessResponse(*business);
  }
  return gateway::ApiResponse::Fail(std::get<Error>(what_));
}

std::string Refusal::Code() const {
  if (const auto* business = std::get_if<BusinessError>(&what_)) {
    return std::string(business->code);
  }
  return std::to_string(Numeric(std::get<Error>(what_).code()));
}

std::string Refusal::Message() const {
  if (const auto* business = std::get_if<BusinessError>(&what_)) {
    return std::string(business->message);
  }
  return std::get<Error>(what_).Message();
}

}  // namespace kc::api
