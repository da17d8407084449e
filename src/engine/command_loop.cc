#include "engine/command_loop.h"

#include <chrono>
#include <cstdlib>

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
  thread_ = std::thread([this] { Run(); });
}

void CommandLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
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

bool CommandLoop::SubmitQuery(Query query) { return Enqueue(Item{std::move(query), nullptr}); }

void CommandLoop::Run() {
  std::vector<Item> items;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (!queue_.empty() || stopping_) break;
        // Sleep until work arrives or the next GTT order is due.
        const auto expiry = exchange_.NextExpiry();
        if (expiry) {
          const Timestamp wait = *expiry - clock_->Now();
          if (wait <= 0) break;
          wake_.wait_for(lock, std::chrono::nanoseconds(wait));
        } else {
          wake_.wait(lock);
        }
      }
      items.swap(queue_);
      if (items.empty() && stopping_) return;
    }
    ProcessBatch(items);
    items.clear();
  }
}

void CommandLoop::ProcessBatch(std::vector<Item>& items) {
  batch_.clear();
  results_.clear();
  Timestamp now = clock_->Now();
  if (const auto expiry = exchange_.NextExpiry(); expiry && *expiry <= now) {
    batch_.push_back(TimedCommand{now, ExpireOrders{now}});
    exchange_.Apply(batch_.back());
  }
  for (Item& item : items) {
    if (auto* command = std::get_if<Command>(&item.what)) {
      now = clock_->Now();
      batch_.push_back(TimedCommand{now, std::move(*command)});
      results_.push_back(exchange_.Apply(batch_.back()));
    }
  }
  if (!batch_.empty()) {
    journal_->Append(batch_);
    // Fail-stop: state that cannot be made durable must not be acknowledged;
    // a restart replays what the journal holds.
    if (!journal_->Sync()) std::abort();
  }
  std::size_t next = 0;
  for (Item& item : items) {
    if (auto* query = std::get_if<Query>(&item.what)) {
      (*query)(exchange_);
    } else {
      const CommandResult& result = results_[next++];
      if (item.completion) item.completion(result, exchange_);
    }
  }
  buffer_.FlushTo(*sink_);
  if (after_batch_ && !batch_.empty()) after_batch_(exchange_, batch_.size());
}

}  // namespace kc::engine
