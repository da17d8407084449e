// The REST gateway over real sockets: a kcgate server on an ephemeral
// 127.0.0.1 port, real HTTP requests, one test per gateway error code of the
// authentication pipeline plus the success paths real clients take.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "api/request_body.h"
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
using testing::Without;

constexpr char kApiKeyPath[] = "/api/v1/user/api-key";

class GatewayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_dir_ = new std::string(
        (std::filesystem::temp_directory_path() / ("kcgate-gw-" + std::to_string(::getpid())))
            .string());
    std::filesystem::remove_all(*data_dir_);
    app::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = *data_dir_;
    config.threads = 2;
    config.demo_key = false;
    config.body_limit_bytes = 64 * 1024;
    server_ = new app::Server(config);
    AddProbeRoutes(server_->routes());

    admin_ = new store::KeyAdmin(server_->database_path(), server_->secret_box(), clock_);
    master_ = Create(1001, false, 3, "General,Spot");
    general_only_ = Create(1002, false, 3, "General");
    v2_key_ = Create(1003, false, 2, "General,Spot");
    sub_key_ = Create(1004, true, 3, "General,Spot", {}, 1001);
    whitelisted_ = Create(1005, false, 3, "General", {"10.9.9.9", "192.168.0.0/16"});
    loopback_only_ = Create(1006, false, 3, "General", {"127.0.0.0/8"});
    server_->key_directory().Refresh();
    endpoint_ = new boost::asio::ip::tcp::endpoint(server_->Start());
  }

  static void TearDownTestSuite() {
    server_->Stop();
    delete server_;
    delete admin_;
    delete endpoint_;
    std::filesystem::remove_all(*data_dir_);
    delete data_dir_;
  }

  static TestKey Create(int64_t uid, bool sub, int version, const std::string& permissions,
                        std::vector<std::string> ips = {}, int64_t parent = 0) {
    store::NewKey request;
    request.uid = uid;
    request.is_sub = sub;
    request.parent_uid = parent;
    request.version = version;
    request.permissions = *gateway::Permissions::Parse(permissions);
    request.passphrase = "pass-" + std::to_string(uid);
    request.ip_whitelist = std::move(ips);
    request.remark = "key of " + std::to_string(uid);
    auto created = admin_->Create(request);
    return {created.api_key, created.secret, created.passphrase};
  }

  // Routes that exercise route flags and the request-body helpers through the
  // real pipeline; registered on this test's server only.
  static void AddProbeRoutes(gateway::RouteTable& routes) {
    auto echo_uid = [](const std::shared_ptr<gateway::Call>& call) {
      call->Respond(gateway::ApiResponse::Ok(std::to_string(call->api_key()->uid)));
    };
    routes.Add({.method = http::verb::get,
                .pattern = "/api/v1/probe/spot",
                .access = gateway::Access::kPrivate,
                .permission = gateway::Permission::kSpot,
                .pool = gateway::RatePool::kSpot,
                .handler = echo_uid});
    routes.Add({.method = http::verb::get,
                .pattern = "/api/v3/probe/v3-only",
                .access = gateway::Access::kPrivate,
                .v3_only = true,
                .handler = echo_uid});
    routes.Add({.method = http::verb::post,
                .pattern = "/api/v1/probe/json/{name}",
                .access = gateway::Access::kPrivate,
                .handler = [](const std::shared_ptr<gateway::Call>& call) {
                  auto body = api::ParseJsonObject(call->body());
                  if (!body) return call->Fail(body.error());
                  auto symbol = api::RequireString(*body, "symbol");
                  if (!symbol) return call->Fail(symbol.error());
                  boost::json::object data{{"symbol", *symbol}, {"name", call->PathParam("name")}};
                  call->Respond(gateway::ApiResponse::Ok(boost::json::serialize(data)));
                }});
    routes.Add({.method = http::verb::get,
                .pattern = "/api/v1/probe/throw",
                .access = gateway::Access::kPublic,
                .handler = [](const std::shared_ptr<gateway::Call>&) -> void {
                  throw std::runtime_error("probe failure");
                }});
  }

  TestClient client() { return TestClient(*endpoint_); }

  void ExpectError(const testing::Reply& reply, unsigned status, const std::string& code) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.code(), code) << reply.body;
    for (const ErrorInfo& info : AllErrors()) {
      if (std::to_string(Numeric(info.code)) == code &&
          info.message.find("%s") == std::string::npos) {
        EXPECT_EQ(reply.msg(), info.message);
      }
    }
  }

  static inline SystemClock clock_;
  static inline std::string* data_dir_ = nullptr;
  static inline app::Server* server_ = nullptr;
  static inline store::KeyAdmin* admin_ = nullptr;
  static inline boost::asio::ip::tcp::endpoint* endpoint_ = nullptr;
  static inline TestKey master_, general_only_, v2_key_, sub_key_, whitelisted_, loopback_only_;
};

TEST_F(GatewayTest, PublicRoutesAnswerWithoutCredentials) {
  const int64_t before = testing::NowMs();
  auto time = client().Get("/api/v1/timestamp");
  ASSERT_EQ(time.status, 200u);
  EXPECT_EQ(time.code(), "200000");
  ASSERT_TRUE(time.data().is_int64());
  EXPECT_GE(time.data().as_int64(), before);
  EXPECT_LE(time.data().as_int64(), testing::NowMs());

  auto status = client().Get("/api/v1/status");
  ASSERT_EQ(status.status, 200u);
  EXPECT_EQ(status.data().at("status").as_string(), "open");
  EXPECT_EQ(status.data().at("msg").as_string(), "");
}

TEST_F(GatewayTest, PublicRoutesIgnoreWhateverCredentialsTheyGet) {
  // The official SDK signs public calls with an empty key and passphrase.
  Headers junk = {{"KC-API-KEY", ""},
                  {"KC-API-PASSPHRASE", ""},
                  {"KC-API-SIGN", "x"},
                  {"KC-API-TIMESTAMP", "1"},
                  {"KC-API-KEY-VERSION", "3"}};
  auto reply = client().Get("/api/v1/timestamp", junk);
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.code(), "200000");
}

TEST_F(GatewayTest, UnknownRouteIs400001) {
  ExpectError(client().Get("/api/v1/no-such-thing"), 404, "400001");
  ExpectError(client().Send(http::verb::post, "/api/v1/timestamp", {}), 404, "400001");
  ExpectError(client().Get("/api/v1/timestamp/"), 404, "400001");
}

TEST_F(GatewayTest, PrivateRouteWithoutCredentialsIs400401) {
  ExpectError(client().Get(kApiKeyPath), 401, "400401");
  ExpectError(client().Get(kApiKeyPath, {{"KC-API-KEY-VERSION", "3"}}), 401, "400401");
}

TEST_F(GatewayTest, UnusableCredentialHeadersAre400400) {
  Headers good = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath, With(good, "KC-API-KEY", "")), 401, "400400");
  ExpectError(client().Get(kApiKeyPath, With(good, "KC-API-KEY", std::string(65, 'a'))), 401,
              "400400");
  ExpectError(client().Get(kApiKeyPath, With(good, "KC-API-KEY", "abc def")), 401, "400400");
  ExpectError(client().Get(kApiKeyPath, With(good, "KC-API-SIGN", "not*base64")), 401, "400400");
  Headers duplicated = good;
  duplicated.emplace_back("KC-API-KEY", master_.api_key);
  ExpectError(client().Get(kApiKeyPath, duplicated), 401, "400400");
}

TEST_F(GatewayTest, UnknownKeyVersionIs400009) {
  Headers headers = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath, With(headers, "KC-API-KEY-VERSION", "4")), 401, "400009");
  ExpectError(client().Get(kApiKeyPath, With(headers, "KC-API-KEY-VERSION", "v3")), 401, "400009");
}

TEST_F(GatewayTest, BadTimestampIs400002) {
  Headers headers = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath, Without(headers, "KC-API-TIMESTAMP")), 401, "400002");
  ExpectError(client().Get(kApiKeyPath, With(headers, "KC-API-TIMESTAMP", "12ab")), 401, "400002");
  ExpectError(client().Get(kApiKeyPath, With(headers, "KC-API-TIMESTAMP", "-5")), 401, "400002");
  const int64_t now = testing::NowMs();
  ExpectError(
      client().Get(kApiKeyPath, SignedHeaders(master_, "GET", kApiKeyPath, "", "3", now - 6000)),
      401, "400002");
  ExpectError(
      client().Get(kApiKeyPath, SignedHeaders(master_, "GET", kApiKeyPath, "", "3", now + 6000)),
      401, "400002");
  // Inside the default 5 s window, either side, is fine.
  auto slightly_old =
      client().Get(kApiKeyPath, SignedHeaders(master_, "GET", kApiKeyPath, "", "3", now - 3000));
  EXPECT_EQ(slightly_old.status, 200u) << slightly_old.body;
}

TEST_F(GatewayTest, UnknownKeyIs400003) {
  Headers headers = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath, With(headers, "KC-API-KEY", "0123456789abcdef01234567")),
              401, "400003");
  ExpectError(client().Get(kApiKeyPath, Without(headers, "KC-API-KEY")), 401, "400003");
}

TEST_F(GatewayTest, RevokedKeyStopsWorkingWithinASecond) {
  TestKey doomed = Create(1099, false, 3, "General");
  // The running server notices the new key by itself, as it will the revocation.
  bool seen = false;
  for (int i = 0; i < 40 && !seen; ++i) {
    seen = client().Get(kApiKeyPath, SignedHeaders(doomed, "GET", kApiKeyPath)).status == 200;
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(seen);
  ASSERT_TRUE(admin_->Revoke(doomed.api_key));
  const auto revoked_at = std::chrono::steady_clock::now();
  testing::Reply reply;
  do {
    reply = client().Get(kApiKeyPath, SignedHeaders(doomed, "GET", kApiKeyPath));
    if (reply.status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (reply.status == 200 &&
           std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(2));
  ExpectError(reply, 401, "400003");
  EXPECT_LT(std::chrono::steady_clock::now() - revoked_at, std::chrono::seconds(1));
}

TEST_F(GatewayTest, WrongPassphraseIs400004) {
  Headers headers = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath,
                           With(headers, "KC-API-PASSPHRASE",
                                gateway::HashPassphrase(master_.secret, "not-the-passphrase"))),
              401, "400004");
  ExpectError(client().Get(kApiKeyPath, Without(headers, "KC-API-PASSPHRASE")), 401, "400004");
  // Version 1 sends the passphrase in plain; a hashed one is then wrong, and vice versa.
  Headers v1 = SignedHeaders(master_, "GET", kApiKeyPath, "", "1");
  ExpectError(client().Get(kApiKeyPath, With(v1, "KC-API-PASSPHRASE", "wrong")), 401, "400004");
  ExpectError(
      client().Get(kApiKeyPath, With(v1, "KC-API-PASSPHRASE",
                                     gateway::HashPassphrase(master_.secret, master_.passphrase))),
      401, "400004");
}

TEST_F(GatewayTest, WrongSignatureIs400005) {
  Headers headers = SignedHeaders(master_, "GET", kApiKeyPath);
  ExpectError(client().Get(kApiKeyPath, Without(headers, "KC-API-SIGN")), 401, "400005");
  // Signed for another path, another method, with another secret.
  ExpectError(client().Get(kApiKeyPath, SignedHeaders(master_, "GET", "/api/v2/user-info")), 401,
              "400005");
  ExpectError(client().Get(kApiKeyPath, SignedHeaders(master_, "POST", kApiKeyPath)), 401,
              "400005");
  TestKey wrong_secret = master_;
  wrong_secret.secret = general_only_.secret;
  auto forged = SignedHeaders(wrong_secret, "GET", kApiKeyPath);
  forged = With(forged, "KC-API-PASSPHRASE",
                gateway::HashPassphrase(master_.secret, master_.passphrase));
  ExpectError(client().Get(kApiKeyPath, forged), 401, "400005");
  // A query that is neither as sent nor its decoded form.
  ExpectError(client().Get(std::string(kApiKeyPath) + "?a=1",
                           SignedHeaders(master_, "GET", std::string(kApiKeyPath) + "?a=2")),
              401, "400005");
}

TEST_F(GatewayTest, BodyIsPartOfTheSignature) {
  const std::string path = "/api/v1/probe/json/abc";
  const std::string body = R"({"symbol":"BTC-USDT"})";
  auto ok = client().Send(http::verb::post, path, SignedHeaders(master_, "POST", path, body), body);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.data().at("symbol").as_string(), "BTC-USDT");
  EXPECT_EQ(ok.data().at("name").as_string(), "abc");
  ExpectError(client().Send(http::verb::post, path, SignedHeaders(master_, "POST", path, body),
                            R"({"symbol":"ETH-USDT"})"),
              401, "400005");
}

TEST_F(GatewayTest, EveryKeyVersionHeaderClientsSendIsAccepted) {
  for (const std::string version : {"", "1", "2", "3"}) {
    auto reply = client().Get(kApiKeyPath, SignedHeaders(master_, "GET", kApiKeyPath, "", version));
    EXPECT_EQ(reply.status, 200u) << "version '" << version << "': " << reply.body;
  }
  // A key stored as version 2 signs with the "3" header of the official SDK too.
  auto v2 = client().Get(kApiKeyPath, SignedHeaders(v2_key_, "GET", kApiKeyPath, "", "3"));
  EXPECT_EQ(v2.status, 200u) << v2.body;
}

TEST_F(GatewayTest, AcceptsThePathFormsRealClientsSign) {
  // kucoin-universal-sdk: sends the query percent-encoded, signs it decoded.
  const std::string sent = std::string(kApiKeyPath) + "?currency=BTC%2CUSDT";
  const std::string decoded = std::string(kApiKeyPath) + "?currency=BTC,USDT";
  EXPECT_EQ(client().Get(sent, SignedHeaders(master_, "GET", decoded)).status, 200u);
  EXPECT_EQ(client().Get(sent, SignedHeaders(master_, "GET", sent)).status, 200u);
  // kucoin-node-sdk: appends a bare '?', signs without it.
  const std::string bare = std::string(kApiKeyPath) + "?";
  EXPECT_EQ(client().Get(bare, SignedHeaders(master_, "GET", kApiKeyPath)).status, 200u);
  EXPECT_EQ(client().Get(bare, SignedHeaders(master_, "GET", bare)).status, 200u);
}

TEST_F(GatewayTest, ApiKeyInfoReportsTheStoredKey) {
  auto reply = client().Get(kApiKeyPath, SignedHeaders(sub_key_, "GET", kApiKeyPath));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto& data = reply.data().as_object();
  EXPECT_EQ(data.at("apiKey").as_string(), sub_key_.api_key);
  EXPECT_EQ(data.at("apiVersion").as_int64(), 3);
  EXPECT_EQ(data.at("permission").as_string(), "General,Spot");
  EXPECT_EQ(data.at("uid").as_int64(), 1004);
  EXPECT_EQ(data.at("isMaster").as_bool(), false);
  EXPECT_EQ(data.at("remark").as_string(), "key of 1004");
  EXPECT_EQ(data.at("ipWhitelist").as_string(), "");
  EXPECT_GT(data.at("createdAt").as_int64(), 1'700'000'000'000);

  auto loopback = client().Get(kApiKeyPath, SignedHeaders(loopback_only_, "GET", kApiKeyPath));
  ASSERT_EQ(loopback.status, 200u) << loopback.body;
  EXPECT_EQ(loopback.data().at("ipWhitelist").as_string(), "127.0.0.0/8");
  EXPECT_EQ(loopback.data().at("isMaster").as_bool(), true);
}

TEST_F(GatewayTest, UserInfoCountsSubAccounts) {
  auto reply =
      client().Get("/api/v2/user-info", SignedHeaders(master_, "GET", "/api/v2/user-info"));
  ASSERT_EQ(reply.status, 200u) << reply.body;
  const auto& data = reply.data().as_object();
  EXPECT_EQ(data.at("level").as_int64(), 0);
  EXPECT_EQ(data.at("subQuantity").as_int64(), 1);
  EXPECT_EQ(data.at("spotSubQuantity").as_int64(), 1);
  EXPECT_EQ(data.at("marginSubQuantity").as_int64(), 0);
  EXPECT_EQ(data.at("maxDefaultSubQuantity").as_int64(), 5);
  EXPECT_EQ(data.at("maxSubQuantity").as_int64(), 5);
  for (const char* field :
       {"futuresSubQuantity", "optionSubQuantity", "maxSpotSubQuantity", "maxMarginSubQuantity",
        "maxFuturesSubQuantity", "maxOptionSubQuantity"}) {
    EXPECT_TRUE(data.at(field).is_int64()) << field;
  }
}

TEST_F(GatewayTest, IpWhitelistIs400006WithTheClientIp) {
  auto reply = client().Get(kApiKeyPath, SignedHeaders(whitelisted_, "GET", kApiKeyPath));
  ExpectError(reply, 403, "400006");
  EXPECT_EQ(reply.msg(), "Invalid request IP, the current client IP is: 127.0.0.1.");
}

TEST_F(GatewayTest, V3OnlyRouteRefusesOlderKeysWith400008) {
  ExpectError(
      client().Get("/api/v3/probe/v3-only", SignedHeaders(v2_key_, "GET", "/api/v3/probe/v3-only")),
      403, "400008");
  auto v3 =
      client().Get("/api/v3/probe/v3-only", SignedHeaders(master_, "GET", "/api/v3/probe/v3-only"));
  EXPECT_EQ(v3.status, 200u) << v3.body;
}

TEST_F(GatewayTest, MissingPermissionIs400007) {
  ExpectError(
      client().Get("/api/v1/probe/spot", SignedHeaders(general_only_, "GET", "/api/v1/probe/spot")),
      403, "400007");
  auto allowed =
      client().Get("/api/v1/probe/spot", SignedHeaders(master_, "GET", "/api/v1/probe/spot"));
  ASSERT_EQ(allowed.status, 200u) << allowed.body;
  EXPECT_EQ(allowed.data().as_int64(), 1001);
}

TEST_F(GatewayTest, SubAccountKeyOnMasterOnlyRouteIs400010) {
  ExpectError(
      client().Get("/api/v2/user-info", SignedHeaders(sub_key_, "GET", "/api/v2/user-info")), 403,
      "400010");
}

TEST_F(GatewayTest, BadBodyIs400101AndMissingParameterIs400102) {
  const std::string path = "/api/v1/probe/json/x";
  for (const std::string body : {"{not json", "[1,2]", "\"text\""}) {
    ExpectError(
        client().Send(http::verb::post, path, SignedHeaders(master_, "POST", path, body), body),
        400, "400101");
  }
  for (const std::string body : {"{}", R"({"symbol":5})", R"({"symbol":""})"}) {
    ExpectError(
        client().Send(http::verb::post, path, SignedHeaders(master_, "POST", path, body), body),
        400, "400102");
  }
}

TEST_F(GatewayTest, UnreadableRequestsAre400101AndTheServerLivesOn) {
  ExpectError(client().SendRaw("GARBAGE\r\n\r\n"), 400, "400101");
  ExpectError(client().SendRaw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                               "\r\n\r\n"),
              400, "400101");
  ExpectError(client().SendRaw("POST /api/v1/timestamp HTTP/1.1\r\nHost: x\r\nContent-Length: "
                               "1000000\r\n\r\n"),
              400, "400101");
  EXPECT_EQ(client().Get("/api/v1/timestamp").status, 200u);
}

TEST_F(GatewayTest, UnexpectedFailureIs500000) {
  ExpectError(client().Get("/api/v1/probe/throw"), 500, "500000");
  EXPECT_EQ(client().Get("/api/v1/timestamp").status, 200u);
}

TEST_F(GatewayTest, Http10ClientsGetHttp10AnswersAndTheirConnectionSemantics) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect(*endpoint_);
  asio::write(socket, asio::buffer(std::string("GET /api/v1/status HTTP/1.0\r\n\r\n")));
  std::string raw;
  boost::system::error_code ec;
  std::array<char, 4096> chunk;
  for (;;) {  // HTTP/1.0 without keep-alive: the server closes after the answer
    const size_t n = socket.read_some(asio::buffer(chunk), ec);
    raw.append(chunk.data(), n);
    if (ec) break;
  }
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_TRUE(raw.starts_with("HTTP/1.0 200 OK\r\n")) << raw;
  EXPECT_NE(raw.find("Connection: close\r\n"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Content-Type: application/json\r\n"), std::string::npos) << raw;
  EXPECT_TRUE(raw.ends_with(R"({"code":"200000","data":{"status":"open","msg":""}})")) << raw;
}

TEST_F(GatewayTest, KeepAliveServesManyRequestsOnOneConnection) {
  namespace beast = boost::beast;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(*endpoint_);
  beast::flat_buffer buffer;
  for (int i = 0; i < 50; ++i) {
    http::request<http::empty_body> request(http::verb::get, kApiKeyPath, 11);
    for (const auto& [name, value] : SignedHeaders(master_, "GET", kApiKeyPath)) {
      request.set(name, value);
    }
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    ASSERT_EQ(response.result_int(), 200u) << response.body();
    ASSERT_TRUE(response.keep_alive());
  }
}

}  // namespace
}  // namespace kc
