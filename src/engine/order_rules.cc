#include "engine/order_rules.h"

#include <algorithm>

#include "core/decimal.h"

namespace kc::engine {

RejectReason ValidateOrder(const PlaceOrder& c, const MarketConfig& markets) {
  if (c.symbol >= markets.symbols.size()) return RejectReason::kUnknownSymbol;
  const SymbolSpec& s = markets.symbol(c.symbol);
  if (!s.enable_trading) return RejectReason::kTradingDisabled;
  const int bs = markets.base_scale(c.symbol);
  const int qs = markets.quote_scale(c.symbol);
  const Units min_funds = std::max(s.min_funds, s.quote_min_size);
  auto check_size = [&](Units size) {
    if (size <= 0) return RejectReason::kInvalidSize;
    if (size % s.base_increment != 0) return RejectReason::kSizeIncrement;
    if (size < s.base_min_size) return RejectReason::kBelowMinSize;
    if (size > s.base_max_size) return RejectReason::kAboveMaxSize;
    return RejectReason::kNone;
  };
  if (c.type == OrderType::kLimit) {
    if (c.price <= 0) return RejectReason::kInvalidPrice;
    if (c.price % s.price_increment != 0) return RejectReason::kPriceIncrement;
    if (c.funds != 0) return RejectReason::kInvalidSize;
    if (RejectReason r = check_size(c.size); r != RejectReason::kNone) return r;
    const auto funds = MulDecimal(c.price, qs, c.size, bs, qs, Rounding::kCeiling);
    if (!funds || *funds > s.quote_max_size) return RejectReason::kAboveMaxFunds;
    if (*funds < min_funds) return RejectReason::kBelowMinFunds;
    if (c.post_only &&
        (c.time_in_force == TimeInForce::kIoc || c.time_in_force == TimeInForce::kFok)) {
      return RejectReason::kInvalidTimeInForce;
    }
    if (c.time_in_force == TimeInForce::kGtt &&
        (c.cancel_after <= 0 || c.cancel_after > 365ll * 86400 * 100)) {
      return RejectReason::kInvalidCancelAfter;
    }
    if (c.iceberg) {
      if (c.hidden || c.visible_size <= 0 || c.visible_size % s.base_increment != 0 ||
          c.visible_size > c.size) {
        return RejectReason::kInvalidVisibleSize;
      }
    }
    return RejectReason::kNone;
  }
  if (c.post_only) return RejectReason::kInvalidTimeInForce;
  if ((c.size != 0) == (c.funds != 0)) return RejectReason::kInvalidSize;
  if (c.size != 0) return check_size(c.size);
  if (c.funds < 0) return RejectReason::kInvalidSize;
  if (c.funds % s.quote_increment != 0) return RejectReason::kFundsIncrement;
  if (c.funds < min_funds) return RejectReason::kBelowMinFunds;
  if (c.funds > s.quote_max_size) return RejectReason::kAboveMaxFunds;
  return RejectReason::kNone;
}

}  // namespace kc::engine
