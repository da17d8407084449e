// The engine's source of time. Only the CommandLoop reads it, to stamp each
// command before applying it; the Exchange itself sees only command
// timestamps. Implementations must be safe to call from the engine thread.
#pragma once

#include <atomic>
#include <chrono>

#include "engine/types.h"

namespace kc::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;  // nanoseconds since the Unix epoch
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Set by hand (tests); any thread.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp now = 0) : now_(now) {}
  Timestamp Now() override { return now_.load(); }
  void Set(Timestamp now) { now_.store(now); }
  void Advance(Timestamp by) { now_.fetch_add(by); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace kc::engine
