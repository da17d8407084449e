// Reading a KuCoin order body into an engine::PlaceOrder, accepting what real
// clients send: decimals as strings (ccxt, the SDKs) or JSON numbers, booleans
// as JSON booleans or "true"/"false", `cancelAfter: -1` on GTC orders and
// `tradeType: "TRADE"` (the official SDK), unknown extra fields (tags, stop,
// ...) ignored. A missing or malformed parameter is 400102 (kucoin-node-sdk's
// HF helper drops price and size: that is one); a value the market refuses
// (increment, minimum, unknown pair) is KuCoin's business error. Any thread.
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <optional>

#include "api/business_error.h"
#include "engine/commands.h"
#include "engine/markets.h"

namespace kc::api {

// Parses one order. `symbol`, when given, is the pair of a classic batch
// (/api/v1/orders/multi carries it once, outside the orders).
boost::system::result<engine::PlaceOrder, Refusal> ParseOrder(
    const boost::json::object& body, const engine::MarketConfig& markets, engine::Uid uid,
    std::optional<engine::SymbolId> symbol = std::nullopt);

// A decimal field of a body ("price": "43396.4" or 43396.4) at `scale`.
// nullopt when absent or null; 400102 when not a decimal; `too_precise` when
// finer than the scale (finer than any increment).
boost::system::result<std::optional<engine::Units>, Refusal> ReadDecimalField(
    const boost::json::object& body, std::string_view name, int scale,
    engine::RejectReason too_precise, engine::RejectReason too_large);

}  // namespace kc::api
