// What the account endpoints need to know about a user beyond its API key.
// Owned by api/, implemented by store/ (cached in memory) and test doubles.
// Any thread; never blocks on I/O.
#pragma once

#include <cstdint>
#include <optional>

namespace kc::api {

struct UserSummary {
  int64_t uid = 0;
  int64_t parent_uid = 0;  // 0 for a master account
  int level = 0;           // VIP level
  // Sub-accounts of this user, by the trading they have enabled.
  int sub_quantity = 0;
  int spot_sub_quantity = 0;
  int margin_sub_quantity = 0;
  int futures_sub_quantity = 0;
  int option_sub_quantity = 0;
  int max_default_sub_quantity = 5;
  int max_spot_sub_quantity = 0;
  int max_margin_sub_quantity = 0;
  int max_futures_sub_quantity = 0;
  int max_option_sub_quantity = 0;
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  virtual std::optional<UserSummary> FindUser(int64_t uid) const = 0;
};

}  // namespace kc::api
