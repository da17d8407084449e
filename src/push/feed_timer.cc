#include "push/feed_timer.h"

namespace kc::push {

FeedTimer::FeedTimer(MarketFeed* feed, engine::CommandLoop* loop, engine::Clock* clock)
    : feed_(feed), loop_(loop), clock_(clock), period_(feed->flush_period()) {}

FeedTimer::~FeedTimer() { Stop(); }

void FeedTimer::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void FeedTimer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void FeedTimer::Run() {
  auto next = std::chrono::steady_clock::now() + period_;
  std::unique_lock lock(mu_);
  while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
    next += period_;
    // After a long stall, tick from now instead of catching up.
    if (const auto now = std::chrono::steady_clock::now(); next < now) next = now + period_;
    if (queued_->exchange(true)) continue;  // the last flush has not run yet
    // A query that returns a Reply runs in queue order without draining the
    // engine's pipeline; the frames it built go out once the state they show
    // is durable.
    const bool submitted =
        loop_->SubmitQuery([feed = feed_, clock = clock_, queued = queued_](
                               const engine::Exchange& exchange) -> engine::CommandLoop::Reply {
          queued->store(false);
          auto frames = std::make_shared<std::vector<MarketFeed::Held>>(
              feed->FlushHeld(exchange, clock->Now()));
          if (frames->empty()) return nullptr;
          return [feed, frames] { feed->PublishHeld(*frames); };
        });
    if (!submitted) queued_->store(false);  // stopped or overloaded: try next tick
  }
}

}  // namespace kc::push
