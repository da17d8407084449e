#include "net/event_loops.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace kc::net {

EventLoops::EventLoops(size_t count) {
  if (count == 0) count = 1;
  for (size_t i = 0; i < count; ++i) {
    // Concurrency hint 1: each context is only ever run by its own thread.
    loops_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.emplace_back(loops_.back()->get_executor());
  }
}

EventLoops::~EventLoops() { Stop(); }

boost::asio::io_context& EventLoops::Next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

void EventLoops::Start() {
  for (auto& loop : loops_) {
    threads_.emplace_back([ctx = loop.get()] {
      for (;;) {
        try {
          ctx->run();
          return;
        } catch (const std::exception& e) {
          // A handler threw past its session's own guard: log and keep serving.
          spdlog::error("event loop: unexpected exception: {}", e.what());
        }
      }
    });
  }
}

void EventLoops::Stop() {
  guards_.clear();
  for (auto& loop : loops_) loop->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace kc::net
