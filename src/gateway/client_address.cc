#include "gateway/client_address.h"

#include <boost/asio/ip/address.hpp>
#include <optional>

#include "gateway/authenticate.h"

namespace kc::gateway {

namespace http = boost::beast::http;

namespace {

bool Trusted(const std::vector<std::string>& trusted, std::string_view ip) {
  return !trusted.empty() && IpAllowed(trusted, ip);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// A hop as proxies write it: "1.2.3.4", "1.2.3.4:5678", "2001:db8::1" or
// "[2001:db8::1]:443"; nullopt when it is no address.
std::optional<std::string> ParseHop(std::string_view hop) {
  hop = Trim(hop);
  if (!hop.empty() && hop.front() == '[') {
    const size_t close = hop.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hop = hop.substr(1, close - 1);
  } else if (hop.find(':') == hop.rfind(':') && hop.find(':') != std::string_view::npos) {
    hop = hop.substr(0, hop.find(':'));  // IPv4 with a port
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(hop, ec);
  if (ec) return std::nullopt;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6())
        .to_string();
  }
  return address.to_string();
}

}  // namespace

std::string ClientAddress(const net::HttpRequest& request, std::string_view peer_ip,
                          const std::vector<std::string>& trusted_proxies) {
  std::string client(peer_ip);
  if (!Trusted(trusted_proxies, client)) return client;
  // Every X-Forwarded-For line, in order, as one list.
  std::vector<std::string_view> hops;
  for (auto [it, end] = request.equal_range("X-Forwarded-For"); it != end; ++it) {
    std::string_view value = it->value();
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      hops.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  if (hops.empty()) {
    auto real_ip = request.find("X-Real-IP");
    if (real_ip == request.end()) return client;
    auto hop = ParseHop(real_ip->value());
    return hop ? *hop : client;
  }
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    auto address = ParseHop(*hop);
    if (!address) return client;  // garbage: the last hop we could read stands
    client = *address;
    if (!Trusted(trusted_proxies, client)) return client;
  }
  return client;  // every hop was a trusted proxy: the farthest one
}

}  // namespace kc::gateway
