// An open-addressing hash map from a non-zero uint64 key to a uint64 value,
// sized in powers of two, with backward-shift deletion (no tombstones). The
// engine's id indexes use it so that placing and cancelling an order allocates
// nothing once the table has grown. Owned by one engine structure; engine thread.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>
#include <vector>

namespace kc::engine {

class FlatMap {
 public:
  explicit FlatMap(std::size_t initial_capacity = 64) { Rehash(RoundUp(initial_capacity)); }

  std::optional<std::uint64_t> Find(std::uint64_t key) const {
    if (key == 0) std::abort();
    for (std::size_t i = Slot(key);; i = (i + 1) & mask_) {
      const Entry& e = slots_[i];
      if (e.key == key) return e.value;
      if (e.key == 0) return std::nullopt;
    }
  }

  // Inserts or overwrites.
  void Put(std::uint64_t key, std::uint64_t value) {
    if (key == 0) std::abort();
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(slots_.size() * 2);
    for (std::size_t i = Slot(key);; i = (i + 1) & mask_) {
      Entry& e = slots_[i];
      if (e.key == key) {
        e.value = value;
        return;
      }
      if (e.key == 0) {
        e = {key, value};
        ++size_;
        return;
      }
    }
  }

  bool Erase(std::uint64_t key) {
    if (key == 0) std::abort();
    std::size_t i = Slot(key);
    for (;; i = (i + 1) & mask_) {
      if (slots_[i].key == key) break;
      if (slots_[i].key == 0) return false;
    }
    // Shift back any entry whose probe chain passes through the hole.
    std::size_t hole = i;
    for (std::size_t j = (i + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const std::size_t home = Slot(slots_[j].key);
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = {};
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }

 private:
  struct Entry {
    std::uint64_t key = 0;
    std::uint64_t value = 0;
  };

  static std::size_t RoundUp(std::size_t n) {
    std::size_t c = 16;
    while (c < n) c *= 2;
    return c;
  }
  std::size_t Slot(std::uint64_t key) const {
    // Fibonacci hashing spreads sequential ids over the table.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  void Rehash(std::size_t capacity) {
    std::vector<Entry> old;
    old.swap(slots_);
    slots_.assign(capacity, Entry{});
    mask_ = capacity - 1;
    shift_ = 64;
    for (std::size_t c = capacity; c > 1; c /= 2) --shift_;
    size_ = 0;
    for (const Entry& e : old) {
      if (e.key != 0) Put(e.key, e.value);
    }
  }

  std::vector<Entry> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  std::size_t size_ = 0;
};

// A map from any uint64 key to a value, for the engine's per-user records:
// a FlatMap from key to a position in a vector of (key, value), so a lookup is
// one probe of a flat table (std::unordered_map hashes by a division and
// chases a node). Inserting invalidates references to values (the vector may
// grow); nothing is ever erased. Iteration is in insertion order.
template <typename V>
class IdMap {
 public:
  using Entry = std::pair<std::uint64_t, V>;

  V* find(std::uint64_t key) {
    const std::size_t i = Position(key);
    return i == kAbsent ? nullptr : &entries_[i].second;
  }
  const V* find(std::uint64_t key) const {
    const std::size_t i = Position(key);
    return i == kAbsent ? nullptr : &entries_[i].second;
  }
  // Finds or inserts a default value.
  V& operator[](std::uint64_t key) { return emplace(key, V{}).first->second; }
  // Inserts unless present; .second says whether it did.
  std::pair<Entry*, bool> emplace(std::uint64_t key, const V& value) {
    const std::size_t i = Position(key);
    if (i != kAbsent) return {&entries_[i], false};
    entries_.emplace_back(key, value);
    if (key == kMaxKey) {
      max_key_ = entries_.size() - 1;
    } else {
      index_.Put(key + 1, entries_.size() - 1);
    }
    return {&entries_.back(), true};
  }
  std::size_t size() const { return entries_.size(); }
  typename std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  typename std::vector<Entry>::const_iterator end() const { return entries_.end(); }

 private:
  static constexpr std::size_t kAbsent = ~std::size_t{0};
  static constexpr std::uint64_t kMaxKey = ~std::uint64_t{0};  // key + 1 would be 0

  std::size_t Position(std::uint64_t key) const {
    if (key == kMaxKey) return max_key_;
    const auto i = index_.Find(key + 1);
    return i ? static_cast<std::size_t>(*i) : kAbsent;
  }

  FlatMap index_;
  std::vector<Entry> entries_;
  std::size_t max_key_ = kAbsent;
};

}  // namespace kc::engine
