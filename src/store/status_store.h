// The operator's exchange status (open, close, cancelonly, with a message),
// kept in kcgate.db so that `kcgate status set` reaches a running server as
// well as the next one to start: StatusWatcher polls PRAGMA data_version (an
// idle store costs one pragma a poll), as the key directory does, and applies
// a changed row to the server's ServiceState. A stored status wins over the
// one in the config file; `kcgate status set open` reopens.
// StatusStore: one thread at a time (its own connection). StatusWatcher:
// Start and Stop from the owning thread; it polls on its own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/service_state.h"
#include "store/sqlite_db.h"

namespace kc::store {

struct StoredStatus {
  ServiceStatus status = ServiceStatus::kOpen;
  std::string message;
  int64_t updated_at_ms = 0;
  int64_t revision = 0;  // counts writes, so every `status set` is applied once
};

class StatusStore {
 public:
  explicit StatusStore(const std::string& db_path);
  void Write(ServiceStatus status, const std::string& message, int64_t now_ms);
  // nullopt when no status was ever set.
  std::optional<StoredStatus> Read();
  int64_t DataVersion() { return db_.DataVersion(); }

 private:
  Database db_;
};

class StatusWatcher {
 public:
  // `state` must outlive the watcher. Applies the stored status at once.
  StatusWatcher(const std::string& db_path, ServiceState& state);
  ~StatusWatcher();
  StatusWatcher(const StatusWatcher&) = delete;
  StatusWatcher& operator=(const StatusWatcher&) = delete;

  void Start(std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  void Stop();

 private:
  void Poll();

  StatusStore store_;
  ServiceState& state_;
  int64_t seen_version_ = -1;
  int64_t applied_revision_ = 0;  // the stored row last applied

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kc::store
