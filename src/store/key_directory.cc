#include "store/key_directory.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/schema.h"

namespace kc::store {

namespace {

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return out;
}

}  // namespace

KeyDirectory::KeyDirectory(const std::string& db_path, const SecretBox& box)
    : db_(db_path), box_(box) {
  EnsureSchema(db_);
  Refresh();
}

KeyDirectory::~KeyDirectory() { StopWatching(); }

std::shared_ptr<const gateway::ApiKey> KeyDirectory::Find(std::string_view key) const {
  auto snapshot = snapshot_.load(std::memory_order_acquire);
  auto it = snapshot->keys.find(key);
  return it == snapshot->keys.end() ? nullptr : it->second;
}

std::optional<api::UserSummary> KeyDirectory::FindUser(int64_t uid) const {
  auto snapshot = snapshot_.load(std::memory_order_acquire);
  auto it = snapshot->users.find(uid);
  if (it == snapshot->users.end()) return std::nullopt;
  return it->second;
}

void KeyDirectory::Refresh() {
  std::lock_guard lock(refresh_mutex_);
  const int64_t version = db_.DataVersion();
  if (version == loaded_version_) return;
  snapshot_.store(Load(), std::memory_order_release);
  loaded_version_ = version;
}

std::shared_ptr<const KeyDirectory::Snapshot> KeyDirectory::Load() {
  auto snapshot = std::make_shared<Snapshot>();
  // One read transaction, so keys and users agree.
  db_.Exec("BEGIN");
  try {
    auto users =
        db_.Prepare("SELECT uid, parent_uid, level, sub_trading, max_sub_quantity FROM users");
    while (users.Step()) {
      api::UserSummary user;
      user.uid = users.Int(0);
      user.parent_uid = users.Int(1);
      user.level = static_cast<int>(users.Int(2));
      user.max_default_sub_quantity = static_cast<int>(users.Int(4));
      snapshot->users.emplace(user.uid, user);
    }
    // Count each master's sub-accounts by the trading they have enabled.
    users.Reset();
    while (users.Step()) {
      auto parent = snapshot->users.find(users.Int(1));
      if (users.Int(1) == 0 || parent == snapshot->users.end()) continue;
      auto trading = gateway::Permissions::Parse(users.Text(3)).value_or(gateway::Permissions());
      api::UserSummary& master = parent->second;
      ++master.sub_quantity;
      if (trading.Has(gateway::Permission::kSpot)) ++master.spot_sub_quantity;
      if (trading.Has(gateway::Permission::kMargin)) ++master.margin_sub_quantity;
      if (trading.Has(gateway::Permission::kFutures)) ++master.futures_sub_quantity;
    }

    auto keys = db_.Prepare(
        "SELECT k.api_key, k.secret_sealed, k.passphrase_mac, k.version, k.uid, u.parent_uid, "
        "k.permissions, k.ip_whitelist, k.remark, k.created_at, k.revision, u.kyc_level "
        "FROM api_keys k JOIN users u ON u.uid = k.uid WHERE k.enabled = 1");
    while (keys.Step()) {
      auto key = std::make_shared<gateway::ApiKey>();
      key->key = keys.Text(0);
      auto secret = box_.Open(keys.Text(1));
      const std::string mac = keys.Blob(2);
      if (!secret || mac.size() != key->passphrase_mac.size()) {
        spdlog::error("api key {}: secret cannot be decrypted with this master key; skipped",
                      key->key);
        continue;
      }
      key->secret = std::move(*secret);
      std::copy(mac.begin(), mac.end(), key->passphrase_mac.begin());
      key->version = static_cast<int>(keys.Int(3));
      key->uid = keys.Int(4);
      key->is_sub = keys.Int(5) != 0;
      key->permissions = gateway::Permissions::Parse(keys.Text(6)).value_or(gateway::Permissions());
      key->ip_whitelist = SplitList(keys.Text(7));
      key->remark = keys.Text(8);
      key->created_at_ms = keys.Int(9);
      key->generation = static_cast<uint64_t>(keys.Int(10));
      key->kyc_verified = keys.Int(11) > 0;
      snapshot->keys.emplace(key->key, std::move(key));
    }
  } catch (...) {
    db_.Exec("ROLLBACK");
    throw;
  }
  db_.Exec("COMMIT");
  return snapshot;
}

void KeyDirectory::StartWatching(std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, interval] {
    std::unique_lock lock(watch_mutex_);
    while (!watch_cv_.wait_for(lock, interval, [this] { return stop_watching_; })) {
      try {
        Refresh();
      } catch (const std::exception& e) {
        spdlog::warn("key directory refresh failed: {}", e.what());
      }
    }
  });
}

void KeyDirectory::StopWatching() {
  {
    std::lock_guard lock(watch_mutex_);
    stop_watching_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

}  // namespace kc::store
