// Counters written without a lock or a read-modify-write: every thread that
// records gets a block of slots of its own (whole cache lines, so two
// threads never write one line), which only it writes, with a relaxed load
// and store. A scrape sums the blocks with relaxed loads: a total may miss
// an increment made during the scrape, never one made before it.
//
// The calling thread finds its block through a one-entry thread-local cache
// keyed by the instance's id; a miss (the thread's first record, or another
// instance used on the same thread since) takes the mutex once. Blocks live
// as long as the instance; a block whose thread ended is left to a new
// thread with the same id. Any thread may Add and Sum.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace kc::metrics {

class ThreadShards {
 public:
  explicit ThreadShards(size_t slots);
  ThreadShards(const ThreadShards&) = delete;
  ThreadShards& operator=(const ThreadShards&) = delete;

  // The calling thread's slots (`slots()` of them).
  std::atomic<uint64_t>* Local() {
    Cache& cache = cache_;
    if (cache.owner == id_) return cache.block;
    return LocalSlow();
  }
  // One writer per block: a plain load and store, no lock prefix.
  static void Add(std::atomic<uint64_t>* block, size_t slot, uint64_t n) {
    block[slot].store(block[slot].load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void Add(size_t slot, uint64_t n) { Add(Local(), slot, n); }

  // Every slot summed over the threads' blocks.
  std::vector<uint64_t> Sum() const;
  // Calls `visit(const std::atomic<uint64_t>* block)` for each thread's block
  // (for slots that are not plain sums); relaxed loads only.
  template <typename F>
  void ForEachBlock(F&& visit) const {
    std::lock_guard lock(mutex_);
    for (const Block& b : blocks_) visit(static_cast<const std::atomic<uint64_t>*>(b.slots.get()));
  }
  size_t slots() const { return slots_; }

 private:
  static constexpr size_t kLine = 64;
  struct FreeAligned {
    void operator()(std::atomic<uint64_t>* slots) const;
  };
  struct Block {
    std::thread::id thread;
    std::unique_ptr<std::atomic<uint64_t>[], FreeAligned> slots;  // whole cache lines
  };
  struct Cache {
    uint64_t owner = 0;  // the instance id; 0 = none
    std::atomic<uint64_t>* block = nullptr;
  };

  std::atomic<uint64_t>* LocalSlow();

  static thread_local Cache cache_;
  const uint64_t id_;
  const size_t slots_;
  mutable std::mutex mutex_;
  std::vector<Block> blocks_;  // guarded by mutex_
};

}  // namespace kc::metrics
