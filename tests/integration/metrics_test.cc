// GET /metrics over real sockets (issue 11, item 1): after known traffic the
// counters move by exactly what was sent (requests by route, method and
// status; KuCoin codes; rate-limit refusals by pool), the connection gauges
// follow push and WS API sessions, the engine and journal series follow
// orders, `promtool check metrics` accepts the output, and the [metrics]
// settings take effect.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "core/decimal.h"
#include "engine/command_loop.h"
#include "gateway/signature.h"
#include "metrics_scrape.h"
#include "push/hub.h"
#include "push/service.h"
#include "test_client.h"
#include "test_server.h"
#include "ws_test_client.h"
#include "wsapi_sign_in.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::Eventually;
using testing::Reply;
using testing::Scrape;
using testing::ScrapeMetrics;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::TestServer;
using testing::WsTestClient;

void WithAdmin(app::Config& config) { config.admin.listen = "127.0.0.1:0"; }

std::string Requests(const std::string& route, const std::string& method,
                     const std::string& status) {
  return "kcgate_http_requests_total{route=\"" + route + "\",method=\"" + method + "\",status=\"" +
         status + "\"}";
}
std::string Code(const std::string& code) {
  return "kcgate_kucoin_answers_total{code=\"" + code + "\"}";
}
std::string Connections(const std::string& kind) {
  return "kcgate_connections{kind=\"" + kind + "\"}";
}

void Deposit(app::Server& server, int64_t uid, const std::string& currency,
             const std::string& amount) {
  const engine::MarketConfig& markets = server.engine_loop().exchange().markets();
  const auto id = markets.FindCurrency(currency);
  ASSERT_TRUE(id);
  const auto units = ParseDecimal(amount, markets.currency(*id).precision);
  ASSERT_TRUE(units);
  std::promise<bool> done;
  ASSERT_TRUE(server.engine_loop().Submit(
      engine::Deposit{static_cast<engine::Uid>(uid), *id, engine::AccountType::kTrade, *units},
      [&done](const engine::CommandResult& r, const engine::Exchange&) {
        return [&done, ok = r.ok()] { done.set_value(ok); };
      }));
  ASSERT_TRUE(done.get_future().get());
}

TEST(Metrics, RequestsAndCodesMoveByExactlyTheRequestsMade) {
  TestServer server("metrics-requests", WithAdmin);
  const TestKey key = server.Key(11);
  TestClient client(server.Start());
  const auto admin = *server.server().admin_endpoint();
  const Scrape before = ScrapeMetrics(admin);

  for (int i = 0; i < 3; ++i) ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  for (int i = 0; i < 2; ++i) ASSERT_EQ(client.Get("/api/v1/nowhere").code(), "400001");
  ASSERT_EQ(client.Send(http::verb::delete_, "/api/v1/nowhere", {}).code(), "400001");
  auto forged = testing::With(SignedHeaders(key, "GET", "/api/v1/accounts"), "KC-API-SIGN",
                              gateway::Base64Encode(std::string(32, 'x')));
  ASSERT_EQ(client.Get("/api/v1/accounts", forged).code(), "400005");
  ASSERT_EQ(client.Get("/api/v1/accounts", SignedHeaders(key, "GET", "/api/v1/accounts")).code(),
            "200000");

  const Scrape after = ScrapeMetrics(admin);
  auto delta = [&](const std::string& series) { return after[series] - before[series]; };
  EXPECT_EQ(delta(Requests("/api/v1/timestamp", "GET", "200")), 3) << after.text;
  EXPECT_EQ(delta(Requests("unmatched", "GET", "404")), 2);
  EXPECT_EQ(delta(Requests("unmatched", "DELETE", "404")), 1);
  EXPECT_EQ(delta(Requests("/api/v1/accounts", "GET", "401")), 1);
  EXPECT_EQ(delta(Requests("/api/v1/accounts", "GET", "200")), 1);
  EXPECT_EQ(delta(Code("200000")), 4);
  EXPECT_EQ(delta(Code("400001")), 3);
  EXPECT_EQ(delta(Code("400005")), 1);
  // The latency histogram: three observations, all within the last bucket,
  // none that took no time at all.
  const std::string timestamp = "{route=\"/api/v1/timestamp\",method=\"GET\"";
  EXPECT_EQ(delta("kcgate_http_request_duration_seconds_count" + timestamp + "}"), 3);
  EXPECT_EQ(delta("kcgate_http_request_duration_seconds_bucket" + timestamp + ",le=\"+Inf\"}"), 3);
  EXPECT_GT(delta("kcgate_http_request_duration_seconds_sum" + timestamp + "}"), 0);
  // The scrapes themselves are on the admin listener: not counted as KuCoin requests.
  EXPECT_EQ(after.text.find("route=\"/metrics\""), std::string::npos);
}

TEST(Metrics, RateLimitRefusalsAreCountedByPool) {
  TestServer server("metrics-limits", [](app::Config& config) {
    WithAdmin(config);
    config.rate_limit.public_per_ip = 3;
    config.rate_limit.spot = 2;
  });
  const TestKey key = server.Key(
      12, gateway::Permissions(gateway::Permission::kGeneral).Add(gateway::Permission::kSpot));
  TestClient client(server.Start());
  const auto admin = *server.server().admin_endpoint();
  int public_refused = 0;
  for (int i = 0; i < 5; ++i) {
    if (client.Get("/api/v1/timestamp").code() == "429000") ++public_refused;
  }
  int spot_refused = 0;
  for (int i = 0; i < 4; ++i) {
    const std::string path = "/api/v1/orders?status=active";
    if (client.Get(path, SignedHeaders(key, "GET", path)).code() == "429000") ++spot_refused;
  }
  ASSERT_GT(public_refused, 0);
  ASSERT_GT(spot_refused, 0);
  const Scrape scrape = ScrapeMetrics(admin);
  EXPECT_EQ(scrape["kcgate_rate_limit_refusals_total{pool=\"public\"}"], public_refused)
      << scrape.text;
  EXPECT_EQ(scrape["kcgate_rate_limit_refusals_total{pool=\"spot\"}"], spot_refused);
  EXPECT_EQ(scrape["kcgate_rate_limit_refusals_total{pool=\"management\"}"], 0);
  EXPECT_EQ(scrape[Code("429000")], public_refused + spot_refused);
}

TEST(Metrics, ConnectionGaugesFollowPushAndWsApiSessions) {
  TestServer server("metrics-sessions", WithAdmin);
  const TestKey key = server.Key(
      13, gateway::Permissions(gateway::Permission::kGeneral).Add(gateway::Permission::kSpot));
  TestClient client(server.Start());
  const auto admin = *server.server().admin_endpoint();
  const Scrape idle = ScrapeMetrics(admin);
  EXPECT_EQ(idle[Connections("push")], 0) << idle.text;
  EXPECT_EQ(idle[Connections("wsapi")], 0);

  auto bullet = client.Send(http::verb::post, "/api/v1/bullet-public", {});
  const std::string token(bullet.data().at("token").as_string());
  auto push = std::make_unique<WsTestClient>(server.endpoint(),
                                             "/?token=" + token + "&connectId=metrics-1");
  ASSERT_EQ(push->Read().at("type"), "welcome");
  auto wsapi =
      std::make_unique<WsTestClient>(server.endpoint(), testing::ConnectQuery::For(key).Target());
  const auto welcome = testing::AnswerChallenge(*wsapi, key);
  ASSERT_TRUE(welcome);
  ASSERT_EQ(json::parse(*welcome).as_object().at("data"), "welcome");

  const Scrape open = ScrapeMetrics(admin);
  EXPECT_EQ(open[Connections("push")], 1) << open.text;
  EXPECT_EQ(open[Connections("wsapi")], 1);
  EXPECT_EQ(open["kcgate_sessions_opened_total{kind=\"push\"}"], 1);
  EXPECT_EQ(open["kcgate_sessions_opened_total{kind=\"wsapi\"}"], 1);
  // The welcome went out over push: one frame at least, its bytes counted.
  EXPECT_GE(open["kcgate_push_messages_sent_total"], 1);
  EXPECT_GT(open["kcgate_push_bytes_sent_total"], open["kcgate_push_messages_sent_total"]);

  push->Close();
  wsapi->Close();
  push.reset();
  wsapi.reset();
  Scrape closed;
  EXPECT_TRUE(Eventually([&] {
    closed = ScrapeMetrics(admin);
    return closed[Connections("push")] == 0 && closed[Connections("wsapi")] == 0 &&
           closed["kcgate_sessions_closed_total{kind=\"push\"}"] == 1 &&
           closed["kcgate_sessions_closed_total{kind=\"wsapi\"}"] == 1;
  })) << closed.text;
}

// Push frames and bytes counted exactly as the client read them; a client
// that reads nothing is disconnected and counted as a slow consumer.
TEST(Metrics, PushMessagesBytesAndSlowConsumersAreCounted) {
  TestServer server("metrics-push", [](app::Config& config) {
    WithAdmin(config);
    config.push.send_queue_bytes = 256 * 1024;
  });
  TestClient client(server.Start());
  const auto admin = *server.server().admin_endpoint();
  auto open = [&](const std::string& id) {
    auto bullet = client.Send(http::verb::post, "/api/v1/bullet-public", {});
    const std::string token(bullet.data().at("token").as_string());
    return std::make_unique<WsTestClient>(server.endpoint(),
                                          "/?token=" + token + "&connectId=" + id);
  };
  auto frame_bytes = [](const std::string& text) {
    return text.size() + (text.size() < 126 ? 2 : text.size() < 65536 ? 4 : 10);
  };
  const std::string topic = "/market/level2:ETH-USDT";
  const std::string subscribe =
      R"({"id":"s","type":"subscribe","topic":")" + topic + R"(","response":true})";

  auto reader = open("reader");
  uint64_t bytes = 0;
  auto read = [&] {
    const auto text = reader->ReadText();
    EXPECT_TRUE(text);
    if (text) bytes += frame_bytes(*text);
    return text.value_or("");
  };
  EXPECT_NE(read().find("welcome"), std::string::npos);
  reader->Send(subscribe);
  EXPECT_NE(read().find("ack"), std::string::npos);
  for (int i = 0; i < 5; ++i) {
    server.server().push_service().publisher().Publish(
        topic, 0,
        std::make_shared<const std::string>(R"({"type":"message","topic":")" + topic +
                                            R"(","data":{"n":)" + std::to_string(i) + "}}"));
    read();
  }
  // The session counts a frame once its write returns, which may be just
  // after the client has read it: wait for the count, then it must be exact.
  Scrape read_all;
  Eventually([&] {
    read_all = ScrapeMetrics(admin);
    return read_all["kcgate_push_messages_sent_total"] >= 7;
  });
  EXPECT_EQ(read_all["kcgate_push_messages_sent_total"], 7) << read_all.text;
  EXPECT_EQ(read_all["kcgate_push_bytes_sent_total"], bytes);
  EXPECT_EQ(read_all["kcgate_push_slow_consumer_disconnects_total"], 0);
  reader->Close();

  auto slow = open("slow");
  ASSERT_TRUE(slow->ReadText());
  slow->Send(subscribe);
  ASSERT_TRUE(slow->ReadText());
  const auto big =
      std::make_shared<const std::string>(R"({"type":"message","topic":")" + topic +
                                          R"(","data":")" + std::string(16 * 1024, 'x') + "\"}");
  for (int i = 0; i < 4096 && server.server().push_service().hub().connections() > 0; ++i) {
    server.server().push_service().publisher().Publish(topic, 0, big);
    if (i % 64 == 0) std::this_thread::sleep_for(1ms);
  }
  Scrape dropped;
  EXPECT_TRUE(Eventually([&] {
    dropped = ScrapeMetrics(admin);
    return dropped["kcgate_push_slow_consumer_disconnects_total"] == 1 &&
           dropped[Connections("push")] == 0;
  })) << dropped.text;
}

TEST(Metrics, EngineAndJournalSeriesFollowOrders) {
  TestServer server("metrics-engine", WithAdmin);
  const TestKey key = server.Key(
      14, gateway::Permissions(gateway::Permission::kGeneral).Add(gateway::Permission::kSpot));
  TestClient client(server.Start());
  const auto admin = *server.server().admin_endpoint();
  Deposit(server.server(), 14, "USDT", "1000");
  const Scrape before = ScrapeMetrics(admin);
  EXPECT_EQ(before["kcgate_orders_resting{symbol=\"BTC-USDT\"}"], 0) << before.text;
  EXPECT_NE(before.text.find("kcgate_orders_resting{symbol=\"BTC-USDT\"} 0\n"), std::string::npos);

  for (int i = 0; i < 3; ++i) {
    const std::string body = R"({"clientOid":"m-)" + std::to_string(i) +
                             R"(","symbol":"BTC-USDT","side":"buy","type":"limit","price":")" +
                             std::to_string(20000 + i) + R"(","size":"0.001"})";
    auto placed = client.Send(http::verb::post, "/api/v1/hf/orders",
                              SignedHeaders(key, "POST", "/api/v1/hf/orders", body), body);
    ASSERT_EQ(placed.code(), "200000") << placed.body;
  }
  const Scrape after = ScrapeMetrics(admin);
  EXPECT_EQ(after["kcgate_orders_resting{symbol=\"BTC-USDT\"}"], 3) << after.text;
  EXPECT_EQ(after["kcgate_orders_resting{symbol=\"ETH-USDT\"}"], 0);
  EXPECT_GE(after["kcgate_engine_commands_total"] - before["kcgate_engine_commands_total"], 3);
  EXPECT_GE(
      after["kcgate_journal_batch_commands_count"] - before["kcgate_journal_batch_commands_count"],
      1);
  EXPECT_GE(
      after["kcgate_journal_batch_commands_sum"] - before["kcgate_journal_batch_commands_sum"], 3);
  EXPECT_EQ(after["kcgate_journal_sync_seconds_count"],
            after["kcgate_journal_batch_commands_count"]);
  EXPECT_GT(after["kcgate_journal_sync_seconds_sum"], 0);
  EXPECT_EQ(after["kcgate_engine_queue_depth"], 0);
  const size_t build = after.text.find("\nkcgate_build_info{revision=\"");
  ASSERT_NE(build, std::string::npos) << after.text;
  EXPECT_EQ(after.text.substr(after.text.find('\n', build + 1) - 2, 2), " 1");
}

// promtool (Debian's prometheus package, scripts/setup) on a scrape that has
// every family: requests, codes, histograms, sessions, engine and journal.
TEST(Metrics, PromtoolAcceptsTheExposition) {
  std::string promtool;
  for (const char* candidate : {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
    if (std::filesystem::exists(candidate)) promtool = candidate;
  }
  if (promtool.empty()) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << "promtool not found: scripts/setup installs Debian's prometheus package";
    }
    GTEST_SKIP() << "promtool not installed (scripts/setup installs it; CI=true makes this fail)";
  }
  TestServer server("metrics-promtool", WithAdmin);
  const TestKey key = server.Key(
      15, gateway::Permissions(gateway::Permission::kGeneral).Add(gateway::Permission::kSpot));
  TestClient client(server.Start());
  Deposit(server.server(), 15, "USDT", "100");
  ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  ASSERT_EQ(client.Get("/api/v1/nowhere").code(), "400001");
  const std::string body =
      R"({"clientOid":"p-1","symbol":"BTC-USDT","side":"buy","type":"limit","price":"20000","size":"0.001"})";
  ASSERT_EQ(client
                .Send(http::verb::post, "/api/v1/hf/orders",
                      SignedHeaders(key, "POST", "/api/v1/hf/orders", body), body)
                .code(),
            "200000");
  const Scrape scrape = ScrapeMetrics(*server.server().admin_endpoint());
  for (const char* family :
       {"kcgate_http_requests_total", "kcgate_http_request_duration_seconds_bucket",
        "kcgate_kucoin_answers_total", "kcgate_rate_limit_refusals_total", "kcgate_connections",
        "kcgate_push_messages_sent_total", "kcgate_engine_queue_depth",
        "kcgate_journal_sync_seconds_bucket", "kcgate_orders_resting", "kcgate_build_info"}) {
    EXPECT_NE(scrape.text.find(std::string("\n") + family), std::string::npos) << family;
  }
  const std::string file = server.data_dir() + "/scrape.prom";
  std::ofstream(file) << scrape.text;
  const std::string command = promtool + " check metrics < " + file + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (const size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << out << "\n" << scrape.text;
  EXPECT_EQ(out, "") << out;
}

TEST(MetricsSettings, EnabledFalseServesNoMetrics) {
  TestServer server("metrics-off", [](app::Config& config) {
    WithAdmin(config);
    config.metrics.enabled = false;
  });
  TestClient client(server.Start());
  ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  const Reply reply = TestClient(*server.server().admin_endpoint()).Get("/metrics");
  EXPECT_EQ(reply.status, 404u) << reply.body;
  // Health checks do not depend on it.
  EXPECT_EQ(TestClient(*server.server().admin_endpoint()).Get("/healthz").status, 200u);
}

TEST(MetricsSettings, RequireTokenAsksForTheAdminToken) {
  TestServer open_server("metrics-open", WithAdmin);
  open_server.Start();
  EXPECT_EQ(TestClient(*open_server.server().admin_endpoint()).Get("/metrics").status, 200u);

  TestServer server("metrics-token", [](app::Config& config) {
    WithAdmin(config);
    config.metrics.require_token = true;
  });
  server.Start();
  const auto admin = *server.server().admin_endpoint();
  EXPECT_EQ(TestClient(admin).Get("/metrics").status, 401u);
  EXPECT_EQ(TestClient(admin).Get("/metrics", {{"Authorization", "Bearer wrong"}}).status, 401u);
  const Scrape scrape =
      ScrapeMetrics(admin, {{"Authorization", "Bearer " + server.server().admin_token()}});
  EXPECT_NE(scrape.text.find("kcgate_build_info"), std::string::npos);
}

// With the access log on too, both observers hear every request.
TEST(MetricsSettings, MetricsAndAccessLogBothSeeEveryRequest) {
  TestServer server("metrics-and-log", [](app::Config& config) {
    WithAdmin(config);
    config.access_log.output = app::AccessLogConfig::Output::kFile;
  });
  TestClient client(server.Start());
  for (int i = 0; i < 4; ++i) ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  const Scrape scrape = ScrapeMetrics(*server.server().admin_endpoint());
  EXPECT_EQ(scrape[Requests("/api/v1/timestamp", "GET", "200")], 4) << scrape.text;
  const std::string log_path = server.data_dir() + "/access.log";
  server.Destroy();  // flushes the access log
  std::ifstream in(log_path);
  int lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"route\":\"/api/v1/timestamp\"") != std::string::npos) ++lines;
  }
  EXPECT_EQ(lines, 4);
}

}  // namespace
}  // namespace kc
