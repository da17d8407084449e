#include "metrics/thread_shards.h"

#include <algorithm>
#include <new>

namespace kc::metrics {

namespace {
std::atomic<uint64_t> next_id{1};
}  // namespace

thread_local ThreadShards::Cache ThreadShards::cache_;

ThreadShards::ThreadShards(size_t slots)
    : id_(next_id.fetch_add(1, std::memory_order_relaxed)), slots_(slots) {}

void ThreadShards::FreeAligned::operator()(std::atomic<uint64_t>* slots) const {
  ::operator delete[](slots, std::align_val_t{kLine});
}

std::atomic<uint64_t>* ThreadShards::LocalSlow() {
  const std::thread::id self = std::this_thread::get_id();
  std::lock_guard lock(mutex_);
  std::atomic<uint64_t>* block = nullptr;
  for (Block& b : blocks_) {
    if (b.thread == self) block = b.slots.get();
  }
  if (block == nullptr) {
    // Rounded up to whole lines and line-aligned: no other block shares them.
    const size_t per_line = kLine / sizeof(std::atomic<uint64_t>);
    const size_t count = std::max<size_t>(1, (slots_ + per_line - 1) / per_line) * per_line;
    void* memory = ::operator new[](count * sizeof(std::atomic<uint64_t>), std::align_val_t{kLine});
    auto* slots = static_cast<std::atomic<uint64_t>*>(memory);
    for (size_t i = 0; i < count; ++i) new (&slots[i]) std::atomic<uint64_t>(0);
    blocks_.push_back(Block{self, std::unique_ptr<std::atomic<uint64_t>[], FreeAligned>(slots)});
    block = slots;
  }
  cache_ = Cache{id_, block};
  return block;
}

std::vector<uint64_t> ThreadShards::Sum() const {
  std::vector<uint64_t> totals(slots_, 0);
  std::lock_guard lock(mutex_);
  for (const Block& b : blocks_) {
    const std::atomic<uint64_t>* values = b.slots.get();
    for (size_t i = 0; i < slots_; ++i) totals[i] += values[i].load(std::memory_order_relaxed);
  }
  return totals;
}

}  // namespace kc::metrics
