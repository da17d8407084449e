#include "push/service.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "push/session.h"

namespace kc::push {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

// The first value of `name` in a query string, decoded; nullopt when absent.
std::optional<std::string> QueryValue(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string PathOf(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const size_t slash = url.find('/', start);
  if (slash == std::string_view::npos) return "/";
  std::string_view path = url.substr(slash);
  return std::string(path.substr(0, path.find('?')));
}

// A connectId for clients that send none, unique within this process.
std::string GeneratedConnectId() {
  static std::atomic<uint64_t> next{1};
  return "kc" + std::to_string(SteadyNowMs()) + "-" +
         std::to_string(next.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace

PushService::PushService(const engine::MarketConfig& markets, const Clock& clock, Options options,
                         std::optional<BulletTokens::Secret> token_secret)
    : options_(std::move(options)),
      tokens_(clock, options_.token_ttl_ms, token_secret),
      topics_(markets),
      hub_(options_) {
  if (!options_.endpoint.empty()) {
    endpoint_ = options_.endpoint;
    endpoint_path_ = PathOf(endpoint_);
  }
}

void PushService::SetListenEndpoint(const tcp::endpoint& bound) {
  if (!options_.endpoint.empty()) return;
  asio::ip::address address = bound.address();
  // A wildcard bind is reached on loopback from this host; deployments that
  // serve other hosts set push.endpoint.
  if (address.is_unspecified()) {
    address = address.is_v6() ? asio::ip::address(asio::ip::address_v6::loopback())
                              : asio::ip::address(asio::ip::address_v4::loopback());
  }
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  endpoint_ = "ws://" + host + ":" + std::to_string(bound.port()) + "/";
  endpoint_path_ = "/";
}

InstanceServer PushService::instance_server() const {
  InstanceServer server;
  server.endpoint = endpoint_;
  server.encrypt = endpoint_.rfind("wss://", 0) == 0;
  server.ping_interval_ms = options_.ping_interval_ms;
  server.ping_timeout_ms = options_.ping_timeout_ms;
  return server;
}

bool PushService::WantsUpgrade(const UpgradeRequest& request) const {
  const std::string_view target = request.target();
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/" || path == "/endpoint" || path == endpoint_path_;
}

void PushService::OnUpgrade(UpgradeRequest request, beast::tcp_stream stream, std::string peer_ip) {
  const std::string_view target = request.target();
  const size_t question = target.find('?');
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  std::string token = QueryValue(query, "token").value_or("");
  std::string connect_id = QueryValue(query, "connectId").value_or("");
  if (connect_id.empty()) connect_id = GeneratedConnectId();

  // Beast answers the handshake (and refuses a bad one with the right HTTP
  // error); the established connection then continues on the bare socket.
  auto ws = std::make_shared<beast::websocket::stream<tcp::socket>>(stream.release_socket());
  auto held = std::make_shared<UpgradeRequest>(std::move(request));
  ws->async_accept(
      *held, [this, ws, held, token = std::move(token), connect_id = std::move(connect_id),
              peer_ip = std::move(peer_ip)](beast::error_code ec) mutable {
        if (ec) {
          spdlog::debug("push: handshake with {} failed: {}", peer_ip, ec.message());
          return;
        }
        tcp::socket socket = std::move(ws->next_layer());
        const auto& context = asio::query(socket.get_executor(), asio::execution::context);
        const size_t shard = hub_.ShardOf(context);
        auto session = std::make_shared<Session>(hub_, topics_, shard, std::move(socket),
                                                 std::move(connect_id), std::move(peer_ip));
        session->Start(tokens_.Verify(token), PathOf(held->target()));
      });
}

}  // namespace kc::push
