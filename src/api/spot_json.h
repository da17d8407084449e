// KuCoin's JSON for the spot exchange's objects, and the query parameters the
// spot routes share. Orders, fills, accounts and ledger entries are rendered
// field for field as KuCoin sends them (shared/reference/: the ccxt recordings
// for the classic shapes, the official SDK's examples for the HF ones). Pure
// functions of copies taken from the engine: any thread (renderers run on the
// client's event loop, never on the engine thread).
#pragma once

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/business_error.h"
#include "api/paging.h"
#include "core/error.h"
#include "engine/accounts.h"
#include "engine/exchange.h"
#include "engine/markets.h"
#include "engine/order.h"
#include "gateway/call.h"

namespace kc::api {

// The engine keys accounts by uid << 12 and keeps uids below 2^51.
inline constexpr std::int64_t kMaxEngineUid = (std::int64_t{1} << 51) - 1;

// The engine uid of the caller's key; nullopt when the key's uid is outside
// what the engine can hold (answered with 400010).
std::optional<engine::Uid> TradingUid(const gateway::Call& call);

// "43396.4": an amount in `scale` units, without trailing zeros.
std::string Amount(engine::Units units, int scale);
// A fee rate at engine::kRateScale: "0.001".
std::string Rate(std::int64_t rate);

// Order JSON. Classic: GET /api/v1/orders[/{id}], as ccxt records it. HF:
// GET /api/v1/hf/orders/{id}, /active, /done, as the official SDK models it.
boost::json::object ClassicOrderJson(const engine::Order& order,
                                     const engine::MarketConfig& markets);
boost::json::object HfOrderJson(const engine::Order& order, const engine::MarketConfig& markets);
// The status fields of KuCoin's "sync" answers: originSize, dealSize,
// remainSize, canceledSize, status ("open" / "done").
void AddSyncFields(const engine::Order& order, const engine::MarketConfig& markets,
                   boost::json::object& out);

// Fill JSON: classic /api/v1/fills and /api/v1/limit/fills; HF /api/v1/hf/fills.
boost::json::object ClassicFillJson(const engine::Fill& fill, const engine::MarketConfig& markets);
boost::json::object HfFillJson(const engine::Fill& fill, const engine::MarketConfig& markets);

// One entry of /api/v1/accounts.
boost::json::object AccountJson(const engine::Account& account,
                                const engine::MarketConfig& markets);
// Ledger entries: classic /api/v1/accounts/ledgers and HF /api/v1/hf/accounts/ledgers.
boost::json::object LedgerJson(const engine::LedgerEntry& entry,
                               const engine::MarketConfig& markets);
boost::json::object HfLedgerJson(const engine::LedgerEntry& entry,
                                 const engine::MarketConfig& markets);

// --- Query parameters (400102 when present but malformed). ---

// ?symbol=: nullopt when absent (or required and absent: 400102); an unknown
// pair is the business refusal `unknown`.
boost::system::result<std::optional<engine::SymbolId>, Refusal> ReadSymbol(
    const gateway::Call& call, const engine::MarketConfig& markets, bool required,
    const BusinessError& unknown = ForReject(engine::RejectReason::kUnknownSymbol));
boost::system::result<std::optional<engine::Side>, Error> ReadSide(const gateway::Call& call);
boost::system::result<std::optional<engine::OrderType>, Error> ReadOrderType(
    const gateway::Call& call);
// A non-negative integer parameter; nullopt when absent or empty.
boost::system::result<std::optional<std::int64_t>, Error> ReadInteger(const gateway::Call& call,
                                                                      std::string_view name);
// startAt / endAt in milliseconds as engine nanoseconds (0 = unbounded).
boost::system::result<engine::Timestamp, Error> ReadMillis(const gateway::Call& call,
                                                           std::string_view name);
// tradeType: absent or "TRADE" (spot) is fine; margin trade types are refused
// with 400102 because kcgate has no margin.
boost::system::result<void, Error> CheckTradeType(const gateway::Call& call);

}  // namespace kc::api
