// Histogram buckets as Prometheus counts them, kept as plain counters: the
// bucket an observation falls in (not cumulative; the exposition adds them
// up). `Histogram` is for one writer thread (the journal writer): relaxed
// load and store, read by a scrape from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "metrics/exposition.h"

namespace kc::metrics {

// The index of the bucket `value` falls in: the first bound >= value, or
// bounds.size() past every bound.
inline size_t BucketOf(std::span<const double> bounds, double value) {
  return static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) -
                             bounds.begin());
}

// Request latency, seconds: 100 us to 10 s.
inline constexpr std::array<double, 16> kLatencyBounds = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};

class Histogram {
 public:
  explicit Histogram(std::span<const double> bounds)
      : bounds_(bounds.begin(), bounds.end()), counts_(bounds.size() + 1) {}

  // One writer thread.
  void Observe(double value) {
    auto& bucket = counts_[BucketOf(bounds_, value)];
    bucket.store(bucket.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum_.store(sum_.load(std::memory_order_relaxed) + value, std::memory_order_relaxed);
  }
  // Any thread.
  void Render(Exposition& out, std::string_view name, std::span<const Label> labels = {}) const {
    std::vector<uint64_t> counts(counts_.size());
    for (size_t i = 0; i < counts.size(); ++i)
      counts[i] = counts_[i].load(std::memory_order_relaxed);
    out.Histogram(name, labels, bounds_, counts, sum_.load(std::memory_order_relaxed));
  }

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;
  std::atomic<double> sum_{0};
};

}  // namespace kc::metrics
