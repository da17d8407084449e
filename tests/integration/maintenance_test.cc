// Maintenance (issue 10, item 1) over real sockets: `kcgate status set` (the
// real binary) against a running in-process server and against a stopped
// one, /api/v1/status as KuCoin answers it, 501000 on every other REST route
// and on push sessions (a notice frame, then a close frame) while closed, and
// cancel-only (cancels and reads work, new orders get KuCoin's 126009).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include "app/server.h"
#include "core/decimal.h"
#include "engine/command_loop.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"
#include "ws_test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::Eventually;
using testing::Reply;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::WsTestClient;

constexpr char kServiceStopped[] = "The service has stopped running. Please disconnect: exiting";

// Runs the real `kcgate` admin command; returns its output (throws on failure).
std::string RunCli(const std::string& args) {
  const std::string command = std::string(KC_KCGATE_BIN) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  if (::pclose(pipe) != 0) throw std::runtime_error("kcgate " + args + " failed: " + out);
  return out;
}

class MaintenanceServer {
 public:
  explicit MaintenanceServer(app::Config config = {}) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-maint-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    config_ = std::move(config);
    config_.listen = "127.0.0.1:0";
    config_.data_dir = data_dir_;
    config_.threads = 2;
    config_.demo_key = false;
    config_.market_maker.enabled = false;
  }
  ~MaintenanceServer() {
    if (server_) server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  const std::string& data_dir() const { return data_dir_; }

  void Start() {
    server_ = std::make_unique<app::Server>(config_);
    endpoint_ = server_->Start();
    SystemClock clock;
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock);
    store::NewKey request;
    request.uid = 5151;
    request.permissions = *gateway::Permissions::Parse("General,Spot");
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    key_ = {created.api_key, created.secret, created.passphrase};
  }

  void Deposit(const std::string& currency, const std::string& amount) {
    const engine::MarketConfig& markets = server_->engine_loop().exchange().markets();
    const auto id = markets.FindCurrency(currency);
    ASSERT_TRUE(id);
    const auto units = ParseDecimal(amount, markets.currency(*id).precision);
    std::promise<bool> done;
    ASSERT_TRUE(server_->engine_loop().Submit(
        engine::Deposit{5151, *id, engine::AccountType::kTrade, *units},
        [&done](const engine::CommandResult& r, const engine::Exchange&) {
          return [&done, ok = r.ok()] { done.set_value(ok); };
        }));
    ASSERT_TRUE(done.get_future().get());
  }

  Reply Signed(http::verb method, const std::string& target, const std::string& body = "") {
    return TestClient(endpoint_).Send(
        method, target, SignedHeaders(key_, std::string(http::to_string(method)), target, body),
        body);
  }
  Reply Status() { return TestClient(endpoint_).Get("/api/v1/status"); }
  std::string StatusName() {
    Reply reply = Status();
    return reply.status == 200 ? std::string(reply.data().at("status").as_string()) : "";
  }
  std::string Token() {
    auto bullet = TestClient(endpoint_).Send(http::verb::post, "/api/v1/bullet-public", {});
    return std::string(bullet.data().at("token").as_string());
  }
  std::unique_ptr<WsTestClient> Connect(const std::string& token, const std::string& connect_id) {
    return std::make_unique<WsTestClient>(endpoint_,
                                          "/?token=" + token + "&connectId=" + connect_id);
  }
  std::unique_ptr<WsTestClient> Push(const std::string& connect_id) {
    return Connect(Token(), connect_id);
  }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  app::Config config_;
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
  TestKey key_;
};

std::string PlaceBody(const std::string& client_oid) {
  return json::serialize(json::object{{"symbol", "BTC-USDT"},
                                      {"side", "buy"},
                                      {"type", "limit"},
                                      {"price", "100"},
                                      {"size", "0.01"},
                                      {"clientOid", client_oid}});
}

TEST(Maintenance, CloseOnARunningServerStopsRestAndPushUntilReopened) {
  MaintenanceServer server;
  server.Start();
  auto session = server.Push("m1");
  const std::string token = server.Token();
  ASSERT_EQ(session->Read().at("type").as_string(), "welcome");
  Reply open = server.Status();
  ASSERT_EQ(open.status, 200u);
  EXPECT_EQ(open.data(), (json::object{{"status", "open"}, {"msg", ""}}));

  RunCli("status set close --msg 'upgrading the matching engine' --data " + server.data_dir());
  // The server polls the store every 200 ms: within a second.
  ASSERT_TRUE(Eventually([&] { return server.StatusName() == "close"; }, 1s));
  EXPECT_EQ(server.Status().data(),
            (json::object{{"status", "close"}, {"msg", "upgrading the matching engine"}}));
  // The push session gets the notice, then a close frame.
  auto notice = session->Read();
  EXPECT_EQ(notice.at("type").as_string(), "error");
  EXPECT_EQ(notice.at("id").as_string(), "m1");
  EXPECT_EQ(notice.at("code").as_int64(), 501000);
  EXPECT_EQ(notice.at("data").as_string(), kServiceStopped);
  EXPECT_TRUE(session->WaitClosed());
  EXPECT_EQ(session->close_code(), 1000);
  // Every other REST route: 501000.
  Reply refused = server.Signed(http::verb::get, "/api/v1/accounts");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code(), "501000");
  EXPECT_EQ(refused.msg(), kServiceStopped);
  EXPECT_EQ(TestClient(server.endpoint()).Get("/api/v1/timestamp").status, 200u);
  // A push connection with a token obtained before: the notice and a close.
  auto late = server.Connect(token, "m3");
  auto late_notice = late->Read();
  EXPECT_EQ(late_notice.at("code").as_int64(), 501000);
  EXPECT_TRUE(late->WaitClosed());

  RunCli("status set open --data " + server.data_dir());
  ASSERT_TRUE(Eventually([&] { return server.StatusName() == "open"; }, 1s));
  EXPECT_EQ(server.Signed(http::verb::get, "/api/v1/accounts").status, 200u);
  auto again = server.Push("m2");
  EXPECT_EQ(again->Read().at("type").as_string(), "welcome");
}

TEST(Maintenance, CancelOnlyRefusesNewOrdersButCancelsAndReads) {
  MaintenanceServer server;
  server.Start();
  server.Deposit("USDT", "1000");
  Reply placed = server.Signed(http::verb::post, "/api/v1/hf/orders", PlaceBody("before"));
  ASSERT_EQ(placed.code(), "200000") << placed.body;
  const std::string order_id(placed.data().at("orderId").as_string());

  RunCli("status set cancelonly --msg 'new listings' --data " + server.data_dir());
  ASSERT_TRUE(Eventually([&] { return server.StatusName() == "cancelonly"; }, 1s));
  EXPECT_EQ(server.Status().data(),
            (json::object{{"status", "cancelonly"}, {"msg", "new listings"}}));
  for (const char* route : {"/api/v1/hf/orders", "/api/v1/orders", "/api/v1/hf/orders/sync"}) {
    Reply refused =
        server.Signed(http::verb::post, route, PlaceBody(std::string("during-") + route));
    EXPECT_EQ(refused.status, 200u) << route;
    EXPECT_EQ(refused.code(), "126009") << route << ": " << refused.body;
    EXPECT_EQ(refused.msg(), "Trading pair is suspended from creating orders") << route;
  }
  // Reads and cancels work.
  EXPECT_EQ(
      server.Signed(http::verb::get, "/api/v1/hf/orders/" + order_id + "?symbol=BTC-USDT").code(),
      "200000");
  EXPECT_EQ(server.Signed(http::verb::get, "/api/v1/accounts").code(), "200000");
  Reply canceled =
      server.Signed(http::verb::delete_, "/api/v1/hf/orders/" + order_id + "?symbol=BTC-USDT");
  EXPECT_EQ(canceled.code(), "200000") << canceled.body;

  RunCli("status set open --data " + server.data_dir());
  ASSERT_TRUE(Eventually([&] { return server.StatusName() == "open"; }, 1s));
  EXPECT_EQ(server.Signed(http::verb::post, "/api/v1/hf/orders", PlaceBody("after")).code(),
            "200000");
}

TEST(Maintenance, StatusSetWhileStoppedHoldsAtTheNextStart) {
  MaintenanceServer server;
  std::filesystem::create_directories(server.data_dir());
  const std::string out =
      RunCli("status set close --msg 'back at 10:00' --data " + server.data_dir());
  EXPECT_NE(out.find("close"), std::string::npos) << out;
  server.Start();
  EXPECT_EQ(server.Status().data(), (json::object{{"status", "close"}, {"msg", "back at 10:00"}}));
  EXPECT_EQ(server.Signed(http::verb::get, "/api/v1/accounts").code(), "501000");
}

TEST(Maintenance, ConfigSetsTheStatusAtStart) {
  app::Config config;
  config.service_status = ServiceStatus::kCancelOnly;
  config.service_message = "from the config";
  MaintenanceServer server(config);
  server.Start();
  EXPECT_EQ(server.Status().data(),
            (json::object{{"status", "cancelonly"}, {"msg", "from the config"}}));
  // The admin command still wins on a running server.
  RunCli("status set open --data " + server.data_dir());
  EXPECT_TRUE(Eventually([&] { return server.StatusName() == "open"; }, 1s));
}

TEST(Maintenance, StatusSetRefusesAnUnknownStatus) {
  const std::string command = std::string(KC_KCGATE_BIN) + " status set shut --data /tmp/none 2>&1";
  EXPECT_NE(std::system(command.c_str()), 0);
}

}  // namespace
}  // namespace kc
