// [[upstream]] routes over real sockets (issue 10, item 4): kcgate in-process
// in front of a tiny HTTP service this test runs on 127.0.0.1. The answer's
// status, body and content type pass through; the verified identity arrives
// in X-KC-Uid / X-KC-Api-Key and a client's forged copies do not; the gateway's
// authentication, permission and rate limits apply; an upstream past its
// timeout gives 504000, one that is down 503000; connections are pooled.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "app/server.h"
#include "core/ascii.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"

namespace kc {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;

// A blocking HTTP/1.1 service, one thread per connection, keep-alive:
//   /svc/slow           answers after `slow`
//   .../big?bytes=N     answers N bytes of text
//   /svc/close          answers, then closes the connection without saying so
//   anything else       echoes the request as JSON, with ?status=NNN its status
class TinyUpstream {
 public:
  explicit TinyUpstream(std::chrono::milliseconds slow = 0ms)
      : slow_(slow), acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~TinyUpstream() {
    stopping_ = true;
    boost::system::error_code ignored;
    tcp::socket wake(io_);
    wake.connect(acceptor_.local_endpoint(), ignored);  // unblocks accept()
    accept_thread_.join();
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    for (std::thread& thread : connection_threads_) thread.join();
  }

  std::string address() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  int most_at_once() const { return most_at_once_.load(); }

 private:
  void AcceptLoop() {
    while (true) {
      tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_) return;
      if (ec) continue;
      ++connections_;
      std::lock_guard lock(mutex_);
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back(
          [this, s = std::make_shared<tcp::socket>(std::move(socket))] { Serve(*s); });
    }
  }

  void Serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(16 * 1024 * 1024);
      boost::system::error_code ec;
      http::read(socket, buffer, parser, ec);
      if (ec) break;
      const http::request<http::string_body> request = parser.release();
      ++requests_;
      const int now = ++at_once_;
      for (int most = most_at_once_.load();
           now > most && !most_at_once_.compare_exchange_weak(most, now);) {
      }
      http::response<http::string_body> response = Answer(request);
      --at_once_;
      http::write(socket, response, ec);
      if (ec || request.target() == "/svc/close") break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  http::response<http::string_body> Answer(const http::request<http::string_body>& request) {
    const std::string target(request.target());
    http::response<http::string_body> response(http::status::ok, 11);
    response.keep_alive(true);
    if (target.starts_with("/svc/slow")) {
      std::this_thread::sleep_for(slow_);
      response.set(http::field::content_type, "application/json");
      response.body() = R"({"code":"200000","data":"slow"})";
    } else if (target.find("/big?bytes=") != std::string::npos) {
      const size_t bytes = std::stoul(target.substr(target.find('=') + 1));
      response.set(http::field::content_type, "text/plain");
      response.body().resize(bytes);
      for (size_t i = 0; i < bytes; ++i) response.body()[i] = static_cast<char>('a' + i % 26);
    } else {
      boost::json::object echo;
      echo["method"] = std::string(request.method_string());
      echo["target"] = target;
      echo["body_bytes"] = request.body().size();
      echo["body_head"] = request.body().substr(0, 64);
      echo["content_type"] = std::string(request[http::field::content_type]);
      for (const char* name : {"X-KC-Uid", "X-KC-Api-Key", "X-KC-Request-Id", "KC-API-SIGN"}) {
        boost::json::array values;
        // Every copy, wherever it came in the header (fields keep their order).
        for (const auto& field : request) {
          if (EqualsNoCase(field.name_string(), name)) {
            values.emplace_back(std::string(field.value()));
          }
        }
        echo[name] = std::move(values);
      }
      if (const size_t at = target.find("status="); at != std::string::npos) {
        response.result(std::stoi(target.substr(at + 7, 3)));
      }
      response.set(http::field::content_type, "application/vnd.test+json");
      response.body() = boost::json::serialize(echo);
    }
    response.prepare_payload();
    return response;
  }

  const std::chrono::milliseconds slow_;
  boost::asio::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::thread accept_thread_;
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> at_once_{0};
  std::atomic<int> most_at_once_{0};
};

// A port nothing listens on (bound, then closed).
std::string DownAddress() {
  boost::asio::io_context io;
  tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const uint16_t port = probe.local_endpoint().port();
  probe.close();
  return "127.0.0.1:" + std::to_string(port);
}

upstream::UpstreamOptions Entry(std::string prefix, std::string address) {
  upstream::UpstreamOptions options;
  options.path_prefix = std::move(prefix);
  options.address = std::move(address);
  return options;
}

class Gate {
 public:
  explicit Gate(app::Config config) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-upstream-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 2;
    config.demo_key = false;
    config.market_maker.enabled = false;
    server_ = std::make_unique<app::Server>(config);
  }
  ~Gate() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  TestKey Key(int64_t uid, const std::string& permissions = "General") {
    SystemClock clock;
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock);
    store::NewKey request;
    request.uid = uid;
    request.passphrase = "pass-" + std::to_string(uid);
    request.permissions = *gateway::Permissions::Parse(permissions);
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    return {created.api_key, created.secret, created.passphrase};
  }
  TestClient Start() { return TestClient(server_->Start()); }

 private:
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
};

testing::Reply Signed(TestClient& client, const TestKey& key, http::verb method,
                      const std::string& target, const std::string& body = "",
                      testing::Headers extra = {}) {
  testing::Headers headers = SignedHeaders(key, std::string(http::to_string(method)), target, body);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return client.Send(method, target, headers, body);
}

std::vector<std::string> Strings(const boost::json::value& array) {
  std::vector<std::string> out;
  for (const auto& value : array.as_array()) out.emplace_back(value.as_string());
  return out;
}

TEST(Upstream, PassesStatusBodyAndIdentityButNotForgedHeaders) {
  TinyUpstream service;
  app::Config config;
  config.upstreams = {Entry("/svc", service.address())};
  Gate gate(config);
  const TestKey key = gate.Key(7001);
  TestClient client = gate.Start();

  const std::string body = R"({"amount":"1.5"})";
  auto reply = Signed(client, key, http::verb::post, "/svc/things?status=201&x=a%20b", body,
                      {{"X-KC-Uid", "1"}, {"x-kc-uid", "2"}, {"X-KC-Api-Key", "forged"}});
  EXPECT_EQ(reply.status, 201u) << reply.body;
  EXPECT_EQ(reply.headers[http::field::content_type], "application/vnd.test+json");
  ASSERT_TRUE(reply.json.is_object()) << reply.body;
  const boost::json::object& echo = reply.json.as_object();
  EXPECT_EQ(echo.at("method").as_string(), "POST");
  EXPECT_EQ(echo.at("target").as_string(), "/svc/things?status=201&x=a%20b");
  EXPECT_EQ(echo.at("body_head").as_string(), body);
  EXPECT_EQ(echo.at("content_type").as_string(), "application/json");
  // Exactly the verified identity: the forged copies never reach the service.
  EXPECT_EQ(Strings(echo.at("X-KC-Uid")), std::vector<std::string>{"7001"});
  EXPECT_EQ(Strings(echo.at("X-KC-Api-Key")), std::vector<std::string>{key.api_key});
  EXPECT_EQ(Strings(echo.at("X-KC-Request-Id")).size(), 1u);
  EXPECT_TRUE(echo.at("KC-API-SIGN").as_array().empty());  // credentials stay at the edge
  // The gateway's own answer headers come along (the rate limit applied).
  EXPECT_FALSE(reply.headers["gw-ratelimit-remaining"].empty());

  // Other methods, the bare prefix, an error status from the service.
  auto got = Signed(client, key, http::verb::get, "/svc?status=404");
  EXPECT_EQ(got.status, 404u);
  EXPECT_EQ(got.json.at("method").as_string(), "GET");
  for (http::verb method : {http::verb::put, http::verb::delete_, http::verb::patch}) {
    auto other = Signed(client, key, method, "/svc/x/y", method == http::verb::delete_ ? "" : "{}");
    EXPECT_EQ(other.status, 200u) << other.body;
    EXPECT_EQ(other.json.at("method").as_string(), http::to_string(method));
  }
  // A path beside the prefix is not the service's.
  EXPECT_EQ(Signed(client, key, http::verb::get, "/svcx").code(), "400001");
}

TEST(Upstream, AuthenticationPermissionAndRateLimitApplyBeforeTheService) {
  TinyUpstream service;
  app::Config config;
  upstream::UpstreamOptions wallet = Entry("/wallet", service.address());
  wallet.permission = gateway::Permission::kTransfer;
  wallet.rate_pool = gateway::RatePool::kSpot;
  wallet.weight = 40;
  config.upstreams = {wallet};
  config.rate_limit.spot = 100;
  config.rate_limit.management = 1000;
  Gate gate(config);
  const TestKey general = gate.Key(7101, "General");
  const TestKey transfer = gate.Key(7102, "General,Transfer");
  const TestKey other = gate.Key(7103, "General,Transfer");
  TestClient client = gate.Start();

  auto unsigned_reply = client.Get("/wallet/balance");
  EXPECT_EQ(unsigned_reply.status, 401u) << unsigned_reply.body;
  auto forged = client.Get("/wallet/balance", {{"X-KC-Uid", "7102"}});
  EXPECT_EQ(forged.status, 401u);
  EXPECT_EQ(Signed(client, general, http::verb::get, "/wallet/balance").code(), "400007");
  EXPECT_EQ(service.requests(), 0);

  // A dot segment would leave the authorized prefix once the service resolves it.
  EXPECT_EQ(Signed(client, other, http::verb::get, "/wallet/../admin").code(), "400001");
  EXPECT_EQ(Signed(client, other, http::verb::get, "/wallet/%2e%2e/admin").code(), "400001");
  EXPECT_EQ(service.requests(), 0);

  // The spot pool at weight 40: two pass, the third is over the quota.
  auto first = Signed(client, transfer, http::verb::get, "/wallet/balance");
  EXPECT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.headers["gw-ratelimit-limit"], "100");
  EXPECT_EQ(first.headers["gw-ratelimit-remaining"], "60");
  EXPECT_EQ(Signed(client, transfer, http::verb::get, "/wallet/balance").status, 200u);
  auto third = Signed(client, transfer, http::verb::get, "/wallet/balance");
  EXPECT_EQ(third.code(), "429000") << third.body;
  EXPECT_EQ(service.requests(), 2);
}

TEST(Upstream, SlowServiceIs504000AndDownServiceIs503000) {
  TinyUpstream slow(1500ms);
  app::Config config;
  upstream::UpstreamOptions impatient = Entry("/svc", slow.address());
  impatient.timeout_ms = 200;
  config.upstreams = {impatient, Entry("/down", DownAddress())};
  Gate gate(config);
  const TestKey key = gate.Key(7201);
  TestClient client = gate.Start();

  auto late = Signed(client, key, http::verb::get, "/svc/slow");
  EXPECT_EQ(late.status, 504u) << late.body;
  EXPECT_EQ(late.code(), "504000");
  EXPECT_EQ(late.msg(), "Gateway timeout.");
  // Fast paths of the same service still answer on a fresh connection.
  EXPECT_EQ(Signed(client, key, http::verb::get, "/svc/fast").status, 200u);

  auto down = Signed(client, key, http::verb::post, "/down/orders", "{}");
  EXPECT_EQ(down.status, 503u) << down.body;
  EXPECT_EQ(down.code(), "503000");
  EXPECT_EQ(down.msg(), "Server is busy. Please retry later.");
}

TEST(Upstream, PoolsKeepAliveConnectionsUpToItsSize) {
  TinyUpstream service(150ms);
  app::Config config;
  upstream::UpstreamOptions pooled = Entry("/svc", service.address());
  pooled.pool_size = 2;
  pooled.timeout_ms = 5000;
  config.upstreams = {pooled};
  Gate gate(config);
  const TestKey key = gate.Key(7301);
  TestClient client = gate.Start();

  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Signed(client, key, http::verb::get, "/svc/n" + std::to_string(i)).status, 200u);
  }
  EXPECT_EQ(service.connections(), 1);  // one connection, kept alive
  EXPECT_EQ(service.requests(), 5);

  // Six at once through a pool of two: all answered, never more than two open.
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    callers.emplace_back([&] {
      TestClient own(client.endpoint());
      if (Signed(own, key, http::verb::get, "/svc/slow").status == 200u) ++ok;
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_LE(service.connections(), 2);
  EXPECT_LE(service.most_at_once(), 2);

  // The service closes a kept-alive connection behind kcgate's back: the next
  // request still gets through.
  EXPECT_EQ(Signed(client, key, http::verb::get, "/svc/close").status, 200u);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(Signed(client, key, http::verb::get, "/svc/after-close").status, 200u);
}

TEST(Upstream, LargeBodiesPassAndOversizedAnswersAre503000) {
  TinyUpstream service;
  app::Config config;
  config.body_limit_bytes = 2 * 1024 * 1024;
  upstream::UpstreamOptions small = Entry("/small", service.address());
  small.max_response_bytes = 1000;
  config.upstreams = {Entry("/svc", service.address()), small};
  Gate gate(config);
  const TestKey key = gate.Key(7401);
  TestClient client = gate.Start();

  const std::string big_request(1536 * 1024, 'x');
  auto echoed = Signed(client, key, http::verb::post, "/svc/upload", big_request);
  ASSERT_EQ(echoed.status, 200u) << echoed.body.substr(0, 200);
  EXPECT_EQ(echoed.json.at("body_bytes").as_int64(), static_cast<int64_t>(big_request.size()));

  const size_t bytes = 3 * 1024 * 1024 + 7;
  auto big = Signed(client, key, http::verb::get, "/svc/big?bytes=" + std::to_string(bytes));
  ASSERT_EQ(big.status, 200u);
  EXPECT_EQ(big.headers[http::field::content_type], "text/plain");
  ASSERT_EQ(big.body.size(), bytes);
  for (size_t i = 0; i < bytes; i += 4099) ASSERT_EQ(big.body[i], static_cast<char>('a' + i % 26));

  // max_response_bytes: a service answering more is refused, not relayed.
  EXPECT_EQ(Signed(client, key, http::verb::get, "/small/big?bytes=999").status, 200u);
  auto refused = Signed(client, key, http::verb::get, "/small/big?bytes=1001");
  EXPECT_EQ(refused.code(), "503000") << refused.body.substr(0, 200);
}

}  // namespace
}  // namespace kc
