#include "engine/types.h"

#include "core/hex.h"

namespace kc::engine {

void OrderId::AppendTo(std::string& out) const {
  char buf[24];
  for (int i = 0; i < 8; ++i) buf[i] = kLowerHexDigits[(seconds >> (28 - 4 * i)) & 0xf];
  for (int i = 0; i < 16; ++i) buf[8 + i] = kLowerHexDigits[(seq >> (60 - 4 * i)) & 0xf];
  out.append(buf, sizeof buf);
}

std::string OrderId::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

std::optional<OrderId> OrderId::Parse(std::string_view hex) {
  if (hex.size() != 24) return std::nullopt;
  OrderId id;
  for (std::size_t i = 0; i < 24; ++i) {
    const int v = HexDigitValue(hex[i]);
    if (v < 0) return std::nullopt;
    if (i < 8) {
      id.seconds = (id.seconds << 4) | static_cast<std::uint32_t>(v);
    } else {
      id.seq = (id.seq << 4) | static_cast<std::uint64_t>(v);
    }
  }
  if (!id.valid()) return std::nullopt;
  return id;
}

std::string_view ToString(RejectReason reason) {
  switch (reason) {
    case RejectReason::kNone:
      return "none";
    case RejectReason::kUnknownSymbol:
      return "unknown symbol";
    case RejectReason::kTradingDisabled:
      return "trading disabled";
    case RejectReason::kUnknownCurrency:
      return "unknown currency";
    case RejectReason::kInvalidPrice:
      return "invalid price";
    case RejectReason::kPriceIncrement:
      return "price increment";
    case RejectReason::kInvalidSize:
      return "invalid size";
    case RejectReason::kSizeIncrement:
      return "size increment";
    case RejectReason::kFundsIncrement:
      return "funds increment";
    case RejectReason::kBelowMinSize:
      return "below min size";
    case RejectReason::kAboveMaxSize:
      return "above max size";
    case RejectReason::kBelowMinFunds:
      return "below min funds";
    case RejectReason::kAboveMaxFunds:
      return "above max funds";
    case RejectReason::kInvalidTimeInForce:
      return "invalid time in force";
    case RejectReason::kInvalidCancelAfter:
      return "invalid cancelAfter";
    case RejectReason::kInvalidVisibleSize:
      return "invalid visible size";
    case RejectReason::kPostOnlyWouldCross:
      return "post only would cross";
    case RejectReason::kBalanceInsufficient:
      return "balance insufficient";
    case RejectReason::kOrderNotFound:
      return "order not found";
    case RejectReason::kDuplicateClientOid:
      return "duplicate clientOid";
    case RejectReason::kInvalidClientOid:
      return "invalid clientOid";
    case RejectReason::kInvalidAmount:
      return "invalid amount";
    case RejectReason::kSameAccount:
      return "same account";
    case RejectReason::kNothingToAmend:
      return "nothing to amend";
    case RejectReason::kTooManyOrders:
      return "too many orders";
    case RejectReason::kInvalidTimeout:
      return "invalid timeout";
    case RejectReason::kUnknownChain:
      return "unknown chain";
    case RejectReason::kWithdrawalNotFound:
      return "withdrawal not found";
  }
  return "unknown";
}

std::string_view ToString(StopKind stop) { return stop == StopKind::kLoss ? "loss" : "entry"; }
std::string_view ToString(Side side) { return side == Side::kBuy ? "buy" : "sell"; }
std::string_view ToString(OrderType type) { return type == OrderType::kLimit ? "limit" : "market"; }
std::string_view ToString(TimeInForce tif) {
  switch (tif) {
    case TimeInForce::kGtc:
      return "GTC";
    case TimeInForce::kGtt:
      return "GTT";
    case TimeInForce::kIoc:
      return "IOC";
    case TimeInForce::kFok:
      return "FOK";
  }
  return "";
}
std::string_view ToString(Stp stp) {
  switch (stp) {
    case Stp::kNone:
      return "";
    case Stp::kCn:
      return "CN";
    case Stp::kCo:
      return "CO";
    case Stp::kCb:
      return "CB";
    case Stp::kDc:
      return "DC";
  }
  return "";
}
std::string_view ToString(AccountType type) {
  return type == AccountType::kMain ? "main" : "trade";
}
std::string_view ToString(Liquidity liquidity) {
  return liquidity == Liquidity::kTaker ? "taker" : "maker";
}

}  // namespace kc::engine
