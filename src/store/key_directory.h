// The API keys and users of the embedded SQLite store, served from memory.
// A snapshot of both tables is loaded at start and reloaded whenever the
// database changes — including from another process such as `kcgate keys
// revoke` — detected through PRAGMA data_version, polled by a watcher thread
// (default every 250 ms, so a revocation takes effect within a second).
// Find/FindUser are lock-free reads of an immutable snapshot: any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "api/user_directory.h"
#include "gateway/key_store.h"
#include "store/secret_box.h"
#include "store/sqlite_db.h"

namespace kc::store {

class KeyDirectory final : public gateway::KeyStore, public api::UserDirectory {
 public:
  KeyDirectory(const std::string& db_path, const SecretBox& box);
  ~KeyDirectory() override;

  std::shared_ptr<const gateway::ApiKey> Find(std::string_view key) const override;
  std::optional<api::UserSummary> FindUser(int64_t uid) const override;

  // Reloads when the database changed since the last load. Cheap otherwise.
  void Refresh();
  void StartWatching(std::chrono::milliseconds interval = std::chrono::milliseconds(250));
  void StopWatching();

 private:
  // Hashes std::string and std::string_view alike: Find looks the request's
  // KC-API-KEY up without copying it into a std::string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>()(key); }
  };
  struct Snapshot {
    std::unordered_map<std::string, std::shared_ptr<const gateway::ApiKey>, KeyHash,
                       std::equal_to<>>
        keys;
    std::unordered_map<int64_t, api::UserSummary> users;
  };
  std::shared_ptr<const Snapshot> Load();

  Database db_;  // used only by the thread that calls Refresh (under refresh_mutex_)
  const SecretBox& box_;
  std::mutex refresh_mutex_;
  int64_t loaded_version_ = -1;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;

  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  bool stop_watching_ = false;
  std::thread watcher_;
};

}  // namespace kc::store
