#include "store/status_store.h"

#include <spdlog/spdlog.h>

namespace kc::store {

StatusStore::StatusStore(const std::string& db_path) : db_(db_path) {
  db_.Exec(
      "CREATE TABLE IF NOT EXISTS service_status ("
      " id INTEGER PRIMARY KEY CHECK (id = 1),"
      " status TEXT NOT NULL,"
      " message TEXT NOT NULL,"
      " updated_at INTEGER NOT NULL,"
      " revision INTEGER NOT NULL)");
}

void StatusStore::Write(ServiceStatus status, const std::string& message, int64_t now_ms) {
  db_.Prepare(
         "INSERT INTO service_status (id, status, message, updated_at, revision) "
         "VALUES (1, ?, ?, ?, 1) ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
         "message = excluded.message, updated_at = excluded.updated_at, "
         "revision = service_status.revision + 1")
      .Bind(1, StatusName(status))
      .Bind(2, message)
      .Bind(3, now_ms)
      .Run();
}

std::optional<StoredStatus> StatusStore::Read() {
  auto row =
      db_.Prepare("SELECT status, message, updated_at, revision FROM service_status WHERE id = 1");
  if (!row.Step()) return std::nullopt;
  auto status = ParseStatus(row.Text(0));
  if (!status) {
    spdlog::warn("service_status: unknown status '{}' ignored", row.Text(0));
    return std::nullopt;
  }
  return StoredStatus{*status, row.Text(1), row.Int(2), row.Int(3)};
}

StatusWatcher::StatusWatcher(const std::string& db_path, ServiceState& state)
    : store_(db_path), state_(state) {
  Poll();
}

StatusWatcher::~StatusWatcher() { Stop(); }

void StatusWatcher::Poll() {
  const int64_t version = store_.DataVersion();
  if (version == seen_version_) return;
  seen_version_ = version;
  auto stored = store_.Read();
  // Other writes to kcgate.db (keys) change data_version too: apply only a
  // status row the watcher has not applied yet.
  if (!stored || stored->revision == applied_revision_) return;
  applied_revision_ = stored->revision;
  spdlog::info("service status: {}{}{}", StatusName(stored->status),
               stored->message.empty() ? "" : " - ", stored->message);
  state_.Set(stored->status, stored->message);
}

void StatusWatcher::Start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      try {
        Poll();
      } catch (const std::exception& e) {
        spdlog::warn("service status poll failed: {}", e.what());
      }
      lock.lock();
    }
  });
}

void StatusWatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kc::store
