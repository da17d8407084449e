#include "upstream/connection_pool.h"

#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>

namespace kc::upstream {

struct ConnectionPool::Waiter {
  boost::asio::any_io_executor executor;
  Handoff handoff;
  std::unique_ptr<boost::asio::steady_timer> timer;
  bool done = false;  // under the pool's mutex: served or timed out
};

ConnectionPool::ConnectionPool(std::vector<boost::asio::ip::tcp::endpoint> endpoints, size_t size)
    : endpoints_(std::move(endpoints)), size_(size == 0 ? 1 : size) {}

size_t ConnectionPool::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void ConnectionPool::CloseIdle() {
  std::lock_guard lock(mutex_);
  open_ -= idle_.size();
  idle_.clear();
}

bool ConnectionPool::StillUsable(Connection& connection) {
  auto& socket = connection.stream.socket();
  if (!socket.is_open()) return false;
  // An idle keep-alive connection has nothing to read: a 0 (EOF) or any
  // byte means the upstream closed it or broke the protocol.
  char byte = 0;
  const ssize_t peeked = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void ConnectionPool::Acquire(const boost::asio::any_io_executor& executor,
                             std::chrono::steady_clock::time_point deadline, Handoff handoff) {
  std::unique_ptr<Connection> connection;
  {
    std::unique_lock lock(mutex_);
    while (!idle_.empty() && !connection) {
      connection = std::move(idle_.back());
      idle_.pop_back();
      if (!StillUsable(*connection)) {
        connection.reset();
        --open_;
      }
    }
    if (!connection && open_ < size_) {
      ++open_;
      connection = std::make_unique<Connection>(executor);
    }
    if (!connection) {
      auto waiter = std::make_shared<Waiter>();
      waiter->executor = executor;
      waiter->handoff = std::move(handoff);
      waiter->timer = std::make_unique<boost::asio::steady_timer>(executor, deadline);
      waiters_.push_back(waiter);
      waiter->timer->async_wait([self = shared_from_this(), waiter](boost::system::error_code) {
        {
          std::lock_guard timer_lock(self->mutex_);
          if (waiter->done) return;  // served before the deadline
          waiter->done = true;
          std::erase(self->waiters_, waiter);
        }
        waiter->handoff(nullptr);
      });
      return;
    }
  }
  handoff(std::move(connection));
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection, bool reusable) {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    while (!waiters_.empty() && !next) {
      next = waiters_.front();
      waiters_.pop_front();
      if (next->done) next.reset();
    }
    if (!next) {
      if (reusable) {
        idle_.push_back(std::move(connection));
      } else {
        --open_;
      }
      return;
    }
    next->done = true;
  }
  // The freed place goes to the oldest waiter: the same connection if it is
  // still good, else a new one on the waiter's loop.
  // The timer lives on the waiter's loop: cancel it there (its handler then
  // sees `done` and does nothing).
  boost::asio::post(next->executor, [next] { next->timer->cancel(); });
  if (!reusable) {
    boost::beast::error_code ignored;
    connection->stream.socket().close(ignored);
    connection = std::make_unique<Connection>(next->executor);
  }
  next->handoff(std::move(connection));
}

}  // namespace kc::upstream
