// The engine's durable Journal in SQLite (<data>/journal.db, WAL,
// synchronous=FULL). Group commit: the CommandLoop's journal writer thread
// appends every batch that queued while the last sync ran and syncs once; what
// one Sync covers is one row (its commands in the codec's framed, checksummed
// form) written in one transaction, so one fsync covers all of it. A new file
// gets 64 KiB pages (fewer WAL frames per row). Replay reads the rows back in
// order before the engine starts.
//
// Snapshots bound the restart time: every so many commands or milliseconds
// (ScheduleSnapshots) the engine thread, right after applying a batch,
// serializes the Exchange (engine/snapshot.h), and the writer thread, right
// after that batch's Sync, stores it with the journal position it covers and
// its StateDigest in one transaction; a start loads the
// newest snapshot that decodes and replays only the batches after it. The
// two newest snapshots are kept, and the batches the older one covers are
// deleted (freed pages are reused, so journal.db stays bounded); with
// keep_all_batches nothing is deleted and the journal stays the complete
// audit trail that offline checks replay from the first command. Admin inbox
// rows name their Deposit's journal position either way.
//
// The same file holds the admin inbox (`kcgate accounts deposit`), because
// exactly-once funding needs the inbox row marked applied in the same
// transaction that makes its Deposit durable: see ExpectInboxDeposit. It is a
// file apart from kcgate.db so that the key directory, which reloads whenever
// kcgate.db changes, is not woken by every journal commit.
//
// One writer: the constructor takes an exclusive lock on <path>.lock for the
// object's lifetime (released by the kernel if the process dies), so two
// servers can never interleave one journal; admin commands use the same lock
// to learn whether a server is running (JournalInUse).
//
// Threads: Replay on the constructing thread before the engine starts; Append,
// Sync and SaveSnapshot on the CommandLoop's journal writer thread only (the
// one thread using the connection while the loop runs); ExpectInboxDeposit,
// CancelInboxDeposit and durable_commands from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/command_loop.h"
#include "engine/commands.h"
#include "engine/journal.h"
#include "store/sqlite_db.h"

namespace kc::store {

// <data_dir>/journal.db
std::string JournalPath(const std::string& data_dir);

// Before the first connection to a journal file: a new file gets 64 KiB pages,
// so a batch's blob takes 16x fewer WAL frames (each a header, a page write
// and a checksum pass); an existing file keeps its page size (fixed once the
// file is in WAL mode). Returns `path`.
const std::string& PrepareJournalFile(const std::string& path);

// True when a live process holds the journal's writer lock (a server runs).
bool JournalInUse(const std::string& journal_path);

// Creates the journal and admin inbox tables if missing (any connection).
void EnsureJournalSchema(Database& db);

struct SqliteJournalOptions {
  // WAL size, in 4 KiB units whatever the page size, after which the WAL is
  // copied back into the main file. The copy (and its fsync) runs on a
  // checkpointer thread of the journal's own, not on the journal writer
  // thread, so it never delays an acknowledgement.
  int64_t autocheckpoint_pages = 4096;
  // Keep every batch, even those both stored snapshots cover (an audit trail
  // that replays from the first command; journal.db then grows without end).
  // Off: SaveSnapshot deletes the batches the older of the two kept snapshots
  // covers, so the file stays bounded and either snapshot can still restart.
  bool keep_all_batches = false;
};

class SqliteJournal final : public engine::Journal {
 public:
  // Opens or creates the journal. Throws SqliteError, or std::runtime_error
  // when another process holds the writer lock.
  explicit SqliteJournal(const std::string& path, SqliteJournalOptions options = {});
  ~SqliteJournal() override;
  SqliteJournal(const SqliteJournal&) = delete;
  SqliteJournal& operator=(const SqliteJournal&) = delete;

  // Calls `apply` with every durable command, oldest first; returns how many.
  // Throws std::runtime_error when a batch does not decode (a damaged file is
  // never silently truncated: the operator decides).
  // With `after` (a snapshot's position), only the commands after it.
  uint64_t Replay(const std::function<void(const engine::TimedCommand&)>& apply,
                  uint64_t after = 0);

  void Append(std::span<const engine::TimedCommand> batch) override;
  bool Sync() override;

  // Exactly-once funding. The next appended Deposit equal to `deposit` marks
  // inbox row `inbox_id` applied in the transaction that makes it durable, so
  // after any crash the row is applied iff its Deposit is in the journal.
  // Call before submitting the Deposit; CancelInboxDeposit when the submit
  // was refused.
  void ExpectInboxDeposit(int64_t inbox_id, const engine::Deposit& deposit);
  void CancelInboxDeposit(int64_t inbox_id);

  // The engine's StateDigest after the first `seq` commands, recorded at a
  // clean stop; ReplayInto checks it, so a replay that diverges (an engine
  // change that alters what old commands do) refuses to start instead of
  // serving state nobody was told about. With the loop stopped.
  void RecordDigest(uint64_t seq, uint64_t digest);
  struct DigestMark {
    uint64_t seq = 0;
    uint64_t digest = 0;
  };
  std::optional<DigestMark> LatestDigest();

  // Stores `snapshot`, the engine state after the first `seq` commands, and
  // its StateDigest, in one transaction; keeps the two newest snapshots.
  // Throws SqliteError. The journal writer thread, or with the loop stopped.
  void SaveSnapshot(uint64_t seq, std::string_view snapshot, uint64_t digest);
  // Positions of the stored snapshots, newest first.
  std::vector<uint64_t> SnapshotPositions();
  std::optional<std::string> LoadSnapshot(uint64_t seq);

  // Commands made durable so far (replayed ones included).
  uint64_t durable_commands() const { return durable_.load(std::memory_order_acquire); }
  uint64_t batches() const { return batches_.load(std::memory_order_relaxed); }

  // Told after each Sync that made commands durable: how many, and how long
  // its transaction (fsync included) took. Before the loop starts; runs on
  // the journal writer thread (metrics: keep it short).
  using SyncObserver = std::function<void(uint64_t commands, std::chrono::nanoseconds took)>;
  void SetSyncObserver(SyncObserver observer) { sync_observer_ = std::move(observer); }
  // Steady-clock milliseconds at which the Sync now running began; 0 when
  // none runs (readiness: a batch waiting long for its fsync). Any thread.
  int64_t syncing_since_ms() const { return syncing_since_ms_.load(std::memory_order_relaxed); }
  // Unix milliseconds of the newest stored snapshot; 0 when none. Any thread.
  int64_t last_snapshot_ms() const { return last_snapshot_ms_.load(std::memory_order_relaxed); }

 private:
  struct Claim {
    int64_t inbox_id;
    engine::Deposit deposit;
  };
  struct Mark {
    int64_t inbox_id;
    uint64_t seq;  // the Deposit's position in the journal (1-based)
  };

  // The writer lock's descriptor, closed (unlocked) last.
  struct LockFd {
    int fd = -1;
    ~LockFd();
  };
  LockFd lock_;
  Database db_;
  std::optional<Statement> insert_batch_;
  std::optional<Statement> mark_inbox_;
  // Prepared once: parsing them anew cost about a tenth of a small batch's commit.
  std::optional<Statement> begin_, commit_;

  // Journal writer thread.
  std::string pending_;  // framed records appended since the last Sync
  uint64_t pending_count_ = 0;
  uint64_t next_seq_ = 1;
  std::vector<Mark> marks_;

  std::mutex claims_mu_;
  std::vector<Claim> claims_;  // guarded by claims_mu_

  std::atomic<uint64_t> durable_{0};
  std::atomic<uint64_t> batches_{0};
  SyncObserver sync_observer_;  // set before the writer runs
  std::atomic<int64_t> syncing_since_ms_{0};
  std::atomic<int64_t> last_snapshot_ms_{0};

  // The checkpointer: woken by SQLite's WAL hook on the engine connection.
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  void Checkpoints(std::string path);
  int64_t checkpoint_pages_;
  bool keep_all_batches_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;   // guarded by checkpoint_mu_
  bool checkpoint_stop_ = false;  // guarded by checkpoint_mu_
  std::thread checkpointer_;
};

// Rebuilds `loop`'s state (before loop.Start()): loads the newest stored
// snapshot that decodes, replays the journal after it (all of it without
// one), and checks the latest digest on the way; returns the number of
// commands the state covers. Throws std::runtime_error when the state does
// not match the digest.
uint64_t ReplayInto(SqliteJournal& journal, engine::CommandLoop& loop);

struct SnapshotPolicy {
  uint64_t every_commands = 100'000;  // 0: no count trigger
  int64_t every_ms = 60'000;          // 0: no time trigger
};
// After ReplayInto (it counts from the journal's position then), before
// loop.Start(): once `every_commands` commands were journaled since
// the last snapshot, or `every_ms` passed with at least one, the engine thread
// serializes the state right after a batch applied and the writer thread
// stores it right after that batch's Sync. A failed write is logged (the
// journal still holds everything); the next trigger writes a newer one.
void ScheduleSnapshots(SqliteJournal& journal, engine::CommandLoop& loop, SnapshotPolicy policy);

}  // namespace kc::store
