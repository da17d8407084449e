// An order as the engine keeps it, and the pool that owns every active order.
// Active orders live in a slab indexed by uint32 (no allocation per order once
// the slab has grown); books link them intrusively. Engine thread only.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "engine/types.h"

namespace kc::engine {

inline constexpr std::uint32_t kNoOrder = 0xffffffff;
inline constexpr std::uint32_t kNoAccount = 0xffffffff;

enum class OrderStatus : std::uint8_t {
  kNew,   // received, not yet matched or rested
  kOpen,  // resting in the book
  kDone,  // filled or canceled
};

struct Order {
  OrderId id;
  Uid uid = 0;
  SymbolId symbol = 0;
  Side side = Side::kBuy;
  OrderType type = OrderType::kLimit;
  TimeInForce time_in_force = TimeInForce::kGtc;
  Stp stp = Stp::kNone;
  bool post_only = false;
  bool hidden = false;
  bool iceberg = false;
  OrderStatus status = OrderStatus::kNew;
  bool canceled = false;  // done by a cancel (KuCoin's cancelExist), not a full fill
  // Active orders: index of the account holding for it (Accounts::at), so a
  // fill or a cancel does not look it up; a cache, not saved by snapshots.
  std::uint32_t hold_account = kNoAccount;

  Units price = 0;         // quote scale; 0 for market orders
  Units size = 0;          // base scale; 0 for a market order by funds
  Units funds = 0;         // quote scale; market order by funds only
  Units visible_size = 0;  // iceberg only
  Units deal_size = 0;
  Units deal_funds = 0;
  Units fee = 0;             // quote scale, charged in the quote currency
  Units canceled_size = 0;   // base not filled when the order ended (size orders)
  Units canceled_funds = 0;  // funds not spent when the order ended (funds orders)
  Units display = 0;         // what this order shows in the book's level sizes
  Units hold = 0;            // still held for this order (quote for buys, base for sells)

  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  Timestamp expire_at = 0;        // GTT only; 0 = never
  std::int64_t cancel_after = 0;  // seconds, as given (GTT)
  ClientOid client_oid;
  Remark remark;

  // Intrusive links: the price level's FIFO while resting.
  std::uint32_t prev = kNoOrder;
  std::uint32_t next = kNoOrder;
  // Intrusive links: the user's active orders, newest first.
  std::uint32_t user_prev = kNoOrder;
  std::uint32_t user_next = kNoOrder;

  bool by_funds() const { return type == OrderType::kMarket && size == 0; }
  // Base still to fill (size orders).
  Units remaining() const { return size - deal_size - canceled_size; }
  Units remaining_funds() const { return funds - deal_funds - canceled_funds; }
  bool active() const { return status != OrderStatus::kDone; }
};

static_assert(std::is_trivially_copyable_v<Order>);

class OrderPool {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  std::uint32_t Allocate() {
    if (!free_.empty()) {
      const std::uint32_t i = free_.back();
      free_.pop_back();
      // A copy of a constant default Order compiles to plain vector stores;
      // `= Order{}` became a rep stos, slow to start, on every placement.
      static const Order kFresh{};
      std::memcpy(static_cast<void*>(&slots_[i]), &kFresh, sizeof(Order));
      return i;
    }
    if (slots_.size() >= kNoOrder) std::abort();
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  void Free(std::uint32_t i) { free_.push_back(i); }
  Order& operator[](std::uint32_t i) { return slots_[i]; }
  const Order& operator[](std::uint32_t i) const { return slots_[i]; }
  std::size_t live() const { return slots_.size() - free_.size(); }

 private:
  std::vector<Order> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace kc::engine
