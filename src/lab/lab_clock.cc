#include "lab/lab_clock.h"

#include <algorithm>

namespace kc::lab {

TimeShift::State TimeShift::Get(int64_t real_ms) const {
  return State{offset_ms_.load(), frozen_.load(), Apply(real_ms)};
}

void TimeShift::SetOffset(int64_t offset_ms, int64_t real_ms) {
  offset_ms_.store(offset_ms);
  if (frozen_.load()) frozen_ms_.store(real_ms + offset_ms);
  engaged_.store(true);
}

void TimeShift::Freeze(int64_t real_ms) {
  frozen_ms_.store(Apply(real_ms));
  frozen_.store(true, std::memory_order_release);
  engaged_.store(true);
}

void TimeShift::Unfreeze(int64_t real_ms) {
  if (!frozen_.load()) return;
  offset_ms_.store(frozen_ms_.load() - real_ms);
  frozen_.store(false, std::memory_order_release);
}

void TimeShift::Advance(int64_t delta_ms) {
  if (frozen_.load()) {
    frozen_ms_.fetch_add(delta_ms);
  } else {
    offset_ms_.fetch_add(delta_ms);
  }
  engaged_.store(true);
}

void TimeShift::Reset() {
  frozen_.store(false);
  offset_ms_.store(0);
  engaged_.store(false);
}

engine::Timestamp EngineClock::Now() {
  const engine::Timestamp real = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  engine::Timestamp shifted = real;
  if (shift_.engaged()) {
    constexpr engine::Timestamp kNanosPerMs = 1'000'000;
    shifted =
        shift_.Apply(real / kNanosPerMs) * kNanosPerMs + (shift_.frozen() ? 0 : real % kNanosPerMs);
  }
  // Never backwards: the engine's commands keep increasing timestamps.
  engine::Timestamp last = last_.load(std::memory_order_relaxed);
  while (shifted > last && !last_.compare_exchange_weak(last, shifted, std::memory_order_relaxed)) {
  }
  return std::max(shifted, last);
}

}  // namespace kc::lab
