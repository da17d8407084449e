// A bounded history: the newest `capacity` items, addressed by an absolute
// position that keeps increasing, so an index kept elsewhere can tell when its
// item has been evicted. Done orders, fills, ledger entries and recent trades
// use it to keep memory bounded however long the engine runs. Engine thread.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace kc::engine {

template <typename T>
class Ring {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  explicit Ring(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Returns the item's absolute position.
  std::uint64_t Push(const T& item) {
    if (items_.size() < capacity_) {
      items_.push_back(item);
    } else {
      items_[next_] = item;
    }
    if (++next_ == capacity_) next_ = 0;
    return end_++;
  }
  // The newest item; the ring must not be empty.
  T& Newest() { return items_[next_ == 0 ? capacity_ - 1 : next_ - 1]; }
  const T& Newest() const { return items_[next_ == 0 ? capacity_ - 1 : next_ - 1]; }
  // Whether `pos` has been pushed and not evicted yet.
  bool Holds(std::uint64_t pos) const { return pos < end_ && pos >= begin(); }
  const T& At(std::uint64_t pos) const {
    if (!Holds(pos)) std::abort();
    return items_[static_cast<std::size_t>(pos % capacity_)];
  }
  T& At(std::uint64_t pos) {
    if (!Holds(pos)) std::abort();
    return items_[static_cast<std::size_t>(pos % capacity_)];
  }
  // The item that the next Push will evict, if any.
  const T* Evicting() const { return items_.size() < capacity_ ? nullptr : &items_[next_]; }
  std::uint64_t begin() const { return end_ - items_.size(); }
  std::uint64_t end() const { return end_; }
  std::size_t size() const { return items_.size(); }
  std::size_t capacity() const { return capacity_; }

  // Newest first; stops when fn returns false.
  template <typename Fn>
  void ForEachNewest(Fn&& fn) const {
    for (std::uint64_t p = end_; p > begin(); --p) {
      if (!fn(At(p - 1))) return;
    }
  }

 private:
  std::size_t capacity_;
  std::vector<T> items_;
  std::uint64_t end_ = 0;
  std::size_t next_ = 0;  // end_ % capacity_, kept without a division per push
};

}  // namespace kc::engine
