#include "engine/command_loop.h"

#include <chrono>
#include <cstdlib>
#include <optional>

namespace kc::engine {

CommandLoop::CommandLoop(MarketConfig markets, ExchangeOptions exchange_options, Journal* journal,
                         EventSink* sink, Clock* clock, CommandLoopOptions options)
    : exchange_(std::move(markets), &buffer_, exchange_options),
      journal_(journal),
      sink_(sink),
      clock_(clock),
      options_(options) {}

CommandLoop::~CommandLoop() { Stop(); }

void CommandLoop::Replay(const TimedCommand& command) {
  exchange_.Apply(command);
  buffer_.clear();
}

bool CommandLoop::LoadSnapshot(std::string_view snapshot, std::string* error) {
  return exchange_.LoadSnapshot(snapshot, error);
}

void CommandLoop::Start() {
  std::lock_guard lock(mu_);
  if (running_ || stopping_) return;
  running_ = true;
  writer_ = std::thread([this] { Write(); });
  thread_ = std::thread([this] { Run(); });
}

void CommandLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
  // The engine thread returns only when every batch it dispatched is released.
  {
    std::lock_guard lock(mu_);
    writer_stopping_ = true;
  }
  to_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
}

bool CommandLoop::Enqueue(Item item) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !running_ || queue_.size() >= options_.high_water) return false;
    queue_.push_back(std::move(item));
    if (queue_.size() > 1) return true;  // the engine thread is already awake
  }
  wake_.notify_one();
  return true;
}

bool CommandLoop::Submit(Command command, Completion completion) {
  return Enqueue(Item{std::move(command), std::move(completion)});
}

bool CommandLoop::Submit(std::span<const Command> commands, const Completion& completion) {
  if (commands.empty()) return true;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || !running_ || queue_.size() + commands.size() > options_.high_water) {
      return false;
    }
    const bool was_empty = queue_.empty();
    for (const Command& c : commands) queue_.push_back(Item{c, completion});
    if (!was_empty) return true;
  }
  wake_.notify_one();
  return true;
}

std::unique_ptr<CommandLoop::Batch> CommandLoop::NewBatch() {
  if (spare_.empty()) return std::make_unique<Batch>();
  auto batch = std::move(spare_.back());
  spare_.pop_back();
  return batch;
}

void CommandLoop::Run() {
  std::vector<Item> items;
  std::deque<std::unique_ptr<Batch>> durable;
  batch_ = NewBatch();
  for (;;) {
    bool done = false;
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (!durable_.empty()) break;
        // Past the in-flight bound, only the writer's progress wakes us.
        const bool room = in_flight_ == 0 || in_flight_ < options_.max_in_flight;
        if (room && !queue_.empty()) break;
        if (stopping_ && queue_.empty() && batches_in_flight_ == 0) break;
        // Sleep until work arrives, a batch is durable or the next GTT order is due.
        const auto expiry = room ? exchange_.NextExpiry() : std::nullopt;
        if (expiry) {
          const Timestamp wait = *expiry - clock_->Now();
          if (wait <= 0) break;
          wake_.wait_for(lock, std::chrono::nanoseconds(wait));
        } else {
          wake_.wait(lock);
        }
      }
      durable.swap(durable_);
      if (in_flight_ == 0 || in_flight_ < options_.max_in_flight) items.swap(queue_);
      done = stopping_ && items.empty() && durable.empty() && queue_.empty() &&
             batches_in_flight_ == 0;
    }
    if (done) return;
    // Answers first: they waited for a sync, the new work has not.
    ReleaseAll(durable);
    ProcessItems(items);
    items.clear();
  }
}

void CommandLoop::ProcessItems(std::vector<Item>& items) {
  Timestamp now = clock_->Now();
  if (const auto expiry = exchange_.NextExpiry(); expiry && *expiry <= now) {
    batch_->commands.push_back(TimedCommand{now, ExpireOrders{now}});
    exchange_.Apply(batch_->commands.back());
  }
  for (Item& item : items) {
    Reply reply;
    if (auto* command = std::get_if<Command>(&item.what)) {
      now = clock_->Now();
      batch_->commands.push_back(TimedCommand{now, std::move(*command)});
      const CommandResult result = exchange_.Apply(batch_->commands.back());
      if (item.completion) reply = item.completion(result, exchange_);
    } else if (auto* query = std::get_if<Query>(&item.what)) {
      reply = (*query)(exchange_);
    } else {
      // Everything applied so far must be durable (and released) first.
      Dispatch();
      while (batches_in_flight_ > 0) ReleaseDurable(true);
      std::get<DurableQuery>(item.what)(exchange_);
    }
    if (reply) batch_->replies.push_back(std::move(reply));
  }
  Dispatch();
}

void CommandLoop::Dispatch() {
  Batch& batch = *batch_;
  batch.events.events().swap(buffer_.events());
  if (batch.commands.empty() && batch.replies.empty() && batch.events.events().empty()) return;
  if (batch.commands.empty() && batches_in_flight_ == 0) {
    // Answers from state that is all durable already: no need to queue them.
    Release(std::move(batch_));
    batch_ = NewBatch();
    return;
  }
  if (!batch.commands.empty() && after_batch_) {
    batch.after = after_batch_(exchange_, batch.commands.size());
  }
  in_flight_ += batch.commands.size();
  ++batches_in_flight_;
  {
    std::lock_guard lock(mu_);
    unwritten_.push_back(std::move(batch_));
  }
  to_writer_.notify_one();
  batch_ = NewBatch();
}

void CommandLoop::ReleaseDurable(bool block) {
  std::deque<std::unique_ptr<Batch>> durable;
  {
    std::unique_lock lock(mu_);
    if (block) wake_.wait(lock, [this] { return !durable_.empty(); });
    durable.swap(durable_);
  }
  ReleaseAll(durable);
}

void CommandLoop::ReleaseAll(std::deque<std::unique_ptr<Batch>>& durable) {
  for (auto& batch : durable) {
    in_flight_ -= batch->commands.size();
    --batches_in_flight_;
    Release(std::move(batch));
  }
  durable.clear();
}

void CommandLoop::Release(std::unique_ptr<Batch> batch) {
  for (Reply& reply : batch->replies) reply();
  batch->events.FlushTo(*sink_);
  batch->commands.clear();
  batch->replies.clear();
  batch->after = nullptr;
  spare_.push_back(std::move(batch));
}

std::size_t CommandLoop::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void CommandLoop::Write() {
  std::deque<std::unique_ptr<Batch>> work;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      to_writer_.wait(lock, [this] { return !unwritten_.empty() || writer_stopping_; });
      if (unwritten_.empty()) return;
      work.swap(unwritten_);
    }
    // Group commit: every batch that queued while the last sync ran.
    bool appended = false;
    for (const auto& batch : work) {
      if (batch->commands.empty()) continue;
      journal_->Append(batch->commands);
      appended = true;
    }
    // Fail-stop: state that cannot be made durable must not be acknowledged;
    // a restart replays what the journal holds.
    if (appended && !journal_->Sync()) std::abort();
    for (const auto& batch : work) {
      if (batch->after) batch->after();
    }
    {
      std::lock_guard lock(mu_);
      for (auto& batch : work) durable_.push_back(std::move(batch));
    }
    wake_.notify_one();
    work.clear();
  }
}

}  // namespace kc::engine
