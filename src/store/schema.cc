#include "store/schema.h"

namespace kc::store {

void EnsureSchema(Database& db) {
  db.Exec(R"sql(
    CREATE TABLE IF NOT EXISTS users (
      uid INTEGER PRIMARY KEY,
      parent_uid INTEGER NOT NULL DEFAULT 0,
      level INTEGER NOT NULL DEFAULT 0,
      sub_trading TEXT NOT NULL DEFAULT 'Spot',
      max_sub_quantity INTEGER NOT NULL DEFAULT 5,
      kyc_level INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS api_keys (
      api_key TEXT PRIMARY KEY,
      secret_sealed TEXT NOT NULL,
      passphrase_mac BLOB NOT NULL,
      version INTEGER NOT NULL,
      uid INTEGER NOT NULL REFERENCES users(uid),
      permissions TEXT NOT NULL,
      ip_whitelist TEXT NOT NULL DEFAULT '',
      remark TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      enabled INTEGER NOT NULL DEFAULT 1,
      revision INTEGER NOT NULL DEFAULT 1
    );
  )sql");
  // Stores created before identity verification was modelled lack the column.
  bool has_kyc = false;
  auto columns = db.Prepare("PRAGMA table_info(users)");
  while (columns.Step()) has_kyc = has_kyc || columns.Text(1) == "kyc_level";
  if (!has_kyc) db.Exec("ALTER TABLE users ADD COLUMN kyc_level INTEGER NOT NULL DEFAULT 1");
}

}  // namespace kc::store
