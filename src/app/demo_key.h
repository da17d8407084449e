// The demo key `make run` prints: created on the first start of an empty store
// and kept (mode 0600) in <data>/demo-key.json so later starts print it again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/markets.h"

#include "store/key_admin.h"

namespace kc::app {

// Returns the demo key to print, creating it when the store holds no key at all.
// nullopt when the store has keys but no demo key file (an operator's store).
std::optional<store::CreatedKey> EnsureDemoKey(store::KeyAdmin& admin, const std::string& data_dir);

// Queues admin inbox deposits of `funds` ("10000 USDT") into `key`'s trade
// account, each under an idempotency key of the uid and currency, so a
// restart never pays twice (store/admin_inbox.h). Returns the inbox row ids.
// Throws std::invalid_argument naming a malformed entry.
std::vector<int64_t> FundDemoKey(const store::CreatedKey& key,
                                 const std::vector<std::string>& funds,
                                 const std::string& journal_path,
                                 const engine::MarketConfig& markets);

// A copy-paste shell example of a signed request with this key.
std::string SignedRequestExample(const store::CreatedKey& key, const std::string& base_url);

}  // namespace kc::app
