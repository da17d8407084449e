// The gateway's policy codes over real sockets: partners (400200-400202),
// regions (400302, 400301), identity verification (400303, 400304), the
// blacklist (411200), maintenance (501000) and the quotas (429000-429002 with
// the gw-ratelimit-* headers). Each test starts its own server with the
// configuration it needs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "app/server.h"
#include "gateway/call.h"
#include "gateway/route_table.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
using testing::Headers;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::With;

constexpr char kApiKeyPath[] = "/api/v1/user/api-key";
constexpr char kTradePath[] = "/api/v1/probe/trade";

// One server with its own data directory, keys and configuration.
class PolicyServer {
 public:
  explicit PolicyServer(app::Config config) {
    static int counter = 0;
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-policy-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 1;
    config.demo_key = false;
    config.market_maker.enabled = false;
    server_ = std::make_unique<app::Server>(config);
    // A trading route (POST, Spot permission) that answers when every stage passed.
    server_->routes().Add({.method = http::verb::post,
                           .pattern = kTradePath,
                           .access = gateway::Access::kPrivate,
                           .permission = gateway::Permission::kSpot,
                           .pool = gateway::RatePool::kSpot,
                           .weight = 2,
                           .handler = [](const std::shared_ptr<gateway::Call>& call) {
                             call->Respond(gateway::ApiResponse::Ok("\"traded\""));
                           }});
    admin_ =
        std::make_unique<store::KeyAdmin>(server_->database_path(), server_->secret_box(), clock_);
  }
  ~PolicyServer() {
    server_->Stop();
    server_.reset();
    admin_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  TestKey Key(int64_t uid, bool verified = true, bool sub = false) {
    store::NewKey request;
    request.uid = uid;
    request.is_sub = sub;
    request.permissions = *gateway::Permissions::Parse("General,Spot");
    request.kyc_verified = verified;
    auto created = admin_->Create(request);
    server_->key_directory().Refresh();
    return {created.api_key, created.secret, created.passphrase};
  }

  TestClient Start() { return TestClient(server_->Start()); }
  app::Server& server() { return *server_; }

 private:
  SystemClock clock_;
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  std::unique_ptr<store::KeyAdmin> admin_;
};

void ExpectError(const testing::Reply& reply, unsigned status, const std::string& code) {
  EXPECT_EQ(reply.status, status) << reply.body;
  EXPECT_EQ(reply.code(), code) << reply.body;
  for (const ErrorInfo& info : AllErrors()) {
    if (std::to_string(Numeric(info.code)) == code) {
      EXPECT_EQ(reply.msg(), info.message);
    }
  }
}

testing::Reply Trade(TestClient& client, const TestKey& key, Headers extra = {}) {
  const std::string body = R"({"symbol":"BTC-USDT"})";
  Headers headers = SignedHeaders(key, "POST", kTradePath, body);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return client.Send(http::verb::post, kTradePath, headers, body);
}

Headers WithPartner(Headers headers, const std::string& partner, const std::string& secret,
                    const TestKey& key) {
  std::string timestamp;
  for (const auto& [name, value] : headers) {
    if (name == "KC-API-TIMESTAMP") timestamp = value;
  }
  headers.emplace_back("KC-API-PARTNER", partner);
  headers.emplace_back("KC-API-PARTNER-SIGN", gateway::Base64Encode(gateway::HmacSha256(
                                                  secret, {timestamp, partner, key.api_key})));
  headers.emplace_back("KC-API-PARTNER-VERIFY", "true");
  return headers;
}

TEST(Policy, PartnerHeadersAreVerified) {
  app::Config config;
  config.partners.push_back({"far-broker", "far-secret", {"10.0.0.0/8"}});
  PolicyServer server(config);
  TestKey key = server.Key(3001);
  TestClient client = server.Start();
  Headers signed_headers = SignedHeaders(key, "GET", kApiKeyPath);

  // ccxt's own partner works out of the box, as it does on KuCoin.
  auto ccxt = client.Get(kApiKeyPath, WithPartner(signed_headers, "ccxt",
                                                  "9e58cc35-5b5e-4133-92ec-166e3f077cb8", key));
  EXPECT_EQ(ccxt.status, 200u) << ccxt.body;
  ExpectError(client.Get(kApiKeyPath, WithPartner(signed_headers, "nobody", "x", key)), 401,
              "400200");
  ExpectError(client.Get(kApiKeyPath, WithPartner(signed_headers, "ccxt", "wrong-secret", key)),
              401, "400201");
  ExpectError(client.Get(kApiKeyPath, WithPartner(signed_headers, "far-broker", "far-secret", key)),
              403, "400202");
}

TEST(Policy, BlockedCountryIs400302OnEveryRoute) {
  app::Config config;
  config.policy.region.networks = {{"127.0.0.0/8", "KP"}};
  config.policy.region.blocked_countries = {"KP"};
  PolicyServer server(config);
  TestClient client = server.Start();
  ExpectError(client.Get("/api/v1/timestamp"), 403, "400302");
  ExpectError(client.Get(kApiKeyPath), 403, "400302");
}

TEST(Policy, RestrictedCountryMayNotTradeWith400301) {
  app::Config config;
  config.policy.region.country_header = "X-Client-Country";
  config.policy.region.restricted_countries = {"US"};
  PolicyServer server(config);
  TestKey key = server.Key(3002);
  TestClient client = server.Start();
  ExpectError(Trade(client, key, {{"X-Client-Country", "us"}}), 403, "400301");
  EXPECT_EQ(Trade(client, key, {{"X-Client-Country", "FR"}}).status, 200u);
  // Reading is not trading.
  Headers read = SignedHeaders(key, "GET", kApiKeyPath);
  read.emplace_back("X-Client-Country", "US");
  EXPECT_EQ(client.Get(kApiKeyPath, read).status, 200u);
}

TEST(Policy, UnverifiedUsersMayNotTrade) {
  PolicyServer server{app::Config{}};
  TestKey master = server.Key(3003, /*verified=*/false);
  TestKey sub = server.Key(3004, /*verified=*/false, /*sub=*/true);
  TestKey verified = server.Key(3005);
  TestClient client = server.Start();
  ExpectError(Trade(client, master), 403, "400303");
  ExpectError(Trade(client, sub), 403, "400304");
  EXPECT_EQ(Trade(client, verified).status, 200u);
  EXPECT_EQ(client.Get(kApiKeyPath, SignedHeaders(master, "GET", kApiKeyPath)).status, 200u);
}

TEST(Policy, BlacklistedPathIs411200) {
  app::Config config;
  config.policy.blacklist = {{"/api/v1/user/", 3006}, {"/api/v1/probe/", 0}};
  PolicyServer server(config);
  TestKey listed = server.Key(3006);
  TestKey other = server.Key(3007);
  TestClient client = server.Start();
  ExpectError(client.Get(kApiKeyPath, SignedHeaders(listed, "GET", kApiKeyPath)), 403, "411200");
  EXPECT_EQ(client.Get(kApiKeyPath, SignedHeaders(other, "GET", kApiKeyPath)).status, 200u);
  ExpectError(Trade(client, other), 403, "411200");
}

TEST(Policy, MaintenanceIs501000ButStatusStaysUp) {
  PolicyServer server{app::Config{}};
  TestKey key = server.Key(3008);
  TestClient client = server.Start();
  server.server().service_state().Set(ServiceStatus::kClose, "upgrading");
  ExpectError(client.Get(kApiKeyPath, SignedHeaders(key, "GET", kApiKeyPath)), 503, "501000");
  auto status = client.Get("/api/v1/status");
  ASSERT_EQ(status.status, 200u);
  EXPECT_EQ(status.data().at("status").as_string(), "close");
  EXPECT_EQ(status.data().at("msg").as_string(), "upgrading");
  server.server().service_state().Set(ServiceStatus::kOpen, "");
  EXPECT_EQ(client.Get(kApiKeyPath, SignedHeaders(key, "GET", kApiKeyPath)).status, 200u);
}

// Behind a trusted proxy the client is the right-most untrusted hop of
// X-Forwarded-For; from anyone else the header is ignored. 400006 names the
// address the gateway used.
TEST(Policy, TrustedProxiesNameTheClientForWhitelistsAndRegions) {
  app::Config config;
  config.trusted_proxies = {"127.0.0.0/8"};
  config.policy.region.networks = {{"198.18.0.0/15", "KP"}};
  config.policy.region.blocked_countries = {"KP"};
  PolicyServer server{config};
  SystemClock clock;
  store::KeyAdmin admin(server.server().database_path(), server.server().secret_box(), clock);
  store::NewKey request;
  request.uid = 3100;
  request.ip_whitelist = {"203.0.113.7"};
  auto created = admin.Create(request);
  server.server().key_directory().Refresh();
  const TestKey key{created.api_key, created.secret, created.passphrase};
  TestClient client = server.Start();
  auto signed_with = [&](const std::string& forwarded) {
    Headers headers = SignedHeaders(key, "GET", kApiKeyPath);
    headers.emplace_back("X-Forwarded-For", forwarded);
    return client.Get(kApiKeyPath, headers);
  };
  EXPECT_EQ(signed_with("203.0.113.7").status, 200u);
  auto forged = signed_with("203.0.113.7, 192.0.2.44");
  EXPECT_EQ(forged.status, 403u);
  EXPECT_EQ(forged.code(), "400006");
  EXPECT_EQ(forged.msg(), "Invalid request IP, the current client IP is: 192.0.2.44.");
  Headers real_ip = SignedHeaders(key, "GET", kApiKeyPath);
  real_ip.emplace_back("X-Real-IP", "203.0.113.7");
  EXPECT_EQ(client.Get(kApiKeyPath, real_ip).status, 200u);
  ExpectError(client.Get("/api/v1/timestamp", {{"X-Forwarded-For", "198.18.3.4"}}), 403, "400302");
  EXPECT_EQ(client.Get("/api/v1/timestamp", {{"X-Forwarded-For", "203.0.113.7"}}).status, 200u);
}

TEST(Policy, ForwardedForIsIgnoredWithoutTrustedProxies) {
  PolicyServer server{app::Config{}};
  SystemClock clock;
  store::KeyAdmin admin(server.server().database_path(), server.server().secret_box(), clock);
  store::NewKey request;
  request.uid = 3101;
  request.ip_whitelist = {"203.0.113.7"};
  auto created = admin.Create(request);
  server.server().key_directory().Refresh();
  const TestKey key{created.api_key, created.secret, created.passphrase};
  TestClient client = server.Start();
  Headers headers = SignedHeaders(key, "GET", kApiKeyPath);
  headers.emplace_back("X-Forwarded-For", "203.0.113.7");
  auto reply = client.Get(kApiKeyPath, headers);
  EXPECT_EQ(reply.code(), "400006");
  EXPECT_EQ(reply.msg(), "Invalid request IP, the current client IP is: 127.0.0.1.");
}

TEST(Policy, PoolQuotaIs429000WithRateLimitHeaders) {
  app::Config config;
  config.rate_limit.spot = 5;  // the probe route weighs 2: two calls fit, the third does not
  PolicyServer server(config);
  TestKey key = server.Key(3009);
  TestKey other = server.Key(3010);
  TestClient client = server.Start();
  auto first = Trade(client, key);
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.headers["gw-ratelimit-limit"], "5");
  EXPECT_EQ(first.headers["gw-ratelimit-remaining"], "3");
  const int64_t reset = std::stoll(std::string(first.headers["gw-ratelimit-reset"]));
  EXPECT_GT(reset, 0);
  EXPECT_LE(reset, 30'000);
  EXPECT_EQ(Trade(client, key).headers["gw-ratelimit-remaining"], "1");
  auto refused = Trade(client, key);
  ExpectError(refused, 429, "429000");
  EXPECT_EQ(refused.headers["gw-ratelimit-remaining"], "1");
  // Quotas are per UID, and other pools are untouched.
  EXPECT_EQ(Trade(client, other).status, 200u);
  EXPECT_EQ(client.Get(kApiKeyPath, SignedHeaders(key, "GET", kApiKeyPath)).status, 200u);
}

TEST(Policy, PublicPoolIsCountedPerIp) {
  app::Config config;
  config.rate_limit.public_per_ip = 9;  // /api/v1/timestamp weighs 3
  PolicyServer server(config);
  TestClient client = server.Start();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client.Get("/api/v1/timestamp").status, 200u);
  ExpectError(client.Get("/api/v1/timestamp"), 429, "429000");
}

TEST(Policy, NodeCeilingIs429001) {
  app::Config config;
  config.rate_limit.node_per_second = 3;
  PolicyServer server(config);
  TestClient client = server.Start();
  // Four requests inside one second: at least one is over the ceiling (a
  // second boundary may fall between them, so count rather than index).
  int refused = 0;
  for (int i = 0; i < 4; ++i) {
    auto reply = client.Get("/api/v1/status");
    if (reply.status == 429) {
      ExpectError(reply, 429, "429001");
      ++refused;
    }
  }
  EXPECT_GE(refused, 1);
}

TEST(Policy, ConnectionShareIs429002) {
  app::Config config;
  config.rate_limit.per_connection = 6;  // two /api/v1/timestamp calls per connection
  PolicyServer server(config);
  TestClient client = server.Start();
  namespace beast = boost::beast;
  auto endpoint = client.endpoint();
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(endpoint);
  beast::flat_buffer buffer;
  std::vector<unsigned> statuses;
  std::string last_body;
  for (int i = 0; i < 3; ++i) {
    http::request<http::empty_body> request(http::verb::get, "/api/v1/timestamp", 11);
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    statuses.push_back(response.result_int());
    last_body = response.body();
  }
  EXPECT_EQ(statuses, (std::vector<unsigned>{200, 200, 429}));
  EXPECT_NE(last_body.find("429002"), std::string::npos) << last_body;
  // A new connection has its own share.
  EXPECT_EQ(client.Get("/api/v1/timestamp").status, 200u);
}

}  // namespace
}  // namespace kc
