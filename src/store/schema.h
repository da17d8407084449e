// The SQLite schema of kcgate's embedded store (users and API keys), created or
// upgraded on open.
#pragma once

#include "store/sqlite_db.h"

namespace kc::store {

void EnsureSchema(Database& db);

}  // namespace kc::store
