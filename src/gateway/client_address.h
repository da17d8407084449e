// The client's address when kcgate sits behind reverse proxies. Only a peer
// inside `trusted_proxies` (CIDRs or addresses) is believed about who it
// forwards for: X-Forwarded-For is walked from the right, skipping trusted
// hops, and the first untrusted hop is the client (a client can prepend any
// addresses it likes, but cannot forge what the trusted proxies appended);
// X-Real-IP is used when there is no X-Forwarded-For. Any other peer is the
// client itself, whatever it sends. IP whitelists, regions, partners' IPs and
// per-IP limits all see this address. Any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/http_server.h"

namespace kc::gateway {

std::string ClientAddress(const net::HttpRequest& request, std::string_view peer_ip,
                          const std::vector<std::string>& trusted_proxies);

}  // namespace kc::gateway
