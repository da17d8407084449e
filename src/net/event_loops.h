// A fixed set of event loops, one io_context per thread (one per core by
// default). Each connection lives on one loop for its whole life, so its state
// needs no locks; per-thread caches (HMAC contexts) stay hot.
// Construct and Start from one thread; Next() is thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>
#include <vector>

namespace kc::net {

class EventLoops {
 public:
  explicit EventLoops(size_t count);
  ~EventLoops();
  EventLoops(const EventLoops&) = delete;
  EventLoops& operator=(const EventLoops&) = delete;

  // Round-robin choice of the loop for a new connection.
  boost::asio::io_context& Next();
  boost::asio::io_context& At(size_t index) { return *loops_[index]; }
  size_t size() const { return loops_.size(); }

  // Starts one thread per loop.
  void Start();
  // Stops every loop and joins the threads; idempotent.
  void Stop();

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace kc::net
