#include "engine/order_book.h"

#include <algorithm>
#include <cstdlib>

namespace kc::engine {

Units OrderBook::Display(const Order& order) {
  if (order.hidden) return 0;
  if (order.iceberg) return std::min(order.visible_size, order.remaining());
  return order.remaining();
}

std::pair<std::size_t, bool> OrderBook::Find(Side side, Units price) const {
  // The lower bound as the count of keys below `key`, narrowed eight ways at
  // a time: the seven probes of a round load in parallel, so a 300-level side
  // takes three dependent rounds where a binary search takes nine, and
  // nothing branches on the (unpredictable) comparisons.
  const auto& keys = Keys(side);
  const Units key = Key(side, price);
  const Units* k = keys.data();
  std::size_t lo = 0;           // keys[lo - 1] < key (or lo == 0)
  std::size_t n = keys.size();  // keys[lo + n] >= key (or lo + n == size)
  while (n >= 8) {
    const std::size_t step = n / 8;
    const Units* p = k + lo + step - 1;
    const std::size_t below =
        static_cast<std::size_t>(p[0] < key) + static_cast<std::size_t>(p[step] < key) +
        static_cast<std::size_t>(p[2 * step] < key) + static_cast<std::size_t>(p[3 * step] < key) +
        static_cast<std::size_t>(p[4 * step] < key) + static_cast<std::size_t>(p[5 * step] < key) +
        static_cast<std::size_t>(p[6 * step] < key);
    lo += below * step;
    n = below < 7 ? step - 1 : n - 7 * step;
  }
  std::size_t pos = lo;
  for (std::size_t i = lo; i < lo + n; ++i) pos += static_cast<std::size_t>(k[i] < key);
  return {pos, pos < keys.size() && k[pos] == key};
}

void OrderBook::RebuildKeys() {
  for (Side side : {Side::kBuy, Side::kSell}) {
    auto& keys = Keys(side);
    keys.clear();
    for (const Level& l : Levels(side)) keys.push_back(Key(side, l.price));
  }
}

std::size_t OrderBook::LevelOf(const Order& order) const {
  // Makers being filled rest at the best level, so it is tried first.
  const auto& v = Levels(order.side);
  if (!v.empty() && v.back().price == order.price) return v.size() - 1;
  const auto [pos, found] = Find(order.side, order.price);
  if (!found) std::abort();  // a resting order always has its level
  return pos;
}

void OrderBook::LinkTail(Level& level, std::uint32_t index) {
  Order& o = (*pool_)[index];
  o.prev = level.tail;
  o.next = kNoOrder;
  if (level.tail != kNoOrder) {
    (*pool_)[level.tail].next = index;
  } else {
    level.head = index;
  }
  level.tail = index;
  ++level.count;
}

void OrderBook::Unlink(Level& level, std::uint32_t index) {
  Order& o = (*pool_)[index];
  if (o.prev != kNoOrder) {
    (*pool_)[o.prev].next = o.next;
  } else {
    level.head = o.next;
  }
  if (o.next != kNoOrder) {
    (*pool_)[o.next].prev = o.prev;
  } else {
    level.tail = o.prev;
  }
  o.prev = o.next = kNoOrder;
  --level.count;
}

void OrderBook::Shown(Side side, const Level& level, Timestamp ts) {
  sink_->OnBook(BookEvent{ts, symbol_, ++sequence_, side, level.price, level.visible});
}

void OrderBook::EraseIfEmpty(Side side, std::size_t pos) {
  auto& v = Levels(side);
  if (v[pos].count == 0) {
    if (v[pos].total != 0 || v[pos].visible != 0) std::abort();
    v.erase(v.begin() + static_cast<std::ptrdiff_t>(pos));
    auto& keys = Keys(side);
    keys.erase(keys.begin() + static_cast<std::ptrdiff_t>(pos));
  }
}

void OrderBook::Add(std::uint32_t index, Timestamp ts) {
  Order& o = (*pool_)[index];
  if (o.remaining() <= 0 || o.price <= 0) std::abort();
  auto& v = Levels(o.side);
  auto [pos, found] = Find(o.side, o.price);
  if (!found) {
    Level l;
    l.price = o.price;
    v.insert(v.begin() + static_cast<std::ptrdiff_t>(pos), l);
    auto& keys = Keys(o.side);
    keys.insert(keys.begin() + static_cast<std::ptrdiff_t>(pos), Key(o.side, o.price));
  }
  Level& level = v[pos];
  o.display = Display(o);
  LinkTail(level, index);
  level.total += o.remaining();
  level.visible += o.display;
  ++orders_;
  if (o.display != 0) Shown(o.side, level, ts);
}

void OrderBook::Remove(std::uint32_t index, Timestamp ts) {
  Order& o = (*pool_)[index];
  const std::size_t pos = LevelOf(o);
  Level& level = Levels(o.side)[pos];
  Unlink(level, index);
  level.total -= o.remaining();
  level.visible -= o.display;
  --orders_;
  const Units shown = o.display;
  o.display = 0;
  if (shown != 0) Shown(o.side, level, ts);
  EraseIfEmpty(o.side, pos);
}

void OrderBook::Reduce(std::uint32_t index, Units qty, Timestamp ts) {
  Order& o = (*pool_)[index];
  if (qty <= 0) std::abort();
  const std::size_t pos = LevelOf(o);
  Level& level = Levels(o.side)[pos];
  level.total -= qty;
  const Units old_display = o.display;
  if (o.remaining() == 0) {
    Unlink(level, index);
    --orders_;
    o.display = 0;
  } else if (o.iceberg && qty >= old_display) {
    // The visible slice is used up: show a fresh one, behind everyone at this price.
    o.display = Display(o);
    Unlink(level, index);
    LinkTail(level, index);
  } else {
    o.display = o.hidden ? 0 : (o.iceberg ? old_display - qty : o.remaining());
  }
  level.visible += o.display - old_display;
  if (o.display != old_display) Shown(o.side, level, ts);
  if (level.count == 0) EraseIfEmpty(o.side, pos);
}

std::optional<BookLevel> OrderBook::BestVisible(Side side) const {
  const auto& v = Levels(side);
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    if (it->visible > 0) return BookLevel{it->price, it->visible};
  }
  return std::nullopt;
}

void OrderBook::Snapshot(std::size_t depth, std::vector<BookLevel>* bids,
                         std::vector<BookLevel>* asks) const {
  for (Side side : {Side::kBuy, Side::kSell}) {
    auto* out = side == Side::kBuy ? bids : asks;
    if (out == nullptr) continue;
    out->clear();
    const auto& v = Levels(side);
    for (auto it = v.rbegin(); it != v.rend(); ++it) {
      if (depth != 0 && out->size() >= depth) break;
      if (it->visible > 0) out->push_back({it->price, it->visible});
    }
  }
}

void OrderBook::CheckInvariants() const {
  std::size_t orders = 0;
  for (Side side : {Side::kBuy, Side::kSell}) {
    const auto& v = Levels(side);
    if (Keys(side).size() != v.size()) std::abort();
    for (std::size_t i = 0; i < v.size(); ++i) {
      const Level& l = v[i];
      if (Keys(side)[i] != Key(side, l.price)) std::abort();
      if (i > 0 && Key(side, v[i - 1].price) >= Key(side, l.price)) std::abort();
      Units total = 0, visible = 0;
      std::uint32_t count = 0;
      std::uint32_t prev = kNoOrder;
      for (std::uint32_t k = l.head; k != kNoOrder; k = (*pool_)[k].next) {
        const Order& o = (*pool_)[k];
        if (o.prev != prev || o.price != l.price || o.side != side) std::abort();
        if (o.remaining() <= 0 || o.status != OrderStatus::kOpen) std::abort();
        if (o.display != Display(o) && !(o.iceberg && o.display > 0 && o.display <= Display(o))) {
          std::abort();
        }
        total += o.remaining();
        visible += o.display;
        ++count;
        prev = k;
      }
      if (prev != l.tail || count != l.count || count == 0) std::abort();
      if (total != l.total || visible != l.visible) std::abort();
      orders += count;
    }
  }
  if (orders != orders_) std::abort();
  if (!bids_.empty() && !asks_.empty() && bids_.back().price >= asks_.back().price) std::abort();
}

}  // namespace kc::engine
