// The engine thread (LMAX style) and its journal writer. Any thread Submits
// commands (or read-only queries) into one bounded queue; the engine thread
// takes everything queued as a batch, stamps and applies each command to the
// Exchange and hands the batch to the journal writer thread, which appends it
// to the Journal and syncs (group commit: every batch that queued up while
// the last sync ran goes into the next one). The engine applies batch N+1
// while batch N is being made durable.
//
// Nothing reveals a command before it is durable. A command's Completion runs
// on the engine thread right after the command applies (the Exchange is then
// exactly the state the command left) and returns a Reply: what to do with
// the answer. Replies, query answers and the batch's events (to the
// EventSink) are released on the engine thread only once the writer has
// synced the batch, batch by batch, in submission order. Callers post results
// back to their own executor from the Reply.
//
// GTT expiry is an ExpireOrders command the loop issues itself when the clock
// passes the earliest cancelAfter. Every applied command is journaled,
// rejected ones included: they are cheap and replay then needs no notion of
// which commands mattered.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "engine/clock.h"
#include "engine/commands.h"
#include "engine/events.h"
#include "engine/exchange.h"
#include "engine/journal.h"

namespace kc::engine {

struct CommandLoopOptions {
  // Submit refuses (KuCoin 503000 upstream) once this many items wait.
  std::size_t high_water = 1 << 16;
  // Applied commands not yet durable: past this the engine stops taking new
  // work until the writer catches up, so the queue fills and Submit refuses.
  std::size_t max_in_flight = 1 << 17;
  // How long a caller waits for a reply before giving up (KuCoin 504000
  // upstream, api/engine_calls.h). The loop itself never times out.
  std::chrono::milliseconds reply_deadline{10'000};
};

class CommandLoop {
 public:
  // Runs on the engine thread once the command (or query) is durable; may be
  // empty. It must not touch the Exchange: later batches may have applied.
  using Reply = std::function<void()>;
  // Engine thread, right after the command applied: copies what the answer
  // needs out of the result and the Exchange (keep it short: it holds up
  // matching) and returns the Reply that delivers it.
  using Completion = std::function<Reply(const CommandResult&, const Exchange&)>;
  // Engine thread, in queue order: reads the state every command queued
  // before it left, returns the Reply (released as a completion's is).
  using Query = std::function<Reply(const Exchange&)>;
  // A query that acts on the state itself (publishes from it, submits after
  // a check): it runs only when every applied command is durable, so the
  // engine first waits for the writer. Costs a pipeline drain; for rare use.
  using DurableQuery = std::function<void(const Exchange&)>;

  // journal, sink and clock must outlive the loop.
  CommandLoop(MarketConfig markets, ExchangeOptions exchange_options, Journal* journal,
              EventSink* sink, Clock* clock, CommandLoopOptions options = {});
  ~CommandLoop();  // Stop()s
  CommandLoop(const CommandLoop&) = delete;
  CommandLoop& operator=(const CommandLoop&) = delete;

  // Before Start(), on the constructing thread: rebuild state from the journal
  // (commands are applied, not re-journaled; events are dropped).
  void Replay(const TimedCommand& command);
  // Before Start(), instead of replaying the commands a snapshot covers
  // (Exchange::LoadSnapshot): false, state unchanged, when it does not load.
  bool LoadSnapshot(std::string_view snapshot, std::string* error = nullptr);
  // Before Start(): called on the engine thread right after each batch of
  // commands applied (before the next one), with the Exchange and the batch's
  // size: the state then is exactly what the journal holds once this batch
  // is durable. The returned function (may be empty) runs on the journal
  // writer thread right after the batch's Sync, so a snapshot is serialized
  // here and written there, at the journal position it covers.
  using AfterBatch = std::function<std::function<void()>(const Exchange&, std::size_t commands)>;
  void SetAfterBatch(AfterBatch hook) { after_batch_ = std::move(hook); }

  void Start();
  // Finishes everything already submitted (applied, durable, released), then
  // joins the threads. Idempotent.
  void Stop();

  // Any thread. false when overloaded or stopped (completion not called).
  bool Submit(Command command, Completion completion);
  // All of `commands` in order, each with a copy of `completion`, under one
  // lock; all or none (false when they would pass the high-water mark).
  bool Submit(std::span<const Command> commands, const Completion& completion);
  // A Query (returns a Reply) or a DurableQuery (returns nothing).
  template <typename F>
  bool SubmitQuery(F query) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, const Exchange&>>) {
      return Enqueue(Item{DurableQuery(std::move(query)), nullptr});
    } else {
      return Enqueue(Item{Query(std::move(query)), nullptr});
    }
  }

  // Only before Start() or after Stop() (or from a completion/query).
  Exchange& exchange() { return exchange_; }
  // Any thread.
  std::chrono::milliseconds reply_deadline() const { return options_.reply_deadline; }
  // Commands and queries waiting for the engine thread (metrics; any thread).
  std::size_t queued() const;

 private:
  struct Item {
    std::variant<Command, Query, DurableQuery> what;
    Completion completion;
  };
  // One batch on its way through the pipeline. The writer reads `commands`
  // and runs `after`; the engine thread owns the rest.
  struct Batch {
    std::vector<TimedCommand> commands;
    std::vector<Reply> replies;  // in queue order
    EventBuffer events;
    std::function<void()> after;
  };

  bool Enqueue(Item item);
  void Run();
  void ProcessItems(std::vector<Item>& items);
  // Hands the batch being built to the writer (or releases it at once when
  // it holds no command and nothing is in flight).
  void Dispatch();
  // Waits for the writer when `block`, then releases every durable batch.
  void ReleaseDurable(bool block);
  // Batches the writer made durable: their replies, then their events.
  void ReleaseAll(std::deque<std::unique_ptr<Batch>>& durable);
  void Release(std::unique_ptr<Batch> batch);
  std::unique_ptr<Batch> NewBatch();
  void Write();

  EventBuffer buffer_;  // declared before exchange_: the Exchange reports into it
  Exchange exchange_;
  Journal* journal_;
  EventSink* sink_;
  Clock* clock_;
  CommandLoopOptions options_;
  AfterBatch after_batch_;  // set before Start(); engine thread

  mutable std::mutex mu_;
  std::condition_variable wake_;                  // the engine thread: work, or a batch durable
  std::condition_variable to_writer_;             // the writer: a batch to write, or stop
  std::vector<Item> queue_;                       // guarded by mu_
  std::deque<std::unique_ptr<Batch>> unwritten_;  // guarded by mu_
  std::deque<std::unique_ptr<Batch>> durable_;    // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
  bool running_ = false;                          // guarded by mu_
  bool writer_stopping_ = false;                  // guarded by mu_
  std::thread thread_;
  std::thread writer_;

  // Engine thread only.
  std::unique_ptr<Batch> batch_;  // being built
  std::size_t in_flight_ = 0;     // commands dispatched, not yet released
  std::size_t batches_in_flight_ = 0;
  std::vector<std::unique_ptr<Batch>> spare_;  // released batches, reused for their capacity
};

}  // namespace kc::engine
