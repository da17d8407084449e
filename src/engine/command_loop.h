// The engine thread (LMAX style). Any thread Submits commands (or read-only
// queries) into one bounded queue; the engine thread takes everything queued
// as a batch, stamps and applies each command to the Exchange, appends the
// batch to the Journal and syncs once (group commit), and only then runs the
// completions and hands the batch's events to the EventSink. So nothing is
// acknowledged or published before it is durable. Completions, queries and
// the sink all run on the engine thread: callers post results back to their
// own executor. GTT expiry is an ExpireOrders command the loop issues itself
// when the clock passes the earliest cancelAfter.
//
// Every applied command is journaled, rejected ones included: they are cheap
// and replay then needs no notion of which commands mattered.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
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
};

class CommandLoop {
 public:
  using Completion = std::function<void(const CommandResult&, const Exchange&)>;
  using Query = std::function<void(const Exchange&)>;

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
  // Before Start(): called on the engine thread after every batch of commands
  // is durable (after its completions and queries ran), with the Exchange and
  // the batch's size. The state it sees is exactly what the journal holds, so
  // it can snapshot the state for the journal's current position.
  using AfterBatch = std::function<void(const Exchange&, std::size_t commands)>;
  void SetAfterBatch(AfterBatch hook) { after_batch_ = std::move(hook); }

  void Start();
  // Finishes everything already submitted, then joins the thread. Idempotent.
  void Stop();

  // Any thread. false when overloaded or stopped (completion not called).
  bool Submit(Command command, Completion completion);
  bool SubmitQuery(Query query);

  // Only before Start() or after Stop() (or from a completion/query).
  Exchange& exchange() { return exchange_; }

 private:
  struct Item {
    std::variant<Command, Query> what;
    Completion completion;
  };
  bool Enqueue(Item item);
  void Run();
  void ProcessBatch(std::vector<Item>& items);

  EventBuffer buffer_;  // declared before exchange_: the Exchange reports into it
  Exchange exchange_;
  Journal* journal_;
  EventSink* sink_;
  Clock* clock_;
  CommandLoopOptions options_;
  AfterBatch after_batch_;  // set before Start(); engine thread

  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Item> queue_;  // guarded by mu_
  bool stopping_ = false;    // guarded by mu_
  bool running_ = false;     // guarded by mu_
  std::thread thread_;

  // Engine thread only.
  std::vector<TimedCommand> batch_;
  std::vector<CommandResult> results_;
};

}  // namespace kc::engine
