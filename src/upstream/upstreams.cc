#include "upstream/upstreams.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <stdexcept>
#include <string>

#include "upstream/relay.h"

namespace kc::upstream {
namespace {

std::vector<boost::asio::ip::tcp::endpoint> Resolve(const std::string& address) {
  const size_t colon = address.rfind(':');
  unsigned port = 0;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  if (colon == std::string::npos || colon == 0 || begin == end ||
      std::from_chars(begin, end, port).ptr != end || port == 0 || port > 65535) {
    throw std::runtime_error("upstream address must be HOST:PORT: '" + address + "'");
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("upstream address '" + address +
                             "' does not resolve: " + ec.message());
  }
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  return endpoints;
}

}  // namespace

Upstreams::Upstreams(const std::vector<UpstreamOptions>& options) {
  for (const UpstreamOptions& entry : options) {
    pools_.push_back(std::make_shared<ConnectionPool>(Resolve(entry.address), entry.pool_size));
    options_.push_back(std::make_shared<const UpstreamOptions>(entry));
  }
}

Upstreams::~Upstreams() {
  for (const auto& pool : pools_) pool->CloseIdle();
}

void Upstreams::AddRoutes(gateway::RouteTable& routes) const {
  namespace http = boost::beast::http;
  for (size_t i = 0; i < pools_.size(); ++i) {
    const std::shared_ptr<const UpstreamOptions>& options = options_[i];
    for (http::verb method : {http::verb::get, http::verb::post, http::verb::put,
                              http::verb::delete_, http::verb::patch}) {
      routes.AddPrefix(
          {.method = method,
           .pattern = options->path_prefix,
           .access = gateway::Access::kPrivate,
           .permission = options->permission,
           .pool = options->rate_pool,
           .weight = options->weight,
           .handler = [pool = pools_[i], options](const std::shared_ptr<gateway::Call>& call) {
             Relay(call, pool, options);
           }});
    }
  }
}

}  // namespace kc::upstream
