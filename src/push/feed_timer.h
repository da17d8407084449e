// Runs MarketFeed::Flush on the engine thread at the feed's push frequency.
// The feed lives on the engine thread, which has no timers of its own, so a
// small thread of ours wakes every flush_period() and submits a CommandLoop
// query that flushes there (its frames released once the state they show is
// durable, like any answer); the engine thread stays the only one touching
// the feed and the exchange. At most one flush is queued at a time, so a busy
// engine is never handed a backlog of them.
//
// Owned by app::Server. Start/Stop from the owning thread; the feed, the loop
// and the clock must outlive the loop's last query (they are the loop's own
// sink and clock, which must outlive it anyway).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "engine/clock.h"
#include "engine/command_loop.h"
#include "push/feed.h"

namespace kc::push {

class FeedTimer {
 public:
  FeedTimer(MarketFeed* feed, engine::CommandLoop* loop, engine::Clock* clock);
  ~FeedTimer();  // Stop()s
  FeedTimer(const FeedTimer&) = delete;
  FeedTimer& operator=(const FeedTimer&) = delete;

  void Start();
  void Stop();  // idempotent; a flush already queued still runs

 private:
  void Run();

  MarketFeed* feed_;
  engine::CommandLoop* loop_;
  engine::Clock* clock_;
  std::chrono::nanoseconds period_;
  // Shared with the queued query, which may run after this timer is gone.
  std::shared_ptr<std::atomic<bool>> queued_ = std::make_shared<std::atomic<bool>>(false);

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kc::push
