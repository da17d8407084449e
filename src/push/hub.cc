#include "push/hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/container_hash/hash.hpp>

#include "push/session.h"

namespace kc::push {
namespace {

// A shard whose loop is this far behind stops taking frames: the loop is
// overloaded and the per-session limits cannot act until it catches up.
constexpr size_t kMaxPendingPerShard = 1 << 20;

}  // namespace

TopicState::TopicState(std::string topic_in, int64_t uid_in, size_t shards)
    : topic(std::move(topic_in)),
      uid(uid_in),
      counts(new std::atomic<uint32_t>[shards]),
      subscribers(shards) {
  for (size_t i = 0; i < shards; ++i) counts[i].store(0, std::memory_order_relaxed);
}

size_t Hub::KeyHash::operator()(const KeyView& key) const {
  size_t seed = std::hash<std::string_view>()(key.topic);
  boost::hash_combine(seed, key.uid);
  return seed;
}

Hub::Hub(const Options& options) : options_(options) {
  // Sweep often enough that a ping timeout fires within ~1/8 of its span.
  sweep_ms_ =
      std::clamp<int64_t>((options.ping_interval_ms + options.ping_timeout_ms) / 8, 20, 1000);
}

Hub::~Hub() = default;

void Hub::SetLoops(std::vector<boost::asio::io_context*> loops) {
  for (boost::asio::io_context* loop : loops) shards_.push_back(std::make_unique<Shard>(*loop));
}

void Hub::Start() {
  for (size_t i = 0; i < shards_.size(); ++i) {
    shards_[i]->sweep = std::make_unique<boost::asio::steady_timer>(*shards_[i]->loop);
    ArmSweep(i);
  }
}

void Hub::Stop() {
  for (auto& shard : shards_) shard->sweep.reset();
}

size_t Hub::ShardOf(const boost::asio::execution_context& context) const {
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (shards_[i]->loop == &context) return i;
  }
  return 0;
}

bool Hub::AdmitConnection() {
  size_t current = connections_.load(std::memory_order_relaxed);
  do {
    if (current >= options_.max_connections) return false;
  } while (!connections_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed));
  return true;
}

void Hub::ReleaseConnection() { connections_.fetch_sub(1, std::memory_order_relaxed); }

bool Hub::AdmitUser(int64_t uid) {
  std::lock_guard lock(users_mutex_);
  uint32_t& count = user_sessions_[uid];
  if (count >= options_.max_sessions_per_user) {
    if (count == 0) user_sessions_.erase(uid);
    return false;
  }
  ++count;
  return true;
}

void Hub::ReleaseUser(int64_t uid) {
  std::lock_guard lock(users_mutex_);
  auto it = user_sessions_.find(uid);
  if (it == user_sessions_.end()) return;
  if (--it->second == 0) user_sessions_.erase(it);
}

void Hub::Attach(size_t shard, Session* session) { shards_[shard]->sessions.push_back(session); }

void Hub::Detach(size_t shard, Session* session) {
  auto& sessions = shards_[shard]->sessions;
  auto it = std::find(sessions.begin(), sessions.end(), session);
  if (it == sessions.end()) return;
  *it = sessions.back();
  sessions.pop_back();
}

PushTotals Hub::Totals() const {
  PushTotals totals;
  for (const auto& shard : shards_) {
    totals.messages_sent += shard->counters.messages_sent.load(std::memory_order_relaxed);
    totals.bytes_sent += shard->counters.bytes_sent.load(std::memory_order_relaxed);
    totals.slow_consumers += shard->counters.slow_consumers.load(std::memory_order_relaxed);
    std::lock_guard lock(shard->mutex);
    totals.messages_dropped += shard->dropped;
  }
  return totals;
}

bool Hub::HasSubscribers(std::string_view topic, int64_t uid) const {
  std::shared_lock lock(index_mutex_);
  auto it = index_.find(KeyView{topic, uid});
  if (it == index_.end()) return false;
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (it->second->counts[i].load(std::memory_order_relaxed) > 0) return true;
  }
  return false;
}

void Hub::Publish(std::string_view topic, int64_t uid, Frame frame) {
  if (!frame) return;
  std::shared_ptr<TopicState> state;
  {
    std::shared_lock lock(index_mutex_);
    auto it = index_.find(KeyView{topic, uid});
    if (it == index_.end()) return;
    state = it->second;
  }
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (state->counts[i].load(std::memory_order_relaxed) == 0) continue;
    Shard& shard = *shards_[i];
    bool post = false;
    {
      std::lock_guard lock(shard.mutex);
      if (shard.pending.size() >= kMaxPendingPerShard) {
        if (shard.dropped++ % 100000 == 0) {
          spdlog::warn("push: loop {} is {} frames behind; dropping frames", i,
                       shard.pending.size());
        }
        continue;
      }
      shard.pending.push_back(Delivery{state, frame});
      if (!shard.drain_posted) {
        shard.drain_posted = true;
        post = true;
      }
    }
    if (post) boost::asio::post(*shard.loop, [this, i] { Drain(i); });
  }
}

void Hub::Drain(size_t index) {
  Shard& shard = *shards_[index];
  {
    std::lock_guard lock(shard.mutex);
    shard.draining.swap(shard.pending);
    shard.drain_posted = false;
  }
  for (Delivery& delivery : shard.draining) {
    const std::vector<Session*>& subscribers = delivery.state->subscribers[index];
    if (subscribers.empty()) continue;
    auto* out = new OutFrame{std::move(delivery.frame), {}, ws::Opcode::kText, 0};
    for (Session* session : subscribers) session->EnqueueShared(out, shard.to_flush);
    if (out->refs == 0) delete out;
  }
  shard.draining.clear();
  // Writers start after the whole batch is queued: one write per session per batch.
  for (Session* session : shard.to_flush) session->Flush();
  shard.to_flush.clear();
}

std::shared_ptr<TopicState> Hub::Subscribe(size_t shard, std::string_view topic, int64_t uid,
                                           Session* session, uint32_t* slot) {
  std::shared_ptr<TopicState> state;
  {
    std::unique_lock lock(index_mutex_);
    auto it = index_.find(KeyView{topic, uid});
    if (it == index_.end()) {
      state = std::make_shared<TopicState>(std::string(topic), uid, shards_.size());
      index_.emplace(Key{std::string(topic), uid}, state);
    } else {
      state = it->second;
    }
    state->counts[shard].fetch_add(1, std::memory_order_relaxed);
  }
  auto& list = state->subscribers[shard];
  *slot = static_cast<uint32_t>(list.size());
  list.push_back(session);
  return state;
}

void Hub::Unsubscribe(size_t shard, const std::shared_ptr<TopicState>& state, uint32_t slot) {
  auto& list = state->subscribers[shard];
  if (slot >= list.size()) return;
  Session* moved = list.back();
  list[slot] = moved;
  list.pop_back();
  if (slot < list.size()) moved->OnSlotMoved(state.get(), slot);
  if (state->counts[shard].fetch_sub(1, std::memory_order_relaxed) != 1) return;
  // This shard's last subscriber left: drop the topic when no shard has any.
  std::unique_lock lock(index_mutex_);
  for (size_t i = 0; i < shards_.size(); ++i) {
    if (state->counts[i].load(std::memory_order_relaxed) > 0) return;
  }
  auto it = index_.find(KeyView{state->topic, state->uid});
  if (it != index_.end() && it->second == state) index_.erase(it);
}

void Hub::ArmSweep(size_t index) {
  Shard& shard = *shards_[index];
  shard.sweep->expires_after(std::chrono::milliseconds(sweep_ms_));
  shard.sweep->async_wait([this, index](boost::system::error_code ec) {
    if (ec) return;
    Sweep(index);
    ArmSweep(index);
  });
}

void Hub::CloseAll() {
  service_stopped_.store(true, std::memory_order_release);
  for (auto& shard : shards_) {
    boost::asio::post(*shard->loop, [shard = shard.get()] {
      std::vector<Session*> sessions = shard->sessions;  // closing edits the list
      for (Session* session : sessions) {
        if (auto alive = session->weak_from_this().lock()) alive->CloseForService();
      }
    });
  }
}

void Hub::Sweep(size_t index) {
  // Sessions may close (and leave the list) while being checked: check a copy.
  std::vector<Session*> sessions = shards_[index]->sessions;
  const int64_t now = SteadyNowMs();
  for (Session* session : sessions) {
    // Held while checked: closing may drop the session's last other owner.
    if (auto alive = session->weak_from_this().lock()) alive->Sweep(now);
  }
}

}  // namespace kc::push
