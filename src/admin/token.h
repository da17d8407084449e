// The admin listener's bearer token: [admin] token when configured, else the
// one kept in <data>/admin.token (mode 0600), generated on the first start
// (32 random bytes, hex) so scripts on the same machine can read it.
#pragma once

#include <string>

namespace kc::admin {

// The token file's path in `data_dir`.
std::string TokenPath(const std::string& data_dir);

// `configured` when non-empty; else reads or creates <data_dir>/admin.token.
// Throws std::runtime_error when the file cannot be read or written.
std::string LoadOrCreateToken(const std::string& configured, const std::string& data_dir);

// <data_dir>/admin.url: the running server's admin listener ("http://HOST:PORT"),
// written at start so `kcgate lab` finds a server bound to port 0. Read: ""
// when absent.
void WriteAdminUrl(const std::string& data_dir, const std::string& url);
std::string ReadAdminUrl(const std::string& data_dir);

}  // namespace kc::admin
