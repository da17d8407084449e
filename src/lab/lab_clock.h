// The test lab's server time (issue 13, item 4): an offset, a freeze and
// advances applied to every clock the server reads, so /api/v1/timestamp, the
// KC-API-TIMESTAMP window, bullet token expiry, WS API timestamps, rate-limit
// windows and the engine's command times all move together.
//
// TimeShift is the shared setting (any thread). ServerClock applies it to the
// gateway's kc::Clock; EngineClock to the engine's, never going backwards
// (a clock set back holds engine time still until it catches up), so engine
// commands keep increasing, journaled timestamps and replay is unchanged.
// With nothing set, each reading costs one relaxed atomic load more.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/clock.h"
#include "engine/clock.h"

namespace kc::lab {

class TimeShift {
 public:
  // A base reading (Unix ms) as the server should see it.
  int64_t Apply(int64_t base_ms) const {
    if (!engaged_.load(std::memory_order_relaxed)) return base_ms;
    if (frozen_.load(std::memory_order_acquire)) return frozen_ms_.load(std::memory_order_relaxed);
    return base_ms + offset_ms_.load(std::memory_order_relaxed);
  }
  bool engaged() const { return engaged_.load(std::memory_order_relaxed); }
  bool frozen() const { return frozen_.load(std::memory_order_acquire); }

  struct State {
    int64_t offset_ms = 0;  // not frozen: server time - real time
    bool frozen = false;
    int64_t now_ms = 0;  // server time now
  };
  State Get(int64_t real_ms) const;
  void SetOffset(int64_t offset_ms, int64_t real_ms);
  // Stops server time where it is now.
  void Freeze(int64_t real_ms);
  // Server time moves on from where it stands (frozen: stays frozen there).
  void Unfreeze(int64_t real_ms);
  void Advance(int64_t delta_ms);
  void Reset();

 private:
  std::atomic<bool> engaged_{false};
  std::atomic<bool> frozen_{false};
  std::atomic<int64_t> offset_ms_{0};
  std::atomic<int64_t> frozen_ms_{0};
};

class ServerClock final : public Clock {
 public:
  ServerClock(const Clock& base, const TimeShift& shift) : base_(base), shift_(shift) {}
  int64_t NowMs() const override { return shift_.Apply(base_.NowMs()); }

 private:
  const Clock& base_;
  const TimeShift& shift_;
};

class EngineClock final : public engine::Clock {
 public:
  explicit EngineClock(const TimeShift& shift) : shift_(shift) {}
  engine::Timestamp Now() override;

 private:
  const TimeShift& shift_;
  std::atomic<engine::Timestamp> last_{0};
};

}  // namespace kc::lab
