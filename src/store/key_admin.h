// Creating, listing and revoking API keys (and the users they belong to) in
// the SQLite store: the `kcgate keys` commands, the first-start demo key and
// tests. Works against a stopped or a running server's database; a running
// server picks changes up within a second (KeyDirectory). One thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "gateway/permission.h"
#include "store/secret_box.h"
#include "store/sqlite_db.h"

namespace kc::store {

struct NewKey {
  int64_t uid = 0;
  bool is_sub = false;
  int64_t parent_uid = 0;    // for a sub-account; 0 when unknown
  bool kyc_verified = true;  // the user's identity verification (new users only)
  int version = 3;
  gateway::Permissions permissions = gateway::Permission::kGeneral;
  std::string passphrase;  // empty: generate one
  std::vector<std::string> ip_whitelist;
  std::string remark;
};

struct CreatedKey {
  std::string api_key;
  std::string secret;
  std::string passphrase;
  int64_t uid = 0;
};

struct KeyListing {
  std::string api_key;
  int64_t uid = 0;
  bool is_sub = false;
  int version = 3;
  std::string permissions;
  std::string ip_whitelist;
  std::string remark;
  int64_t created_at_ms = 0;
  bool enabled = true;
};

class KeyAdmin {
 public:
  KeyAdmin(const std::string& db_path, const SecretBox& box, const Clock& clock);

  // Throws std::invalid_argument on a bad uid, version, passphrase or IP list.
  CreatedKey Create(const NewKey& request);
  std::vector<KeyListing> List();
  // Disables the key; false when no such enabled key exists.
  bool Revoke(const std::string& api_key);
  int64_t CountEnabledKeys();

 private:
  Database db_;
  const SecretBox& box_;
  const Clock& clock_;
};

}  // namespace kc::store
