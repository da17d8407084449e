// Commands: everything that changes exchange state, as plain values so that
// they can be journaled, replayed and compared. A TimedCommand carries the
// engine time at which it is applied; replaying the same TimedCommands rebuilds
// the same state, ids and sequences. Built by any thread, applied on the
// engine thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "engine/types.h"

namespace kc::engine {

// Admin funding (kcgate accounts deposit).
struct Deposit {
  Uid uid = 0;
  CurrencyId currency = 0;
  AccountType account = AccountType::kMain;
  Units amount = 0;
};

// POST /api/v2/accounts/inner-transfer between a user's main and trade accounts.
struct InnerTransfer {
  Uid uid = 0;
  CurrencyId currency = 0;
  AccountType from = AccountType::kMain;
  AccountType to = AccountType::kTrade;
  Units amount = 0;
  ClientOid client_oid{};
};

struct PlaceOrder {
  Uid uid = 0;
  SymbolId symbol = 0;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  Units price = 0;  // limit only
  Units size = 0;   // limit; market by size
  Units funds = 0;  // market by funds (exactly one of size / funds for market)
  TimeInForce time_in_force = TimeInForce::kGtc;
  std::int64_t cancel_after = 0;  // seconds, GTT only
  bool post_only = false;
  bool hidden = false;
  bool iceberg = false;
  Units visible_size = 0;  // iceberg only
  Stp stp = Stp::kNone;
  ClientOid client_oid{};
  Remark remark{};
};

struct CancelOrder {
  Uid uid = 0;
  OrderId order_id{};
};

// KuCoin's partial cancel (DELETE /api/v1/hf/orders/cancel/{orderId}):
// takes `size` off the order's remaining size, the rest staying in place
// (time priority kept); a size that reaches the remainder cancels the order.
struct ReduceOrder {
  Uid uid = 0;
  OrderId order_id{};
  SymbolId symbol = 0;  // the order must be of this pair (KuCoin's ?symbol=)
  Units size = 0;
};

struct CancelByClientOid {
  Uid uid = 0;
  ClientOid client_oid{};
};

// All active orders of the user, or of one symbol.
struct CancelAll {
  Uid uid = 0;
  std::optional<SymbolId> symbol = std::nullopt;
};

// KuCoin's hf/orders/alter: cancel and re-create with a new orderId and the
// same clientOid. new_size is the new total size; the new order gets
// new_size - dealSize, and when that is not positive the order is only canceled.
struct AmendOrder {
  Uid uid = 0;
  OrderId order_id{};      // either this ...
  ClientOid client_oid{};  // ... or this (when order_id is invalid)
  std::optional<Units> new_price = std::nullopt;
  std::optional<Units> new_size = std::nullopt;
};

// Cancels every GTT order whose cancelAfter has passed at `now`. Issued by the
// CommandLoop from its clock, journaled like any command.
struct ExpireOrders {
  Timestamp now = 0;
};

// KuCoin's dead-cancel-all (DCP, POST /api/v1/hf/orders/dead-cancel-all):
// unless set again within `timeout` seconds of this command, ExpireOrders
// cancels the user's active orders on `symbols` (all pairs when none) and
// clears the setting. A timeout of -1 clears it at once.
inline constexpr std::size_t kMaxDeadCancelSymbols = 50;  // KuCoin's limit
inline constexpr std::int32_t kDeadCancelMinTimeout = 5;
inline constexpr std::int32_t kDeadCancelMaxTimeout = 86'400;
struct SetDeadCancel {
  Uid uid = 0;
  std::int32_t timeout = 0;  // seconds: -1, or 5..86400
  std::uint8_t symbol_count = 0;
  // 16-bit ids keep the command no larger than a PlaceOrder (commands are
  // copied by value through the loop); the api refuses larger ids.
  std::array<std::uint16_t, kMaxDeadCancelSymbols> symbols{};
};

// KuCoin's stop order (POST /api/v1/stop-order): held apart from the book,
// its funds held as `order` would hold them, until a trade on its pair
// reaches stop_price (loss: a sell at or below, a buy at or above; entry: the
// opposite); then `order` is placed under the stop order's id.
struct PlaceStopOrder {
  PlaceOrder order;
  StopKind stop = StopKind::kLoss;
  Units stop_price = 0;
};

// Cancels untriggered stop orders of `uid`: the one with order_id when valid,
// else the one with client_oid when set, else all (of `symbol` when set).
struct CancelStopOrders {
  Uid uid = 0;
  OrderId order_id{};
  ClientOid client_oid{};
  std::optional<SymbolId> symbol = std::nullopt;
};

using Address = FixedString<62>;  // a withdrawal's destination (bech32 P2TR is 62)
using Memo = FixedString<16>;

// KuCoin's feeDeductType: INTERNAL takes the fee out of the amount, EXTERNAL
// holds it beside the amount; unspecified is EXTERNAL when the main account
// can pay both, else INTERNAL.
enum class FeeDeduct : std::uint8_t { kAuto, kInternal, kExternal };

// A withdrawal (POST /api/v1|v3/withdrawals), simulated: what leaves is held
// on the user's main account until ExpireOrders at `complete_after_ms` after
// the command marks it SUCCESS (it leaves through the exchange's recorded
// outflow, its fee is collected) or CancelWithdrawal releases it. The api
// checks the chain's rules and computes `fee` from its config.
struct Withdraw {
  Uid uid = 0;
  Units amount = 0;  // as requested (includes the fee under INTERNAL)
  Units fee = 0;
  CurrencyId currency = 0;
  std::int32_t complete_after_ms = 0;  // -1: stays processing until canceled
  std::uint8_t chain = 0;              // index into the currency's chains
  FeeDeduct fee_deduct = FeeDeduct::kAuto;
  bool inner = false;
  Address address{};
  Memo memo{};
  Remark remark{};
};

// Cancels a withdrawal still processing (DELETE /api/v1/withdrawals/{id}).
struct CancelWithdrawal {
  Uid uid = 0;
  OrderId withdrawal_id{};
};

using Command = std::variant<Deposit, InnerTransfer, PlaceOrder, CancelOrder, CancelByClientOid,
                             CancelAll, AmendOrder, ExpireOrders, ReduceOrder, SetDeadCancel,
                             PlaceStopOrder, CancelStopOrders, Withdraw, CancelWithdrawal>;

static_assert(sizeof(SetDeadCancel) <= sizeof(PlaceOrder));
static_assert(sizeof(Withdraw) <= sizeof(PlaceOrder));

struct TimedCommand {
  Timestamp ts = 0;
  Command command;
};

struct CommandResult {
  RejectReason reject = RejectReason::kNone;
  // Place: the new order. Amend: the new order (invalid when only canceled).
  // Cancel and reduce: the order. Transfer: the transfer's id. Deposit and
  // withdrawal: its id.
  OrderId order_id{};
  // Reduce: the size taken off (the remainder when the request reached it).
  Units reduced = 0;
  // Duplicate clientOid: the order that already holds it.
  OrderId existing_order_id{};
  // SetDeadCancel: the engine time it applied at (KuCoin's currentTime).
  Timestamp at = 0;
  // CancelAll / ExpireOrders: every order canceled.
  std::vector<OrderId> canceled;

  bool ok() const { return reject == RejectReason::kNone; }
};

}  // namespace kc::engine
