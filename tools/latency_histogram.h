// Latency counts in log-linear buckets, after HdrHistogram: values below 128
// are kept exactly, larger ones in buckets 1/64 of their magnitude wide, so
// any quantile is within 1.6% of a recorded value, in fixed memory (3776
// counters) whatever the range. One histogram per load-generator thread,
// merged at the end; not thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace kc::tools {

class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  void Record(uint64_t value) {
    ++counts_[Index(value)];
    ++count_;
    sum_ += static_cast<double>(value);
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }

  // The smallest bucket bound v with at least a fraction `q` (0..1) of the
  // samples <= v, clamped to the recorded range; 0 when empty.
  uint64_t ValueAtQuantile(double q) const {
    if (count_ == 0) return 0;
    q = std::clamp(q, 0.0, 1.0);
    const auto rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::clamp(UpperBound(i), min(), max_);
    }
    return max_;
  }

  // Bucket arithmetic, public for the test.
  static size_t Index(uint64_t value) {
    if (value < kExact) return static_cast<size_t>(value);
    const int shift = std::bit_width(value) - kSubBits;  // >= 1
    return static_cast<size_t>(shift) * kHalf + static_cast<size_t>(value >> shift);
  }
  static uint64_t UpperBound(size_t index) {
    if (index < kExact) return index;
    const size_t shift = index / kHalf - 1;
    const uint64_t mantissa = index % kHalf + kHalf;
    return ((mantissa + 1) << shift) - 1;  // the top bucket wraps to 2^64 - 1
  }

 private:
  static constexpr int kSubBits = 7;
  static constexpr uint64_t kExact = uint64_t{1} << kSubBits;  // 128
  static constexpr uint64_t kHalf = kExact / 2;                // 64
  static constexpr size_t kBuckets = (64 - kSubBits + 1) * kHalf + kHalf;

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t min_ = std::numeric_limits<uint64_t>::max();
  uint64_t max_ = 0;
};

}  // namespace kc::tools
