// What the engine tells the world, and the interface it tells it through.
// Events are plain values carrying the command's timestamp (never wall time),
// enough to build KuCoin's /spotMarket/tradeOrdersV2, /market/match,
// /market/level2 and /account/balance payloads. The engine calls the sink on
// its own thread; CommandLoop buffers a batch's events and hands them to the
// real sink only after the batch is journaled.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "engine/types.h"

namespace kc::engine {

// tradeOrdersV2 "type"; the status field follows from it (received -> "new",
// open -> "open", match/update -> "open" or "match", filled/canceled -> "done").
enum class OrderEventType : std::uint8_t { kReceived, kOpen, kMatch, kUpdate, kFilled, kCanceled };
std::string_view ToString(OrderEventType type);  // "received", "open", ...

struct OrderEvent {
  OrderEventType type;
  Timestamp ts;
  Uid uid;
  SymbolId symbol;
  OrderId order_id;
  ClientOid client_oid;
  Side side;
  OrderType order_type;
  Timestamp order_time;  // the order's createdAt
  Units price;           // 0 for market orders
  Units origin_size;     // as placed (0 for funds orders)
  Units origin_funds;    // funds orders
  Units size;            // current total size after amendments/decreases
  Units filled_size;
  Units remain_size;  // still open
  Units canceled_size;
  Units remain_funds;  // funds orders
  bool in_book;        // status "open" (resting) vs "match" (partially filled, taker)
  // kMatch only:
  Units match_price = 0;
  Units match_size = 0;
  std::uint64_t trade_id = 0;
  Liquidity liquidity = Liquidity::kTaker;
  Units fee = 0;  // of this match
  // kUpdate only (size decreased by self-trade prevention):
  Units old_size = 0;
};

// One trade (/market/match, tickers, candles).
struct TradeEvent {
  Timestamp ts;
  SymbolId symbol;
  std::uint64_t sequence;  // the book sequence at this trade
  std::uint64_t trade_id;
  Side taker_side;
  Units price;
  Units size;
  Units funds;
  OrderId maker_order_id;
  OrderId taker_order_id;
  Uid maker_uid;
  Uid taker_uid;
};

// A level's visible size changed (0 = level gone). sequence increases by
// exactly one per event of a symbol, so increments stitch onto a snapshot that
// carries the sequence it was taken at.
struct BookEvent {
  Timestamp ts;
  SymbolId symbol;
  std::uint64_t sequence;
  Side side;
  Units price;
  Units size;
};

// What caused a balance change (KuCoin's relationEvent).
enum class BalanceCause : std::uint8_t {
  kDeposit,       // "main.deposit" / "trade.deposit"
  kTransfer,      // inner transfer
  kTradeHold,     // "trade.hold"
  kTradeRelease,  // "trade.hold" released on cancel / done
  kTradeSettled,  // "trade.setted"
  kWithdrawHold,  // "main.withdraw_hold" (held or released)
  kWithdrawDone,  // "main.withdraw_done"
};
std::string_view ToString(BalanceCause cause);

// An account after one command: one event per touched account per command.
struct BalanceEvent {
  Timestamp ts;
  Uid uid;
  OrderId account_id;  // KuCoin's accountId shape
  CurrencyId currency;
  AccountType account_type;
  Units total;
  Units available;
  Units hold;
  Units available_change;
  Units hold_change;
  BalanceCause cause;      // the first cause within the command
  SymbolId symbol;         // context when the cause is an order
  OrderId order_id;        // invalid when not order related
  std::uint64_t event_id;  // unique, increasing (relationEventId)
};

// A stop order's life (KuCoin's /spotMarket/advancedOrders): placed (open),
// triggered (its order placed under the same id) or canceled.
enum class StopEventType : std::uint8_t { kOpen, kTriggered, kCancel };
std::string_view ToString(StopEventType type);  // "open", "triggered", "cancel"

struct StopEvent {
  StopEventType type;
  Timestamp ts;
  Uid uid;
  SymbolId symbol;
  OrderId order_id;
  Side side;
  OrderType order_type;
  StopKind stop;
  Units price;  // limit orders
  Units size;   // 0 for a market buy by funds
  Units funds;
  Units stop_price;
  Timestamp created_at;
};

using Event = std::variant<OrderEvent, TradeEvent, BookEvent, BalanceEvent, StopEvent>;

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnOrder(const OrderEvent& e) = 0;
  virtual void OnTrade(const TradeEvent& e) = 0;
  virtual void OnBook(const BookEvent& e) = 0;
  virtual void OnBalance(const BalanceEvent& e) = 0;
  virtual void OnStop(const StopEvent&) {}
  // The end of a group of events handed on together (one CommandLoop batch,
  // already durable): a sink that coalesces publishes what it holds now.
  virtual void OnEventsEnd() {}
};

// Discards everything (benchmarks, replay).
class NullEventSink final : public EventSink {
 public:
  void OnOrder(const OrderEvent&) override {}
  void OnTrade(const TradeEvent&) override {}
  void OnBook(const BookEvent&) override {}
  void OnBalance(const BalanceEvent&) override {}
};

// Keeps events in order, to hand them on later (CommandLoop) or inspect (tests).
class EventBuffer final : public EventSink {
 public:
  void OnOrder(const OrderEvent& e) override { events_.emplace_back(e); }
  void OnTrade(const TradeEvent& e) override { events_.emplace_back(e); }
  void OnBook(const BookEvent& e) override { events_.emplace_back(e); }
  void OnBalance(const BalanceEvent& e) override { events_.emplace_back(e); }
  void OnStop(const StopEvent& e) override { events_.emplace_back(e); }
  void FlushTo(EventSink& sink);  // in order, then OnEventsEnd, then clears
  std::vector<Event>& events() { return events_; }
  void clear() { events_.clear(); }

 private:
  std::vector<Event> events_;
};

}  // namespace kc::engine
