// Keep-alive connections to one upstream, shared by every event loop: at most
// `size` open at once; a request that finds none idle and the pool full waits
// (FIFO) for one to come back, or until its deadline. Thread-safe; a
// connection belongs to one request at a time (Acquire to Release), so its
// stream needs no lock. The stream runs its handlers on the loop it was
// created on, whichever loop later borrows it.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace kc::upstream {

struct Connection {
  explicit Connection(const boost::asio::any_io_executor& executor) : stream(executor) {}
  boost::beast::tcp_stream stream;  // closed until the first request connects it
  boost::beast::flat_buffer buffer;
  uint64_t requests = 0;  // answered over this connection (reuse shows in tests and logs)
};

class ConnectionPool : public std::enable_shared_from_this<ConnectionPool> {
 public:
  // A connection, or null when the deadline passed while waiting for one.
  using Handoff = std::function<void(std::unique_ptr<Connection>)>;

  ConnectionPool(std::vector<boost::asio::ip::tcp::endpoint> endpoints, size_t size);

  // Calls `handoff` (on this thread, or on whichever thread releases a
  // connection, or on `executor` at the deadline) with an idle connection, or
  // a new unconnected one made on `executor`.
  void Acquire(const boost::asio::any_io_executor& executor,
               std::chrono::steady_clock::time_point deadline, Handoff handoff);
  // Gives a connection back: kept for the next request if `reusable` (the
  // upstream kept it alive), else closed and its place freed.
  void Release(std::unique_ptr<Connection> connection, bool reusable);

  // Closes the idle connections (before the event loops that own them go).
  void CloseIdle();

  const std::vector<boost::asio::ip::tcp::endpoint>& endpoints() const { return endpoints_; }
  size_t open() const;

 private:
  struct Waiter;
  // An idle connection the upstream has not closed meanwhile (no EOF, no stray bytes).
  static bool StillUsable(Connection& connection);

  const std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  const size_t size_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // most recently used last
  size_t open_ = 0;                                // idle + lent out
  std::deque<std::shared_ptr<Waiter>> waiters_;
};

}  // namespace kc::upstream
