// Where the gateway looks API keys up. Implemented by store/ (SQLite, cached in
// memory) and by test doubles. Find is called on every private request from
// every event loop: implementations must be thread-safe and must not block on I/O.
#pragma once

#include <memory>
#include <string_view>

#include "gateway/api_key.h"

namespace kc::gateway {

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // The key, or null when unknown. Revoked keys are not returned.
  virtual std::shared_ptr<const ApiKey> Find(std::string_view key) const = 0;
};

}  // namespace kc::gateway
