#include "store/sqlite_journal.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "engine/command_codec.h"
#include "engine/snapshot.h"

namespace kc::store {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string LockPath(const std::string& journal_path) { return journal_path + ".lock"; }

// flock, not an SQLite lock: an exclusive SQLite locking mode would also shut
// out the admin commands that write the inbox.
int AcquireWriterLock(const std::string& journal_path) {
  const std::string path = LockPath(journal_path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw std::runtime_error("journal " + journal_path +
                             " is in use by another kcgate process (lock " + path + ")");
  }
  return fd;
}

}  // namespace

const std::string& PrepareJournalFile(const std::string& path) {
  if (std::filesystem::exists(path)) return path;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) ==
      SQLITE_OK) {
    sqlite3_exec(db, "PRAGMA page_size=65536; PRAGMA journal_mode=WAL;", nullptr, nullptr, nullptr);
  }
  sqlite3_close(db);  // any failure surfaces when Database opens the file
  return path;
}

namespace {

bool SameDeposit(const engine::Deposit& a, const engine::Deposit& b) {
  return a.uid == b.uid && a.currency == b.currency && a.account == b.account &&
         a.amount == b.amount;
}

}  // namespace

std::string JournalPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "journal.db").string();
}

bool JournalInUse(const std::string& journal_path) {
  const int fd = ::open(LockPath(journal_path).c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;  // never opened by a server
  const bool in_use = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
  ::close(fd);  // releases the probe lock, if it was taken
  return in_use;
}

void EnsureJournalSchema(Database& db) {
  db.Exec(R"sql(
    CREATE TABLE IF NOT EXISTS journal_batches (
      first_seq INTEGER PRIMARY KEY,
      count INTEGER NOT NULL,
      records BLOB NOT NULL,
      written_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS journal_digests (
      seq INTEGER PRIMARY KEY,
      digest TEXT NOT NULL,
      written_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS journal_snapshots (
      seq INTEGER PRIMARY KEY,
      version INTEGER NOT NULL,
      state BLOB NOT NULL,
      written_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS admin_inbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL DEFAULT 'deposit',
      uid INTEGER NOT NULL,
      currency TEXT NOT NULL,
      account TEXT NOT NULL,
      amount TEXT NOT NULL,
      idempotency_key TEXT UNIQUE,
      created_at INTEGER NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending',
      journal_seq INTEGER,
      applied_at INTEGER,
      detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX IF NOT EXISTS admin_inbox_pending ON admin_inbox(id) WHERE status = 'pending';
  )sql");
}

SqliteJournal::SqliteJournal(const std::string& path, SqliteJournalOptions options)
    : lock_{AcquireWriterLock(path)},
      db_(PrepareJournalFile(path)),
      checkpoint_pages_(std::max<int64_t>(1, options.autocheckpoint_pages)),
      keep_all_batches_(options.keep_all_batches) {
  EnsureJournalSchema(db_);
  insert_batch_.emplace(db_.handle(),
                        "INSERT INTO journal_batches (first_seq, count, records, written_at) "
                        "VALUES (?, ?, ?, ?)");
  begin_.emplace(db_.handle(), "BEGIN IMMEDIATE");
  commit_.emplace(db_.handle(), "COMMIT");
  mark_inbox_.emplace(db_.handle(),
                      "UPDATE admin_inbox SET status = 'applied', journal_seq = ?, "
                      "applied_at = ? WHERE id = ? AND status = 'pending'");
  auto last = db_.Prepare(
      "SELECT first_seq, count FROM journal_batches "
      "ORDER BY first_seq DESC LIMIT 1");
  if (last.Step()) next_seq_ = static_cast<uint64_t>(last.Int(0) + last.Int(1));
  auto snapshot = db_.Prepare("SELECT MAX(written_at) FROM journal_snapshots");
  if (snapshot.Step()) last_snapshot_ms_.store(snapshot.Int(0), std::memory_order_relaxed);
  auto page_size = db_.Prepare("PRAGMA page_size");
  if (page_size.Step() && page_size.Int(0) > 0) {
    checkpoint_pages_ = std::max<int64_t>(1, checkpoint_pages_ * 4096 / page_size.Int(0));
  }
  // Replaces SQLite's automatic checkpoint on this connection.
  sqlite3_wal_hook(db_.handle(), &SqliteJournal::OnWalCommit, this);
  checkpointer_ = std::thread([this, path] { Checkpoints(path); });
}

SqliteJournal::LockFd::~LockFd() {
  if (fd >= 0) ::close(fd);
}

SqliteJournal::~SqliteJournal() {
  {
    std::lock_guard lock(checkpoint_mu_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  checkpointer_.join();
  sqlite3_wal_hook(db_.handle(), nullptr, nullptr);
  insert_batch_.reset();
  mark_inbox_.reset();
  begin_.reset();
  commit_.reset();
}

uint64_t SqliteJournal::Replay(const std::function<void(const engine::TimedCommand&)>& apply,
                               uint64_t after) {
  auto rows = db_.Prepare(
      "SELECT first_seq, count, records FROM journal_batches WHERE first_seq + count - 1 > ? "
      "ORDER BY first_seq");
  rows.Bind(1, static_cast<int64_t>(after));
  uint64_t expected = after + 1;
  uint64_t replayed = 0;
  engine::TimedCommand command;
  while (rows.Step()) {
    auto first = static_cast<uint64_t>(rows.Int(0));
    auto count = static_cast<uint64_t>(rows.Int(1));
    // A snapshot inside a batch (never written so, but harmless): skip the
    // commands it covers.
    uint64_t skip = 0;
    if (first < expected && replayed == 0) {
      skip = expected - first;
      first = expected;
      count -= skip;
    }
    if (first != expected) {
      throw std::runtime_error("journal: batch at " + std::to_string(first) + ", expected " +
                               std::to_string(expected));
    }
    const std::string records = rows.Blob(2);
    std::string_view in = records;
    uint64_t decoded = 0;
    for (;;) {
      const engine::ReadStatus status = engine::ReadRecord(&in, &command);
      if (status == engine::ReadStatus::kEnd) break;
      if (status != engine::ReadStatus::kOk) {
        throw std::runtime_error("journal: damaged record in the batch at " +
                                 std::to_string(first));
      }
      if (skip > 0) {
        --skip;
        continue;
      }
      apply(command);
      ++decoded;
    }
    if (decoded != count) {
      throw std::runtime_error("journal: the batch at " + std::to_string(first) + " holds " +
                               std::to_string(decoded) + " commands, not " + std::to_string(count));
    }
    expected += count;
    replayed += count;
  }
  next_seq_ = expected;
  durable_.store(expected - 1, std::memory_order_release);
  return replayed;
}

void SqliteJournal::Append(std::span<const engine::TimedCommand> batch) {
  std::unique_lock lock(claims_mu_, std::defer_lock);
  for (const engine::TimedCommand& c : batch) {
    const uint64_t seq = next_seq_ + pending_count_;
    engine::AppendRecord(c, &pending_);
    ++pending_count_;
    const auto* deposit = std::get_if<engine::Deposit>(&c.command);
    if (deposit == nullptr) continue;
    if (!lock.owns_lock()) lock.lock();
    for (auto it = claims_.begin(); it != claims_.end(); ++it) {
      if (SameDeposit(it->deposit, *deposit)) {
        marks_.push_back(Mark{it->inbox_id, seq});
        claims_.erase(it);
        break;
      }
    }
  }
}

bool SqliteJournal::Sync() {
  if (pending_count_ == 0) return true;
  const int64_t now = NowMs();
  const auto started = std::chrono::steady_clock::now();
  syncing_since_ms_.store(
      std::max<int64_t>(
          1, std::chrono::duration_cast<std::chrono::milliseconds>(started.time_since_epoch())
                 .count()),
      std::memory_order_relaxed);
  struct Done {
    std::atomic<int64_t>& since;
    ~Done() { since.store(0, std::memory_order_relaxed); }
  } done{syncing_since_ms_};
  try {
    begin_->Reset();
    begin_->Run();
    try {
      insert_batch_->Reset();
      insert_batch_->Bind(1, static_cast<int64_t>(next_seq_))
          .Bind(2, static_cast<int64_t>(pending_count_))
          .BindBlob(3, pending_)
          .Bind(4, now);
      insert_batch_->Run();
      for (const Mark& m : marks_) {
        mark_inbox_->Reset();
        mark_inbox_->Bind(1, static_cast<int64_t>(m.seq)).Bind(2, now).Bind(3, m.inbox_id);
        mark_inbox_->Run();
      }
      commit_->Reset();
      commit_->Run();
    } catch (...) {
      sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  } catch (const SqliteError& e) {
    // The CommandLoop stops the process: nothing of this batch is acknowledged.
    spdlog::critical("journal: cannot make {} commands durable: {}", pending_count_, e.what());
    return false;
  }
  next_seq_ += pending_count_;
  durable_.store(next_seq_ - 1, std::memory_order_release);
  batches_.fetch_add(1, std::memory_order_relaxed);
  if (sync_observer_) sync_observer_(pending_count_, std::chrono::steady_clock::now() - started);
  pending_.clear();
  pending_count_ = 0;
  marks_.clear();
  return true;
}

void SqliteJournal::ExpectInboxDeposit(int64_t inbox_id, const engine::Deposit& deposit) {
  std::lock_guard lock(claims_mu_);
  claims_.push_back(Claim{inbox_id, deposit});
}

void SqliteJournal::CancelInboxDeposit(int64_t inbox_id) {
  std::lock_guard lock(claims_mu_);
  std::erase_if(claims_, [&](const Claim& c) { return c.inbox_id == inbox_id; });
}

int SqliteJournal::OnWalCommit(void* self, sqlite3*, const char*, int pages) {
  auto* journal = static_cast<SqliteJournal*>(self);
  if (pages >= journal->checkpoint_pages_) {
    {
      std::lock_guard lock(journal->checkpoint_mu_);
      journal->checkpoint_due_ = true;
    }
    journal->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteJournal::Checkpoints(std::string path) {
  std::unique_ptr<Database> db;
  std::unique_lock lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [this] { return checkpoint_due_ || checkpoint_stop_; });
    if (checkpoint_stop_) return;
    checkpoint_due_ = false;
    lock.unlock();
    try {
      if (!db) db = std::make_unique<Database>(path);
      // PASSIVE: copies what it can without blocking the engine's commits;
      // the next commit after a complete copy restarts the WAL from the top.
      int wal_pages = 0, copied = 0;
      if (sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                    &copied) != SQLITE_OK) {
        spdlog::warn("journal checkpoint: {}", sqlite3_errmsg(db->handle()));
      }
    } catch (const std::exception& e) {
      spdlog::warn("journal checkpoint: {}", e.what());
    }
    lock.lock();
  }
}

void SqliteJournal::RecordDigest(uint64_t seq, uint64_t digest) {
  // Text: SQLite integers are signed and the digest uses all 64 bits.
  auto s = db_.Prepare(
      "INSERT OR REPLACE INTO journal_digests (seq, digest, written_at) VALUES (?, ?, ?)");
  s.Bind(1, static_cast<int64_t>(seq)).Bind(2, std::to_string(digest)).Bind(3, NowMs());
  s.Run();
}

std::optional<SqliteJournal::DigestMark> SqliteJournal::LatestDigest() {
  auto s = db_.Prepare("SELECT seq, digest FROM journal_digests ORDER BY seq DESC LIMIT 1");
  if (!s.Step()) return std::nullopt;
  return DigestMark{static_cast<uint64_t>(s.Int(0)), std::stoull(s.Text(1))};
}

void SqliteJournal::SaveSnapshot(uint64_t seq, std::string_view snapshot, uint64_t digest) {
  const int64_t now = NowMs();
  db_.Exec("BEGIN IMMEDIATE");
  try {
    auto insert = db_.Prepare(
        "INSERT OR REPLACE INTO journal_snapshots (seq, version, state, written_at) "
        "VALUES (?, ?, ?, ?)");
    insert.Bind(1, static_cast<int64_t>(seq))
        .Bind(2, static_cast<int64_t>(engine::SnapshotVersion(snapshot).value_or(0)))
        .BindBlob(3, snapshot)
        .Bind(4, now);
    insert.Run();
    auto mark = db_.Prepare(
        "INSERT OR REPLACE INTO journal_digests (seq, digest, written_at) VALUES (?, ?, ?)");
    mark.Bind(1, static_cast<int64_t>(seq)).Bind(2, std::to_string(digest)).Bind(3, now);
    mark.Run();
    db_.Exec(
        "DELETE FROM journal_snapshots WHERE seq NOT IN "
        "(SELECT seq FROM journal_snapshots ORDER BY seq DESC LIMIT 2)");
    if (!keep_all_batches_) {
      // Only once two snapshots exist, and only what the older covers: the
      // newest batch always stays (the next position is read from it), and a
      // damaged newest snapshot can fall back to the older one.
      db_.Exec(
          "DELETE FROM journal_batches WHERE first_seq + count - 1 <= "
          "(SELECT MIN(seq) FROM journal_snapshots HAVING COUNT(*) = 2)");
      db_.Exec(
          "DELETE FROM journal_digests WHERE seq < "
          "(SELECT MIN(seq) FROM journal_snapshots HAVING COUNT(*) = 2)");
    }
    db_.Exec("COMMIT");
    last_snapshot_ms_.store(now, std::memory_order_relaxed);
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::vector<uint64_t> SqliteJournal::SnapshotPositions() {
  auto s = db_.Prepare("SELECT seq FROM journal_snapshots ORDER BY seq DESC");
  std::vector<uint64_t> out;
  while (s.Step()) out.push_back(static_cast<uint64_t>(s.Int(0)));
  return out;
}

std::optional<std::string> SqliteJournal::LoadSnapshot(uint64_t seq) {
  auto s = db_.Prepare("SELECT state FROM journal_snapshots WHERE seq = ?");
  s.Bind(1, static_cast<int64_t>(seq));
  if (!s.Step()) return std::nullopt;
  return s.Blob(0);
}

uint64_t ReplayInto(SqliteJournal& journal, engine::CommandLoop& loop) {
  const auto mark = journal.LatestDigest();
  std::optional<uint64_t> replayed_digest;
  uint64_t n = 0;
  // The newest snapshot that loads; an older one, or none, when it does not
  // (another format version after an upgrade, damage): the journal has it all.
  for (const uint64_t seq : journal.SnapshotPositions()) {
    const auto bytes = journal.LoadSnapshot(seq);
    std::string error = "missing";
    if (bytes && loop.LoadSnapshot(*bytes, &error)) {
      n = seq;
      spdlog::info("loaded the engine snapshot at journal command {}", seq);
      break;
    }
    spdlog::warn("journal: the snapshot at command {} is not used: {}", seq, error);
  }
  const uint64_t start = n;
  const auto check = [&] {
    if (mark && n == mark->seq) replayed_digest = loop.exchange().StateDigest();
  };
  check();
  journal.Replay(
      [&](const engine::TimedCommand& command) {
        loop.Replay(command);
        ++n;
        check();
      },
      start);
  if (n > start) spdlog::info("replayed {} journaled commands", n - start);
  if (mark && mark->seq > n) {
    throw std::runtime_error("journal ends at command " + std::to_string(n) +
                             " but its state digest was recorded at " + std::to_string(mark->seq) +
                             ": committed batches are missing");
  }
  // A digest recorded before the snapshot was checked when that snapshot was
  // written (each snapshot records its own).
  if (mark && mark->seq >= start) {
    if (!replayed_digest || *replayed_digest != mark->digest) {
      throw std::runtime_error(
          "journal replay diverged: the state after command " + std::to_string(mark->seq) +
          " differs from the one recorded when it was written (engine changed?)");
    }
  }
  return n;
}

}  // namespace kc::store

namespace kc::store {

void ScheduleSnapshots(SqliteJournal& journal, engine::CommandLoop& loop, SnapshotPolicy policy) {
  if (policy.every_commands == 0 && policy.every_ms <= 0) return;
  using Steady = std::chrono::steady_clock;
  // Every applied command is journaled, so the journal position after a
  // batch is the count at the start plus every batch's size since.
  const uint64_t start = journal.durable_commands();
  loop.SetAfterBatch(
      [&journal, policy, seq = start, last_seq = start, last_time = Steady::now()](
          const engine::Exchange& exchange, std::size_t commands) mutable -> std::function<void()> {
        // The engine thread, right after the batch applied: the state is the
        // journal's once this batch is durable.
        seq += commands;
        const uint64_t since = seq - last_seq;
        const auto now = Steady::now();
        const bool by_count = policy.every_commands != 0 && since >= policy.every_commands;
        const bool by_time = policy.every_ms > 0 && since > 0 &&
                             now - last_time >= std::chrono::milliseconds(policy.every_ms);
        if (!by_count && !by_time) return nullptr;
        last_seq = seq;
        last_time = now;
        auto bytes = std::make_shared<std::string>();
        exchange.SaveSnapshot(bytes.get());
        // The writer thread, right after the batch's Sync: off the engine thread.
        return [&journal, at = seq, bytes, digest = exchange.StateDigest()] {
          try {
            journal.SaveSnapshot(at, *bytes, digest);
          } catch (const std::exception& e) {
            spdlog::warn("journal: engine snapshot at command {} not written: {}", at, e.what());
          }
        };
      });
}

}  // namespace kc::store
