// The exchange core: markets, books, accounts, matching and history behind one
// facade. Apply() takes a TimedCommand and returns its result; every effect is
// reported to the EventSink during the call; queries read the state. No I/O,
// no threads, no clock: time comes from the command. Replaying the same
// TimedCommands into a fresh Exchange rebuilds identical state (ids, sequences,
// balances). Single-threaded: the engine thread (CommandLoop) owns it.
//
// Money: sizes are at the base currency's scale; prices, funds and fees at the
// quote currency's. A trade's funds are price x size rounded down; fees are
// charged in the quote currency (KuCoin's default), rounded down per fill, the
// buyer paying funds + fee and the seller receiving funds - fee. Holds:
//   limit buy   ceil(price x size) + ceil(that x max(maker, taker) rate)
//   limit sell  size
//   market buy by funds   funds + ceil(funds x taker rate)
//   market sell by size   size
//   market buy by size / market sell by funds   all available (released at the end)
// so a fill can never spend more than its order holds.
//
// clientOid (KuCoin: unique per user): a PlaceOrder whose clientOid belongs to
// an order the engine still knows (active, or within the done history) is
// rejected with kDuplicateClientOid and existing_order_id names that order; the
// api layer may answer a client retry with the existing order (idempotency).
//
// Self-trade prevention follows the taker's stp: CN cancels the taker, CO the
// resting order, CB both, DC decreases both by the smaller and cancels that
// one (for a market order by funds DC acts as CN, having no size to decrease).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/accounts.h"
#include "engine/commands.h"
#include "engine/events.h"
#include "engine/flat_map.h"
#include "engine/market_data.h"
#include "engine/markets.h"
#include "engine/order.h"
#include "engine/order_book.h"
#include "engine/ring.h"

namespace kc::engine {

struct ExchangeOptions {
  std::size_t max_active_orders_per_user = 2000;
  // Bounded histories (oldest forgotten first).
  std::size_t done_order_capacity = 1 << 16;
  std::size_t fill_capacity = 1 << 16;
  std::size_t ledger_capacity = 1 << 16;
  // Deposits, and withdrawals once finished (processing ones are all kept).
  std::size_t funding_capacity = 1 << 14;
};

// One side of a trade, as the user who owns the order sees it (/api/v1/fills).
struct Fill {
  std::uint64_t id = 0;  // per fill (HF fills' "id")
  std::uint64_t trade_id = 0;
  Uid uid = 0;
  SymbolId symbol = 0;
  OrderId order_id;
  OrderId counter_order_id;
  Side side = Side::kBuy;
  Liquidity liquidity = Liquidity::kTaker;
  OrderType order_type = OrderType::kLimit;
  Units price = 0;
  Units size = 0;
  Units funds = 0;
  Units fee = 0;
  std::int64_t fee_rate = 0;  // kRateScale
  Timestamp created_at = 0;
};

struct OrderFilter {
  Uid uid = 0;
  std::optional<SymbolId> symbol = std::nullopt;
  std::optional<Side> side = std::nullopt;
  std::optional<OrderType> type = std::nullopt;
  Timestamp start = 0;  // created_at bounds, inclusive; 0 = unbounded
  Timestamp end = 0;
};

struct FillFilter {
  Uid uid = 0;
  std::optional<SymbolId> symbol = std::nullopt;
  std::optional<OrderId> order_id = std::nullopt;
  std::optional<Side> side = std::nullopt;
  std::optional<OrderType> type = std::nullopt;
  Timestamp start = 0;
  Timestamp end = 0;
};

struct BookSnapshot {
  std::uint64_t sequence = 0;
  std::vector<BookLevel> bids;  // best first
  std::vector<BookLevel> asks;  // best first
};

// A user's dead-cancel-all setting (SetDeadCancel), until it fires or is cleared.
struct DeadCancel {
  std::int32_t timeout = 0;       // seconds
  std::vector<SymbolId> symbols;  // as set; empty: all pairs
  Timestamp set_at = 0;
  Timestamp trigger_at = 0;  // set_at + timeout
};

// A stop order (PlaceStopOrder): untriggered, its funds held outside the
// book; once triggered, kept (bounded, as done orders are) with the time it
// triggered, its order placed under the same id.
struct StopOrder {
  OrderId id;
  PlaceOrder order;  // placed under `id` when triggered
  StopKind stop = StopKind::kLoss;
  Units stop_price = 0;
  Units hold = 0;  // 0 once triggered
  Timestamp created_at = 0;
  Timestamp triggered_at = 0;  // 0: not triggered
  bool triggered() const { return triggered_at != 0; }
  // A trade at or below stop_price triggers it (else at or above).
  bool falling() const { return (stop == StopKind::kLoss) == (order.side == Side::kSell); }
};

// A deposit (the Deposit command; kcgate's deposits are admin credits).
struct DepositRecord {
  OrderId id;
  Uid uid = 0;
  CurrencyId currency = 0;
  AccountType account = AccountType::kMain;
  Units amount = 0;
  Timestamp created_at = 0;
};

enum class WithdrawalStatus : std::uint8_t { kProcessing, kSuccess, kFailure };
std::string_view ToString(WithdrawalStatus status);  // "PROCESSING", "SUCCESS", "FAILURE"

// A withdrawal (Withdraw): amount + fee held on the main account while processing.
struct Withdrawal {
  OrderId id;
  Uid uid = 0;
  CurrencyId currency = 0;
  std::uint8_t chain = 0;
  bool inner = false;
  bool canceled = false;  // FAILURE by the user's cancel
  WithdrawalStatus status = WithdrawalStatus::kProcessing;
  Units amount = 0;  // what the address receives
  Units fee = 0;
  Address address;
  Memo memo;
  Remark remark;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp complete_at = 0;  // 0: stays processing until canceled
  Units hold() const { return amount + fee; }
};

class Exchange {
 public:
  // `sink` must outlive the Exchange.
  Exchange(MarketConfig markets, EventSink* sink, ExchangeOptions options = {});
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  CommandResult Apply(const TimedCommand& command);

  // --- Queries (same thread as Apply). ---
  const MarketConfig& markets() const { return markets_; }
  // Active or still in the done history; only the owner's orders.
  std::optional<Order> FindOrder(Uid uid, OrderId id) const;
  std::optional<Order> FindOrderByClientOid(Uid uid, std::string_view client_oid) const;
  // Newest first.
  std::vector<Order> ActiveOrders(Uid uid, std::optional<SymbolId> symbol = std::nullopt) const;
  // Done orders, newest first, skipping `offset` matches, at most `limit`;
  // returns the number of matches (for KuCoin's totalNum).
  std::size_t DoneOrders(const OrderFilter& filter, std::size_t offset, std::size_t limit,
                         std::vector<Order>* out) const;
  std::size_t Fills(const FillFilter& filter, std::size_t offset, std::size_t limit,
                    std::vector<Fill>* out) const;
  BookSnapshot Book(SymbolId symbol, std::size_t depth) const;  // depth 0 = full
  const OrderBook& book(SymbolId symbol) const { return books_.at(symbol); }
  const MarketData& market_data(SymbolId symbol) const { return market_data_.at(symbol); }
  const Accounts& accounts() const { return accounts_; }
  Units fees_collected(CurrencyId currency) const { return fees_.at(currency); }
  // What completed withdrawals took out of the exchange (their amounts).
  Units withdrawn(CurrencyId currency) const { return withdrawn_.at(currency); }
  // withdrawals.cc. Newest first; each list bounded by funding_capacity.
  std::vector<DepositRecord> Deposits(Uid uid) const;
  std::vector<Withdrawal> Withdrawals(Uid uid) const;
  std::optional<Withdrawal> FindWithdrawal(Uid uid, OrderId id) const;
  std::optional<DeadCancel> DeadCancelOf(Uid uid) const;
  // Stop orders (the owner's only): by id, untriggered or triggered; the
  // untriggered list oldest first; by clientOid the newest of either kind.
  std::optional<StopOrder> FindStopOrder(Uid uid, OrderId id) const;
  std::vector<StopOrder> StopOrders(Uid uid) const;
  std::optional<StopOrder> FindStopOrderByClientOid(Uid uid, const ClientOid& client_oid) const;
  // The earliest GTT expiry or dead-cancel-all trigger, if any (CommandLoop
  // issues ExpireOrders then).
  std::optional<Timestamp> NextExpiry() const;
  // A hash of all state that replay must reproduce.
  std::uint64_t StateDigest() const;
  // Aborts on a crossed book, a negative balance, or holds that do not match
  // the active orders (tests and property checks).
  void CheckInvariants() const;

  // --- Snapshots (engine/snapshot.h): all the state replay would rebuild, so
  // that a restart loads the latest one and replays only what came after. ---
  // Appends the snapshot's bytes to *out.
  void SaveSnapshot(std::string* out) const;
  // Replaces the whole state with the snapshot's. false, state unchanged and
  // *error (if given) saying why, when the bytes are damaged, of another format
  // version, or from other markets or history capacities.
  bool LoadSnapshot(std::string_view bytes, std::string* error = nullptr);

 private:
  friend class SnapshotAccess;  // engine/snapshot.cc

  struct UserOrders {
    std::uint32_t head = kNoOrder;
    std::uint32_t active = 0;
    std::uint32_t stops = 0;  // untriggered stop orders (they count toward the limit)
  };

  CommandResult DoDeposit(const Deposit& c, Timestamp ts);
  CommandResult DoTransfer(const InnerTransfer& c, Timestamp ts);
  // `id`: a triggered stop order's (else a new one).
  CommandResult DoPlace(const PlaceOrder& c, Timestamp ts, bool amend, OrderId id = {});
  CommandResult DoCancel(Uid uid, OrderId id, Timestamp ts);
  CommandResult DoCancelByClientOid(const CancelByClientOid& c, Timestamp ts);
  CommandResult DoCancelAll(const CancelAll& c, Timestamp ts);
  CommandResult DoAmend(const AmendOrder& c, Timestamp ts);
  CommandResult DoExpire(const ExpireOrders& c, Timestamp ts);
  CommandResult DoReduce(const ReduceOrder& c, Timestamp ts);
  CommandResult DoSetDeadCancel(const SetDeadCancel& c, Timestamp ts);
  // stop_orders.cc
  CommandResult DoPlaceStop(const PlaceStopOrder& c, Timestamp ts);
  CommandResult DoCancelStops(const CancelStopOrders& c, Timestamp ts);
  void TriggerStops(Timestamp ts);
  void IndexStop(const StopOrder& s);
  void UnindexStop(const StopOrder& s);
  void ReleaseStopHold(const StopOrder& s, Timestamp ts);
  // Takes an untriggered stop order out (unindexed, hold released, counted off).
  StopOrder RemoveStop(std::uint64_t seq, Timestamp ts);
  void EmitStop(const StopOrder& s, StopEventType type, Timestamp ts);
  // Cancels the user's untriggered stop orders on `symbols` (all when empty).
  void CancelStopsOf(Uid uid, const std::vector<SymbolId>& symbols, Timestamp ts,
                     std::vector<OrderId>* canceled);
  void ClearDeadCancel(Uid uid);
  // withdrawals.cc
  void RecordDeposit(const Deposit& c, OrderId id, Timestamp ts);
  CommandResult DoWithdraw(const Withdraw& c, Timestamp ts);
  CommandResult DoCancelWithdrawal(const CancelWithdrawal& c, Timestamp ts);
  void CompleteWithdrawals(Timestamp now, Timestamp ts);
  void ForgetOldWithdrawals();

  // Parameter checks of a new order (no balances, no book).
  RejectReason Validate(const PlaceOrder& c) const;
  // The amount to hold for a new order; nullopt when it overflows.
  std::optional<Units> HoldFor(const PlaceOrder& c, const Account& hold_account) const;
  bool WouldCross(const PlaceOrder& c) const;
  bool FokFillable(const PlaceOrder& c) const;

  // matching.cc. Match returns false when the taker ended inside (STP cancel).
  enum class StpOutcome { kContinue, kTakerDone };
  bool Match(std::uint32_t taker, Timestamp ts);
  StpOutcome SelfTrade(std::uint32_t taker, std::uint32_t maker, Timestamp ts);
  Units AffordableSize(const Order& taker, Units price, Units want) const;
  void Execute(std::uint32_t taker, std::uint32_t maker, Units qty, Timestamp ts);
  void Settle(Order& order, const Order& counter, Liquidity liquidity, Units qty, Units funds,
              Units fee, std::int64_t fee_rate, Timestamp ts, std::uint64_t trade_id);

  // Lifecycle.
  void CancelActive(std::uint32_t index, Timestamp ts);
  void Finish(std::uint32_t index, Timestamp ts);               // done: release hold, history, free
  void Decrease(std::uint32_t index, Units qty, Timestamp ts);  // DC on a resting order
  std::uint32_t FindActive(Uid uid, OrderId id) const;
  std::optional<OrderId> ClientOidOwner(Uid uid, std::string_view client_oid) const;
  static std::uint64_t ClientOidKey(Uid uid, std::string_view client_oid);
  Account& HoldAccount(const Order& o, Timestamp ts);
  OrderEvent MakeEvent(const Order& o, OrderEventType type, Timestamp ts) const;
  int BaseScale(SymbolId s) const { return markets_.base_scale(s); }
  int QuoteScale(SymbolId s) const { return markets_.quote_scale(s); }

  MarketConfig markets_;
  EventSink* sink_;
  ExchangeOptions options_;
  OrderPool pool_;
  std::vector<OrderBook> books_;
  std::vector<MarketData> market_data_;
  Accounts accounts_;
  std::vector<Units> fees_;  // per currency

  FlatMap active_;       // order seq -> pool index
  FlatMap client_oids_;  // ClientOidKey -> order seq
  Ring<Order> done_;
  // order seq -> done_ position + 1, direct-mapped: one memory access, no
  // erase; a slot reused by a later order just makes the older one unfindable
  // (lookups verify the seq), which only happens beyond the history's reach.
  std::vector<std::uint64_t> done_slots_;
  Ring<Fill> fills_;
  IdMap<UserOrders> users_;
  std::set<std::pair<Timestamp, std::uint64_t>> expiries_;  // (expire_at, seq)
  // Ordered maps: snapshots and StateDigest walk them in a stable order.
  std::map<Uid, DeadCancel> dead_cancels_;
  std::set<std::pair<Timestamp, Uid>> dead_cancel_triggers_;  // (trigger_at, uid)
  std::map<std::uint64_t, StopOrder> stops_;                  // by seq: placement order
  std::map<std::uint64_t, StopOrder> triggered_stops_;        // by seq, done_order_capacity
  // (symbol, stop_price, seq), rising ones by stop_price and falling ones by
  // -stop_price, so that a trade's due stops are a prefix of its symbol's.
  std::set<std::tuple<SymbolId, Units, std::uint64_t>> rising_stops_, falling_stops_;
  // Trades of the current command while stop orders exist: (symbol, price).
  std::vector<std::pair<SymbolId, Units>> stop_trades_;
  // Deposits and withdrawals (withdrawals.cc).
  std::vector<Units> withdrawn_;  // per currency
  Ring<DepositRecord> deposits_;
  std::map<std::uint64_t, Withdrawal> withdrawals_;               // by seq
  std::set<std::pair<Timestamp, std::uint64_t>> withdrawal_due_;  // (complete_at, seq)
  std::size_t finished_withdrawals_ = 0;

  std::uint64_t next_order_seq_ = 1;
  std::uint64_t next_trade_id_ = 1;
  std::uint64_t next_fill_id_ = 1;
  Timestamp last_ts_ = 0;
};

}  // namespace kc::engine
