// The admin inbox: funding requests written to journal.db by `kcgate accounts
// deposit` (any process, server running or not) and by the market maker's
// first start, applied by the server's InboxPoller through the CommandLoop.
//
// Exactly-once: a row goes from 'pending' to 'applied' only inside the journal
// transaction that makes its Deposit durable (SqliteJournal::ExpectInboxDeposit),
// so after any crash a row is applied iff its Deposit will be replayed; a
// pending row is (re)submitted at the next poll or start. The poller has one
// deposit in flight at a time, and in the server it is the only source of
// Deposit commands, so the journal can match the claim to its command.
//
// AdminInbox: one thread at a time (its own connection). InboxPoller: Start
// and Stop from the owning thread; it polls on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/command_loop.h"
#include "engine/commands.h"
#include "engine/markets.h"
#include "store/sqlite_db.h"
#include "store/sqlite_journal.h"

namespace kc::store {

struct DepositRequest {
  int64_t uid = 0;
  std::string currency;          // "USDT"
  std::string amount;            // decimal text, at most the currency's precision
  std::string account = "main";  // "main" (KuCoin's deposits land there) or "trade"
  // Non-empty: at most one row ever carries it (the market maker's funding).
  std::string idempotency_key;
};

// The engine command for a request, or nullopt with *error set to a sentence
// for the operator (unknown currency, amount not a positive decimal at the
// currency's precision, bad uid or account).
std::optional<engine::Deposit> ParseDeposit(const DepositRequest& request,
                                            const engine::MarketConfig& markets,
                                            std::string* error);

struct InboxRow {
  int64_t id = 0;
  DepositRequest request;
  std::string status;       // "pending", "applied" or "rejected"
  int64_t journal_seq = 0;  // the Deposit's position in the journal; 0 while pending
  int64_t created_at_ms = 0;
  int64_t applied_at_ms = 0;
  std::string detail;  // why a row was rejected
};

class AdminInbox {
 public:
  explicit AdminInbox(const std::string& journal_path);

  struct Enqueued {
    int64_t id = 0;
    bool existed = false;  // the idempotency key was already used (id is that row)
  };
  // Validates (ParseDeposit) and adds a pending row. Throws
  // std::invalid_argument with the sentence when the request is invalid.
  Enqueued Enqueue(const DepositRequest& request, const engine::MarketConfig& markets);

  std::optional<InboxRow> Find(int64_t id);
  // Oldest first.
  std::vector<InboxRow> Pending(std::size_t limit);
  // A row that never became a command (invalid when applied).
  void Reject(int64_t id, const std::string& detail);
  // Detail on an applied row (the engine's answer); informational only.
  void Annotate(int64_t id, const std::string& status, const std::string& detail);
  int64_t DataVersion() { return db_.DataVersion(); }

 private:
  Database db_;
};

class InboxPoller {
 public:
  // All must outlive the poller. `journal` is the loop's journal.
  InboxPoller(const std::string& journal_path, const engine::MarketConfig& markets,
              SqliteJournal& journal, engine::CommandLoop& loop);
  ~InboxPoller();
  InboxPoller(const InboxPoller&) = delete;
  InboxPoller& operator=(const InboxPoller&) = delete;

  // Applies every pending row, one at a time, each after the previous one is
  // durable; returns how many were submitted. Stops early when the loop
  // refuses (overloaded or stopping). The engine loop must be running.
  std::size_t ApplyPending();

  // Polls (PRAGMA data_version, so an idle inbox costs one pragma) every
  // `interval` on a thread of its own; the first poll is immediate.
  void Start(std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  void Stop();

 private:
  AdminInbox inbox_;
  const engine::MarketConfig& markets_;
  SqliteJournal& journal_;
  engine::CommandLoop& loop_;
  int64_t seen_version_ = -1;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kc::store
