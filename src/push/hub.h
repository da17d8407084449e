// The fan-out hub: implements Publisher for the market-data feed and keeps,
// for every topic someone is subscribed to, who its subscribers are on each
// event loop ("shard"). It owns no sockets; sessions (session.h) register
// with it.
//
// Threads. Publish and HasSubscribers run on any thread (the engine's). A
// session, its subscriber slots and its shard's lists are touched only on that
// session's event loop. The topic index (topic -> TopicState) is guarded by
// a shared mutex: publishes take it shared, subscribe/unsubscribe exclusive.
// Publish serializes nothing: it hands the one immutable Frame to each shard
// that has subscribers, as one queued batch per loop (one post per loop while
// a batch is pending, not one per message or per session). The loop then
// queues the same buffer on every subscriber there and starts their writes
// after the whole batch is queued, so a busy session writes many messages in
// one system call.
#pragma once

#include <sys/uio.h>

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/access_events.h"
#include "core/fault_book.h"
#include "push/options.h"
#include "push/publisher.h"
#include "push/ws_frame.h"

namespace kc::push {

class Session;

// Gather-write space shared by the sessions of one loop: the iovecs and frame
// headers of one sendmsg. Sessions hold none of it between writes.
struct WriteScratch {
  static constexpr size_t kMaxFrames = 480;  // 2 iovecs each, under IOV_MAX (1024)
  std::array<iovec, kMaxFrames * 2> iov;
  std::array<uint8_t, kMaxFrames * ws::kMaxHeaderBytes> headers;
};

// One outgoing message on one loop: the shared fan-out Frame or a reply of
// this session's own, with a plain (non-atomic) count of the sessions of
// this loop that still have to write it. Loop-local: never crosses threads.
struct OutFrame {
  Frame shared;     // fan-out payload, shared with other loops
  std::string own;  // a session's own reply (welcome, pong, ack, error, close)
  ws::Opcode opcode = ws::Opcode::kText;
  uint32_t refs = 0;
  std::string_view payload() const { return shared ? std::string_view(*shared) : own; }
};

// What the sessions of one loop sent: written by that loop only (a relaxed
// load and store), read by a metrics scrape from any thread.
struct alignas(64) PushCounters {
  std::atomic<uint64_t> messages_sent{0};   // frames written whole, replies included
  std::atomic<uint64_t> bytes_sent{0};      // their bytes, WebSocket headers included
  std::atomic<uint64_t> slow_consumers{0};  // sessions dropped for a full send queue
  static void Bump(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
};

struct PushTotals {
  uint64_t messages_sent = 0;
  uint64_t bytes_sent = 0;
  uint64_t messages_dropped = 0;  // fan-out frames a loop too far behind never got
  uint64_t slow_consumers = 0;
};

// A topic with subscribers. `subscribers[shard]` belongs to that shard's loop;
// `counts[shard]` mirrors its size for other threads (Publish, HasSubscribers).
struct TopicState {
  TopicState(std::string topic_in, int64_t uid_in, size_t shards);
  std::string topic;
  int64_t uid;  // owner of a private topic; 0 for public ones
  std::unique_ptr<std::atomic<uint32_t>[]> counts;
  std::vector<std::vector<Session*>> subscribers;
};

class Hub final : public Publisher {
 public:
  explicit Hub(const Options& options);
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // The event loops sessions run on, one shard each. Once, before any session
  // exists; until then publishes find no subscribers and return.
  void SetLoops(std::vector<boost::asio::io_context*> loops);
  // Arms each loop's sweep timer (ping timeouts, close deadlines); once.
  void Start();
  // Drops the sweep timers. Call after the loops have stopped, before they
  // are destroyed.
  void Stop();

  bool HasSubscribers(std::string_view topic, int64_t uid = 0) const override;
  void Publish(std::string_view topic, int64_t uid, Frame frame) override;

  // ---- for sessions, on their own loop ----
  // The shard of the loop that runs `context`.
  size_t ShardOf(const boost::asio::execution_context& context) const;
  size_t shards() const { return shards_.size(); }
  // Connection capacity (any thread): false when max_connections are open.
  bool AdmitConnection();
  void ReleaseConnection();
  // Sessions per user (any thread): false when the user has max_sessions_per_user.
  bool AdmitUser(int64_t uid);
  void ReleaseUser(int64_t uid);
  size_t connections() const { return connections_.load(std::memory_order_relaxed); }
  // Maintenance and shutdown (any thread): every session gets the 501000
  // notice and a close frame, and new ones get the same until Reopen.
  void CloseAll();
  void Reopen() { service_stopped_.store(false, std::memory_order_release); }
  bool service_stopped() const { return service_stopped_.load(std::memory_order_acquire); }
  // Told of sessions opened and closed (access log, metrics); before serving.
  void SetObserver(AccessObserver* observer) { observer_ = observer; }
  AccessObserver* observer() const { return observer_; }
  // The test lab's fault rules, asked on connect and subscribe; before serving.
  void SetFaults(FaultBook* faults) { faults_ = faults; }
  FaultBook* faults() const { return faults_; }

  void Attach(size_t shard, Session* session);
  void Detach(size_t shard, Session* session);
  // Adds `session` to `topic`'s subscribers on `shard`; returns the state and
  // the slot the session occupies in state->subscribers[shard].
  std::shared_ptr<TopicState> Subscribe(size_t shard, std::string_view topic, int64_t uid,
                                        Session* session, uint32_t* slot);
  void Unsubscribe(size_t shard, const std::shared_ptr<TopicState>& state, uint32_t slot);

  const Options& options() const { return options_; }
  // A read buffer shared by the sessions of one loop: idle sessions hold none.
  std::span<char> ScratchBuffer(size_t shard) { return shards_[shard]->scratch; }
  WriteScratch& write_scratch(size_t shard) { return shards_[shard]->write; }
  PushCounters& counters(size_t shard) { return shards_[shard]->counters; }
  // Every loop's counters summed (metrics; any thread).
  PushTotals Totals() const;

 private:
  struct Delivery {
    std::shared_ptr<TopicState> state;
    Frame frame;
  };
  struct Shard {
    explicit Shard(boost::asio::io_context& context) : loop(&context) {}
    boost::asio::io_context* loop;
    // Filled by publishers, emptied by the loop.
    std::mutex mutex;
    std::vector<Delivery> pending;
    bool drain_posted = false;
    uint64_t dropped = 0;  // guarded by mutex
    PushCounters counters;
    // Loop-owned.
    std::vector<Delivery> draining;
    std::vector<Session*> to_flush;
    std::vector<Session*> sessions;
    std::vector<char> scratch = std::vector<char>(64 * 1024);
    WriteScratch write;
    std::unique_ptr<boost::asio::steady_timer> sweep;
  };
  struct KeyView {
    std::string_view topic;
    int64_t uid;
  };
  struct Key {
    std::string topic;
    int64_t uid;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(const KeyView& key) const;
    size_t operator()(const Key& key) const { return (*this)(KeyView{key.topic, key.uid}); }
  };
  struct KeyEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.uid == b.uid && std::string_view(a.topic) == std::string_view(b.topic);
    }
  };

  void Drain(size_t shard);
  void ArmSweep(size_t shard);
  void Sweep(size_t shard);

  const Options& options_;
  std::vector<std::unique_ptr<Shard>> shards_;
  mutable std::shared_mutex index_mutex_;
  boost::unordered_flat_map<Key, std::shared_ptr<TopicState>, KeyHash, KeyEqual> index_;
  std::atomic<size_t> connections_{0};
  std::atomic<bool> service_stopped_{false};
  AccessObserver* observer_ = nullptr;
  FaultBook* faults_ = nullptr;
  std::mutex users_mutex_;
  boost::unordered_flat_map<int64_t, uint32_t> user_sessions_;
  int64_t sweep_ms_;
};

}  // namespace kc::push
