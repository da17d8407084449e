// One symbol's order book: price levels in price-time priority, each a FIFO of
// resting orders linked intrusively through the OrderPool. Levels sit in a flat
// vector per side sorted so that the best price is at the back: the busy end of
// the book is cheap to insert into and erase from, and a lookup is a binary
// search. The book owns what a resting order shows (hidden shows nothing, an
// iceberg its visible slice, refreshed to the back of its level when used up)
// and reports every change of a level's shown size as a BookEvent with the
// next sequence number. Owned by the Exchange; engine thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "engine/events.h"
#include "engine/order.h"

namespace kc::engine {

struct Level {
  Units price = 0;
  Units visible = 0;  // what the public book shows
  Units total = 0;    // everything resting, hidden included
  std::uint32_t head = kNoOrder;
  std::uint32_t tail = kNoOrder;
  std::uint32_t count = 0;
};

struct BookLevel {
  Units price;
  Units size;
};

class OrderBook {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  OrderBook(SymbolId symbol, OrderPool* pool, EventSink* sink)
      : symbol_(symbol), pool_(pool), sink_(sink) {}

  // Links a resting order at the tail of its level and sets what it shows.
  void Add(std::uint32_t index, Timestamp ts);
  // Unlinks a resting order (cancel); empty levels disappear.
  void Remove(std::uint32_t index, Timestamp ts);
  // The order's remaining base just dropped by `qty` (the caller has already
  // updated deal/canceled sizes): levels and shown size follow; an order with
  // nothing left is unlinked; an iceberg whose slice is used up is refreshed
  // and moved to the back of its level.
  void Reduce(std::uint32_t index, Units qty, Timestamp ts);

  // How much of a resting order a taker can fill now.
  Units Matchable(const Order& order) const {
    return order.iceberg ? order.display : order.remaining();
  }

  // The best level of a side, or nullptr. Invalidated by any mutation.
  const Level* Best(Side side) const {
    const auto& v = Levels(side);
    return v.empty() ? nullptr : &v.back();
  }
  std::optional<Units> BestPrice(Side side) const {
    const Level* l = Best(side);
    return l ? std::optional<Units>(l->price) : std::nullopt;
  }
  // Best level that shows something (public best bid/ask), with its shown size.
  std::optional<BookLevel> BestVisible(Side side) const;

  // Levels of a side from the best outward (index 0 = best).
  std::size_t level_count(Side side) const { return Levels(side).size(); }
  const Level& level(Side side, std::size_t from_best) const {
    const auto& v = Levels(side);
    return v[v.size() - 1 - from_best];
  }

  // The public aggregated book: up to `depth` shown levels per side (0 = all).
  void Snapshot(std::size_t depth, std::vector<BookLevel>* bids,
                std::vector<BookLevel>* asks) const;

  std::uint64_t sequence() const { return sequence_; }
  SymbolId symbol() const { return symbol_; }
  std::size_t order_count() const { return orders_; }

  // Aborts when the structure is inconsistent (tests, property checks).
  void CheckInvariants() const;

 private:
  static Units Key(Side side, Units price) { return side == Side::kBuy ? price : -price; }
  std::vector<Level>& Levels(Side side) { return side == Side::kBuy ? bids_ : asks_; }
  const std::vector<Level>& Levels(Side side) const { return side == Side::kBuy ? bids_ : asks_; }
  std::vector<Units>& Keys(Side side) { return side == Side::kBuy ? bid_keys_ : ask_keys_; }
  const std::vector<Units>& Keys(Side side) const {
    return side == Side::kBuy ? bid_keys_ : ask_keys_;
  }
  // Recomputes the search keys from the levels (after a snapshot load).
  void RebuildKeys();
  // Index of the level at `price`, or of where it would be inserted.
  std::pair<std::size_t, bool> Find(Side side, Units price) const;
  // Index of a resting order's level.
  std::size_t LevelOf(const Order& order) const;
  void Unlink(Level& level, std::uint32_t index);
  void LinkTail(Level& level, std::uint32_t index);
  void EraseIfEmpty(Side side, std::size_t pos);
  void Shown(Side side, const Level& level, Timestamp ts);
  static Units Display(const Order& order);

  SymbolId symbol_;
  OrderPool* pool_;
  EventSink* sink_;
  std::vector<Level> bids_;
  std::vector<Level> asks_;
  // Key(side, price) of each level, in the same order: the binary search
  // probes these 8-byte keys, far fewer cache lines than the 40-byte levels.
  std::vector<Units> bid_keys_;
  std::vector<Units> ask_keys_;
  std::uint64_t sequence_ = 0;
  std::size_t orders_ = 0;
};

}  // namespace kc::engine
