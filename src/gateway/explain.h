// The test lab's signature explain (issue 13, item 7): with [lab] explain on,
// a 400005 or 400004 answer carries a `kc-explain` header saying what the
// server expected, without revealing the secret: for 400005 the exact
// pre-hash string it signed (timestamp + METHOD + path + body, the body
// capped at 512 bytes, with its length and SHA-256) and each path form it
// tried; for 400004 the passphrase form the header version implies. The
// text is one line of JSON in printable ASCII (other bytes as \u00XX), safe
// in a header. Pure functions: any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/credentials.h"

namespace kc::gateway {

inline constexpr size_t kExplainBodyCap = 512;

std::string ExplainSignature(const Credentials& credentials, std::string_view method,
                             std::string_view target, std::string_view body);
std::string ExplainPassphrase(const Credentials& credentials);

// The path forms a signature is checked against (authenticate.cc): the
// target as sent, percent-decoded when it has a '%', without a trailing '?'.
std::vector<std::string> SignedPathForms(std::string_view target);

}  // namespace kc::gateway
