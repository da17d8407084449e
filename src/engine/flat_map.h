// An open-addressing hash map from a non-zero uint64 key to a uint64 value,
// sized in powers of two, with backward-shift deletion (no tombstones). The
// engine's id indexes use it so that placing and cancelling an order allocates
// nothing once the table has grown. Owned by one engine structure; engine thread.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
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

}  // namespace kc::engine
