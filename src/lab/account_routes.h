// The test lab's accounts (issue 13, item 2), on the admin listener:
//   POST   /admin/v1/keys              {uid, permissions?, passphrase?, version?, sub?,
//                                       parent?, unverified?, ip?, remark?}
//                                       -> {apiKey, secret, passphrase, uid}
//   DELETE /admin/v1/keys/{apiKey}
//   POST   /admin/v1/deposits          {uid, currency, amount, account?, requestId?}
//   POST   /admin/v1/users/{uid}/reset cancel the user's orders and withdraw
//                                       every balance (journaled withdrawals)
// Keys go through the store (as `kcgate keys create`), deposits through the
// admin inbox (exactly once, as `kcgate accounts deposit`), resets through
// the engine, so all of them survive a restart as the CLI's would.
#pragma once

#include <string>

#include "admin/router.h"
#include "core/clock.h"
#include "engine/command_loop.h"
#include "store/key_directory.h"
#include "store/secret_box.h"

namespace kc::lab {

struct AccountParts {
  std::string database_path;  // kcgate.db (keys)
  std::string journal_path;   // journal.db (the admin inbox)
  const store::SecretBox& box;
  store::KeyDirectory& keys;  // refreshed after a change, so it applies at once
  engine::CommandLoop& engine;
  const Clock& clock;
};

void AddAccountRoutes(admin::Router& router, const AccountParts& parts);

}  // namespace kc::lab
