// The market's rules for a new order, before balances and the book: known and
// enabled symbol, increments, minimums and maximums, and which options go
// together. Shared by the engine (every PlaceOrder) and the REST /test routes,
// which check an order without placing it. Pure; any thread.
#pragma once

#include "engine/commands.h"
#include "engine/markets.h"

namespace kc::engine {

RejectReason ValidateOrder(const PlaceOrder& order, const MarketConfig& markets);

}  // namespace kc::engine
