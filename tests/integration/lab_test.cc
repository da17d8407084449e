// The test lab (issue 13) over real sockets: the admin listener (bearer
// token, 400 naming the field, unreachable through the KuCoin listener),
// test accounts (keys, exactly-once deposits, reset) and the status switch.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "admin/router.h"
#include "app/server.h"
#include "test_client.h"
#include "ws_test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::Reply;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;

class LabServer {
 public:
  explicit LabServer(app::Config config = {}) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-lab-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    config.listen = "127.0.0.1:0";
    if (!config.admin.listen) config.admin.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 1;
    config.demo_key = false;
    config.market_maker.enabled = false;
    server_ = std::make_unique<app::Server>(config);
    kucoin_ = server_->Start();
  }
  ~LabServer() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  app::Server& server() { return *server_; }
  const std::string& data_dir() const { return data_dir_; }
  TestClient kucoin() { return TestClient(kucoin_); }
  TestClient admin() { return TestClient(*server_->admin_endpoint()); }

  // An admin call with the server's token.
  Reply Admin(http::verb method, const std::string& target, const std::string& body = "") {
    return admin().Send(method, target, {{"Authorization", "Bearer " + server_->admin_token()}},
                        body);
  }
  Reply Admin(http::verb method, const std::string& target, const json::object& body) {
    return Admin(method, target, json::serialize(body));
  }

  TestKey NewKey(int64_t uid) {
    Reply created = Admin(http::verb::post, "/admin/v1/keys",
                          json::object{{"uid", uid}, {"permissions", "General,Spot"}});
    EXPECT_EQ(created.status, 200u) << created.body;
    const json::object& key = created.json.as_object();
    return {std::string(key.at("apiKey").as_string()), std::string(key.at("secret").as_string()),
            std::string(key.at("passphrase").as_string())};
  }
  Reply Signed(const TestKey& key, http::verb method, const std::string& target,
               const std::string& body = "") {
    return kucoin().Send(method, target,
                         SignedHeaders(key, std::string(http::to_string(method)), target, body),
                         body);
  }
  // The trade or main balance of `currency` (0 when no account).
  std::string Balance(const TestKey& key, const std::string& currency, const std::string& type) {
    Reply accounts =
        Signed(key, http::verb::get, "/api/v1/accounts?currency=" + currency + "&type=" + type);
    EXPECT_EQ(accounts.code(), "200000") << accounts.body;
    if (accounts.code() != "200000") return "?";
    for (const json::value& row : accounts.data().as_array()) {
      return std::string(row.as_object().at("balance").as_string());
    }
    return "0";
  }

 private:
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint kucoin_;
};

TEST(AdminListener, RefusesWithoutTheTokenAndAnswersWithIt) {
  LabServer lab;
  EXPECT_EQ(lab.server().admin_token().size(), 64u);  // generated
  TestClient admin = lab.admin();
  Reply none = admin.Get("/admin/v1/status");
  EXPECT_EQ(none.status, 401u) << none.body;
  EXPECT_EQ(none.headers[http::field::www_authenticate], "Bearer");
  Reply wrong = admin.Get("/admin/v1/status", {{"Authorization", "Bearer not-the-token"}});
  EXPECT_EQ(wrong.status, 401u);
  Reply basic =
      admin.Get("/admin/v1/status", {{"Authorization", "Basic " + lab.server().admin_token()}});
  EXPECT_EQ(basic.status, 401u);
  Reply ok = lab.Admin(http::verb::get, "/admin/v1/status");
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json.as_object().at("status"), "open");
  EXPECT_EQ(lab.Admin(http::verb::get, "/admin/v1/nothing").status, 404u);
  // The token file is the one `make run` prints, readable by its owner only.
  const auto perms = std::filesystem::status(lab.data_dir() + "/admin.token").permissions();
  EXPECT_EQ(perms, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(AdminListener, IsNeverReachableThroughTheKuCoinListener) {
  LabServer lab;
  const testing::Headers bearer = {{"Authorization", "Bearer " + lab.server().admin_token()}};
  for (const char* path : {"/admin/v1/status", "/admin/v1/keys", "/admin/v1/faults"}) {
    Reply get = lab.kucoin().Get(path, bearer);
    EXPECT_EQ(get.status, 404u) << path << ": " << get.body;
    EXPECT_EQ(get.code(), "400001") << get.body;
    Reply post = lab.kucoin().Send(http::verb::post, path, bearer, R"({"uid":1})");
    EXPECT_EQ(post.code(), "400001") << post.body;
  }
}

TEST(AdminListener, ConfiguredTokenAndDisabledListener) {
  app::Config config;
  config.admin.token = "lab-secret-token";
  LabServer lab(config);
  EXPECT_EQ(lab.server().admin_token(), "lab-secret-token");
  EXPECT_EQ(
      lab.admin().Get("/admin/v1/status", {{"Authorization", "Bearer lab-secret-token"}}).status,
      200u);
  EXPECT_FALSE(std::filesystem::exists(lab.data_dir() + "/admin.token"));

  app::Config off;
  off.admin.listen = "";
  LabServer quiet(off);
  EXPECT_FALSE(quiet.server().admin_endpoint().has_value());
  EXPECT_EQ(quiet.server().admin_router(), nullptr);
}

TEST(AdminListener, MalformedBodiesAre400NamingTheField) {
  LabServer lab;
  auto field = [](const Reply& reply) {
    EXPECT_EQ(reply.status, 400u) << reply.body;
    const auto* object = reply.json.if_object();
    return object && object->contains("field") ? std::string(object->at("field").as_string())
                                               : std::string();
  };
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/keys", "{not json")), "body");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/keys", "[1,2]")), "body");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/keys", R"({"uid":"x"})")), "uid");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/keys", R"({"uid":1,"permisions":"x"})")),
            "permisions");
  EXPECT_EQ(
      field(lab.Admin(http::verb::post, "/admin/v1/keys", R"({"uid":1,"permissions":"Rocket"})")),
      "permissions");
  EXPECT_EQ(
      field(lab.Admin(http::verb::post, "/admin/v1/deposits", R"({"uid":1,"currency":"USDT"})")),
      "amount");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/deposits",
                            R"({"uid":1,"currency":"NOPE","amount":"1"})")),
            "currency");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/status", R"({"status":"shut"})")),
            "status");
  EXPECT_EQ(field(lab.Admin(http::verb::post, "/admin/v1/users/abc/reset")), "uid");
  // Nothing was created by the refusals.
  EXPECT_EQ(lab.Admin(http::verb::delete_, "/admin/v1/keys/none").status, 404u);
}

TEST(LabAccounts, KeyWorksAtOnceAndRevokedKeyIsRefused) {
  LabServer lab;
  const TestKey key = lab.NewKey(7001);
  Reply info = lab.Signed(key, http::verb::get, "/api/v1/user/api-key");
  EXPECT_EQ(info.code(), "200000") << info.body;
  Reply revoked = lab.Admin(http::verb::delete_, "/admin/v1/keys/" + key.api_key);
  EXPECT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_EQ(lab.Signed(key, http::verb::get, "/api/v1/user/api-key").code(), "400003");
  EXPECT_EQ(lab.Admin(http::verb::delete_, "/admin/v1/keys/" + key.api_key).status, 404u);
}

TEST(LabAccounts, DepositIsAppliedExactlyOnce) {
  LabServer lab;
  const TestKey key = lab.NewKey(7002);
  const json::object deposit{{"uid", 7002},
                             {"currency", "USDT"},
                             {"amount", "250.5"},
                             {"account", "trade"},
                             {"requestId", "t-1"}};
  Reply first = lab.Admin(http::verb::post, "/admin/v1/deposits", deposit);
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.json.as_object().at("status"), "applied");
  EXPECT_GT(first.json.as_object().at("journalSeq").as_int64(), 0);
  Reply again = lab.Admin(http::verb::post, "/admin/v1/deposits", deposit);  // a retry
  EXPECT_EQ(again.json.as_object().at("duplicate"), true) << again.body;
  EXPECT_EQ(again.json.as_object().at("requestId"), first.json.as_object().at("requestId"));
  EXPECT_EQ(lab.Balance(key, "USDT", "trade"), "250.5");
  // Without a requestId every call is a deposit of its own.
  Reply other = lab.Admin(http::verb::post, "/admin/v1/deposits",
                          json::object{{"uid", 7002}, {"currency", "USDT"}, {"amount", "1"}});
  EXPECT_EQ(other.json.as_object().at("status"), "applied") << other.body;
  EXPECT_EQ(lab.Balance(key, "USDT", "main"), "1");
}

TEST(LabAccounts, ResetCancelsOrdersAndWithdrawsEverythingOnTheRecord) {
  LabServer lab;
  const TestKey key = lab.NewKey(7003);
  for (auto [currency, amount, account] :
       {std::tuple{"USDT", "1000", "trade"}, std::tuple{"USDT", "5", "main"},
        std::tuple{"BTC", "0.5", "trade"}}) {
    Reply deposit = lab.Admin(
        http::verb::post, "/admin/v1/deposits",
        json::object{
            {"uid", 7003}, {"currency", currency}, {"amount", amount}, {"account", account}});
    ASSERT_EQ(deposit.status, 200u) << deposit.body;
  }
  const std::string order = json::serialize(json::object{{"clientOid", "reset-1"},
                                                         {"symbol", "BTC-USDT"},
                                                         {"side", "buy"},
                                                         {"type", "limit"},
                                                         {"price", "1000"},
                                                         {"size", "0.1"}});
  Reply placed = lab.Signed(key, http::verb::post, "/api/v1/hf/orders", order);
  ASSERT_EQ(placed.code(), "200000") << placed.body;

  Reply reset = lab.Admin(http::verb::post, "/admin/v1/users/7003/reset");
  ASSERT_EQ(reset.status, 200u) << reset.body;
  EXPECT_EQ(reset.json.as_object().at("canceledOrders"), 1);
  EXPECT_EQ(reset.json.as_object().at("withdrawn").as_array().size(), 2u) << reset.body;

  Reply active = lab.Signed(key, http::verb::get, "/api/v1/hf/orders/active?symbol=BTC-USDT");
  EXPECT_EQ(active.code(), "200000") << active.body;
  EXPECT_TRUE(active.data().is_null() || active.data().as_array().empty()) << active.body;
  for (const char* type : {"trade", "main"}) {
    EXPECT_EQ(std::stod(lab.Balance(key, "USDT", type)), 0) << type;
    EXPECT_EQ(std::stod(lab.Balance(key, "BTC", type)), 0) << type;
  }
  // The money left on the record: the withdrawals are in the user's history.
  Reply withdrawals = lab.Signed(key, http::verb::get, "/api/v1/withdrawals");
  ASSERT_EQ(withdrawals.code(), "200000") << withdrawals.body;
  EXPECT_EQ(withdrawals.data().as_object().at("items").as_array().size(), 2u) << withdrawals.body;
  // A fresh start for the same user: funded again, it trades again.
  Reply funded = lab.Admin(http::verb::post, "/admin/v1/deposits",
                           json::object{{"uid", 7003}, {"currency", "USDT"}, {"amount", "10"}});
  EXPECT_EQ(funded.json.as_object().at("status"), "applied");
  EXPECT_EQ(lab.Balance(key, "USDT", "main"), "10");
}

TEST(LabStatus, SwitchesMaintenanceOnTheRunningServer) {
  LabServer lab;
  Reply closed = lab.Admin(http::verb::post, "/admin/v1/status",
                           json::object{{"status", "close"}, {"msg", "lab maintenance"}});
  ASSERT_EQ(closed.status, 200u) << closed.body;
  Reply status = lab.kucoin().Get("/api/v1/status");
  EXPECT_EQ(status.data().as_object().at("status"), "close") << status.body;
  EXPECT_EQ(status.data().as_object().at("msg"), "lab maintenance");
  Reply refused = lab.kucoin().Get("/api/v2/symbols");
  EXPECT_EQ(refused.status, 503u);
  EXPECT_EQ(refused.code(), "501000") << refused.body;
  lab.Admin(http::verb::post, "/admin/v1/status", json::object{{"status", "open"}});
  EXPECT_EQ(lab.kucoin().Get("/api/v2/symbols").code(), "200000");
  // Kept in the store like `kcgate status set`: the watcher does not undo it.
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(lab.kucoin().Get("/api/v1/status").data().as_object().at("status"), "open");
}

// ---- Fault rules on REST (item 3) ----

uint64_t AddFault(LabServer& lab, const std::string& rule) {
  Reply added = lab.Admin(http::verb::post, "/admin/v1/faults", rule);
  EXPECT_EQ(added.status, 200u) << added.body;
  return added.json.is_object() ? added.json.as_object().at("id").to_number<uint64_t>() : 0;
}

TEST(LabFaults, CodeIsAnsweredAsKcgateAnswersItForTheNextTimesMatches) {
  LabServer lab;
  const uint64_t id =
      AddFault(lab, R"({"match":{"kind":"rest","method":"GET","path":"/api/v1/timestamp"},
               "action":{"code":"429000"},"times":2})");
  for (int i = 0; i < 2; ++i) {
    Reply refused = lab.kucoin().Get("/api/v1/timestamp");
    EXPECT_EQ(refused.status, 429u) << refused.body;
    EXPECT_EQ(refused.code(), "429000");
    EXPECT_EQ(refused.msg(), "Too many requests in a short period. Please retry later.(UID LIMIT)");
    // As a real quota refusal: the pool's headers are there.
    EXPECT_FALSE(refused.headers["gw-ratelimit-limit"].empty()) << i;
  }
  EXPECT_EQ(lab.kucoin().Get("/api/v1/timestamp").code(), "200000");  // retired
  Reply listed = lab.Admin(http::verb::get, "/admin/v1/faults");
  ASSERT_EQ(listed.json.as_array().size(), 1u) << listed.body;
  const json::object& rule = listed.json.as_array()[0].as_object();
  EXPECT_EQ(rule.at("id").to_number<uint64_t>(), id);
  EXPECT_EQ(rule.at("hits"), 2);
  EXPECT_EQ(rule.at("remaining"), 0);
  // Other paths never matched.
  EXPECT_EQ(lab.kucoin().Get("/api/v1/status").code(), "200000");
}

TEST(LabFaults, BusinessAndSeedCodesCarryTheirOwnStatusAndMessage) {
  LabServer lab;
  AddFault(lab, R"({"match":{"path":"/api/v1/status"},"action":{"code":"200004"},"times":1})");
  Reply business = lab.kucoin().Get("/api/v1/status");
  EXPECT_EQ(business.status, 200u);
  EXPECT_EQ(business.code(), "200004");
  EXPECT_EQ(business.msg(), "Balance insufficient!");
  AddFault(lab, R"({"match":{"path":"/api/v1/status"},"action":{"code":"400006"},"times":1})");
  Reply ip = lab.kucoin().Get("/api/v1/status");
  EXPECT_EQ(ip.status, 403u);
  EXPECT_EQ(ip.msg(), "Invalid request IP, the current client IP is: 127.0.0.1.");
  AddFault(lab, R"({"match":{"path":"/api/v1/status"},"action":{"code":"501000"},"times":1})");
  EXPECT_EQ(lab.kucoin().Get("/api/v1/status").status, 503u);
  // A code kcgate never answers is refused, naming the field.
  Reply unknown =
      lab.Admin(http::verb::post, "/admin/v1/faults", R"({"action":{"code":"123456"}})");
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.json.as_object().at("field"), "action.code");
  Reply no_action = lab.Admin(http::verb::post, "/admin/v1/faults", R"({"match":{}})");
  EXPECT_EQ(no_action.json.as_object().at("field"), "action");
  Reply kind = lab.Admin(http::verb::post, "/admin/v1/faults",
                         R"({"match":{"kind":"smtp"},"action":{"code":"500000"}})");
  EXPECT_EQ(kind.json.as_object().at("field"), "match.kind");
}

TEST(LabFaults, MatchesByUidAndKeyOnly) {
  LabServer lab;
  const TestKey mine = lab.NewKey(7101);
  const TestKey other = lab.NewKey(7102);
  AddFault(lab, R"({"match":{"uid":7101,"path":"/api/v1/accounts*"},"action":{"code":"500000"}})");
  EXPECT_EQ(lab.Signed(mine, http::verb::get, "/api/v1/accounts").code(), "500000");
  EXPECT_EQ(lab.Signed(other, http::verb::get, "/api/v1/accounts").code(), "200000");
  lab.Admin(http::verb::delete_, "/admin/v1/faults");
  AddFault(lab, R"({"match":{"apiKey":")" + other.api_key + R"("},"action":{"code":"400007"}})");
  EXPECT_EQ(lab.Signed(mine, http::verb::get, "/api/v1/accounts").code(), "200000");
  Reply denied = lab.Signed(other, http::verb::get, "/api/v1/accounts");
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(denied.code(), "400007");
  // A request refused for real is never faulted on top (wrong signature: 400005).
  testing::Headers bad = SignedHeaders(other, "GET", "/api/v1/accounts");
  bad = testing::With(bad, "KC-API-SIGN", "AAAA");
  EXPECT_EQ(lab.kucoin().Get("/api/v1/accounts", bad).code(), "400005");
}

TEST(LabFaults, AfterExecuteLeavesTheOrderExistingThoughTheClientSawAFailure) {
  LabServer lab;
  const TestKey key = lab.NewKey(7103);
  lab.Admin(
      http::verb::post, "/admin/v1/deposits",
      json::object{{"uid", 7103}, {"currency", "USDT"}, {"amount", "1000"}, {"account", "trade"}});
  AddFault(lab, R"({"match":{"method":"POST","path":"/api/v1/hf/orders"},
                    "action":{"after":"execute","code":"500000"},"times":1})");
  const std::string order = json::serialize(json::object{{"clientOid", "lab-after-1"},
                                                         {"symbol", "BTC-USDT"},
                                                         {"side", "buy"},
                                                         {"type", "limit"},
                                                         {"price", "1000"},
                                                         {"size", "0.01"}});
  Reply failed = lab.Signed(key, http::verb::post, "/api/v1/hf/orders", order);
  EXPECT_EQ(failed.status, 500u) << failed.body;
  EXPECT_EQ(failed.code(), "500000");
  Reply found = lab.Signed(key, http::verb::get,
                           "/api/v1/hf/orders/client-order/lab-after-1?symbol=BTC-USDT");
  ASSERT_EQ(found.code(), "200000") << found.body;
  EXPECT_EQ(found.data().as_object().at("clientOid"), "lab-after-1");
  EXPECT_EQ(found.data().as_object().at("active"), true);
}

TEST(LabFaults, DisconnectDropsTheConnectionWithoutAnAnswer) {
  LabServer lab;
  AddFault(lab, R"({"match":{"path":"/api/v1/timestamp"},"action":{"disconnect":true},"times":1})");
  EXPECT_ANY_THROW(lab.kucoin().Get("/api/v1/timestamp"));
  EXPECT_EQ(lab.kucoin().Get("/api/v1/timestamp").code(), "200000");
}

TEST(LabFaults, DelayHoldsTheAnswerThenProceedsOrAnswersTheCode) {
  LabServer lab;
  AddFault(lab, R"({"match":{"path":"/api/v1/timestamp"},"action":{"delay_ms":300},"times":1})");
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(lab.kucoin().Get("/api/v1/timestamp").code(), "200000");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  AddFault(lab, R"({"match":{"path":"/api/v1/timestamp"},
                    "action":{"delay_ms":200,"code":"504000"},"times":1})");
  start = std::chrono::steady_clock::now();
  Reply late = lab.kucoin().Get("/api/v1/timestamp");
  EXPECT_EQ(late.code(), "504000");
  EXPECT_EQ(late.status, 504u);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST(LabFaults, SeededProbabilityIsExactAndRepeatable) {
  LabServer lab;
  const std::string rule = R"({"match":{"path":"/api/v1/timestamp"},
                               "action":{"code":"503000"},"probability":0.4,"seed":7})";
  auto run = [&] {
    std::string pattern;
    for (int i = 0; i < 30; ++i) {
      pattern += lab.kucoin().Get("/api/v1/timestamp").code() == "503000" ? 'x' : '.';
    }
    return pattern;
  };
  const uint64_t first_id = AddFault(lab, rule);
  const std::string first = run();
  Reply listed = lab.Admin(http::verb::get, "/admin/v1/faults");
  EXPECT_EQ(listed.json.as_array()[0].as_object().at("hits").to_number<int64_t>(),
            std::count(first.begin(), first.end(), 'x'));
  ASSERT_EQ(lab.Admin(http::verb::delete_, "/admin/v1/faults/" + std::to_string(first_id)).status,
            200u);
  AddFault(lab, rule);
  EXPECT_EQ(run(), first);  // the same seed, the same stream
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
  lab.Admin(http::verb::delete_, "/admin/v1/faults");
  AddFault(lab, R"({"match":{"path":"/api/v1/timestamp"},
                    "action":{"code":"503000"},"probability":0.4,"seed":8})");
  EXPECT_NE(run(), first);  // another seed, another stream
}

// ---- The server clock (item 4) ----

int64_t ServerTime(LabServer& lab) {
  return lab.kucoin().Get("/api/v1/timestamp").data().to_number<int64_t>();
}

TEST(LabClock, OffsetMovesServerTimeAndTheSignatureWindow) {
  LabServer lab;
  const TestKey key = lab.NewKey(7201);
  Reply shifted = lab.Admin(http::verb::post, "/admin/v1/clock", R"({"offset_ms":7000})");
  ASSERT_EQ(shifted.status, 200u) << shifted.body;
  EXPECT_GE(shifted.json.as_object().at("offsetMs").to_number<int64_t>(), 6990);
  const int64_t server = ServerTime(lab);
  EXPECT_GE(server - testing::NowMs(), 6000);
  EXPECT_LE(server - testing::NowMs(), 7000);
  // A client with a correct clock is now 7 s behind: 400002 (5 s window).
  Reply late = lab.Signed(key, http::verb::get, "/api/v1/accounts");
  EXPECT_EQ(late.status, 401u);
  EXPECT_EQ(late.code(), "400002") << late.body;
  // One that adjusted to the server's time (ccxt's adjustForTimeDifference) passes.
  const std::string target = "/api/v1/accounts";
  Reply adjusted =
      lab.kucoin().Get(target, SignedHeaders(key, "GET", target, "", "3", ServerTime(lab)));
  EXPECT_EQ(adjusted.code(), "200000") << adjusted.body;
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"reset":true})");
  EXPECT_LE(std::abs(ServerTime(lab) - testing::NowMs()), 1000);
  EXPECT_EQ(lab.Signed(key, http::verb::get, "/api/v1/accounts").code(), "200000");
  // Malformed: exactly one setting, named.
  Reply two = lab.Admin(http::verb::post, "/admin/v1/clock", R"({"offset_ms":1,"reset":true})");
  EXPECT_EQ(two.status, 400u);
  Reply typed = lab.Admin(http::verb::post, "/admin/v1/clock", R"({"advance_ms":"soon"})");
  EXPECT_EQ(typed.json.as_object().at("field"), "advance_ms");
}

TEST(LabClock, FrozenTimeStandsStillUntilAdvanced) {
  LabServer lab;
  Reply frozen = lab.Admin(http::verb::post, "/admin/v1/clock", R"({"freeze":true})");
  ASSERT_EQ(frozen.json.as_object().at("frozen"), true) << frozen.body;
  const int64_t at = ServerTime(lab);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(ServerTime(lab), at);
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"advance_ms":60000})");
  EXPECT_EQ(ServerTime(lab), at + 60000);
  // Frozen time still lets the engine work: an order is placed and answered.
  const TestKey key = lab.NewKey(7202);
  lab.Admin(
      http::verb::post, "/admin/v1/deposits",
      json::object{{"uid", 7202}, {"currency", "USDT"}, {"amount", "100"}, {"account", "trade"}});
  const std::string target = "/api/v1/hf/orders";
  const std::string order = json::serialize(json::object{{"symbol", "BTC-USDT"},
                                                         {"side", "buy"},
                                                         {"type", "limit"},
                                                         {"price", "1000"},
                                                         {"size", "0.01"}});
  Reply placed =
      lab.kucoin().Send(http::verb::post, target,
                        SignedHeaders(key, "POST", target, order, "3", ServerTime(lab)), order);
  EXPECT_EQ(placed.code(), "200000") << placed.body;
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"freeze":false})");
  std::this_thread::sleep_for(50ms);
  EXPECT_GT(ServerTime(lab), at + 60000);
}

TEST(LabClock, AdvanceExpiresAGttOrder) {
  LabServer lab;
  const TestKey key = lab.NewKey(7203);
  lab.Admin(
      http::verb::post, "/admin/v1/deposits",
      json::object{{"uid", 7203}, {"currency", "USDT"}, {"amount", "100"}, {"account", "trade"}});
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"freeze":true})");
  const std::string order = json::serialize(json::object{{"clientOid", "gtt-1"},
                                                         {"symbol", "BTC-USDT"},
                                                         {"side", "buy"},
                                                         {"type", "limit"},
                                                         {"price", "1000"},
                                                         {"size", "0.01"},
                                                         {"timeInForce", "GTT"},
                                                         {"cancelAfter", 3600}});
  const std::string target = "/api/v1/hf/orders";
  Reply placed =
      lab.kucoin().Send(http::verb::post, target,
                        SignedHeaders(key, "POST", target, order, "3", ServerTime(lab)), order);
  ASSERT_EQ(placed.code(), "200000") << placed.body;
  auto active = [&] {
    const std::string path = "/api/v1/hf/orders/client-order/gtt-1?symbol=BTC-USDT";
    Reply found = lab.kucoin().Get(path, SignedHeaders(key, "GET", path, "", "3", ServerTime(lab)));
    EXPECT_EQ(found.code(), "200000") << found.body;
    return found.code() == "200000" && found.data().as_object().at("active").as_bool();
  };
  EXPECT_TRUE(active());
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"advance_ms":3599000})");
  std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(active());  // a second left
  lab.Admin(http::verb::post, "/admin/v1/clock", R"({"advance_ms":2000})");
  bool expired = false;
  for (int i = 0; i < 100 && !expired; ++i) {
    expired = !active();
    if (!expired) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(expired);
}

TEST(LabClock, AdvanceExpiresABulletToken) {
  LabServer lab;
  Reply bullet = lab.kucoin().Send(http::verb::post, "/api/v1/bullet-public", {});
  ASSERT_EQ(bullet.code(), "200000") << bullet.body;
  const std::string token(bullet.data().as_object().at("token").as_string());
  auto welcome = [&](const std::string& id) {
    testing::WsTestClient client(lab.kucoin().endpoint(), "/?token=" + token + "&connectId=" + id);
    const json::object frame = client.Read();
    return std::string(frame.at("type").as_string());
  };
  EXPECT_EQ(welcome("fresh"), "welcome");
  lab.Admin(http::verb::post, "/admin/v1/clock",
            json::object{{"advance_ms", lab.server().config().push.token_ttl_ms + 1000}});
  EXPECT_EQ(welcome("late"), "error");
}

// ---- Signature explain (item 7) ----

TEST(LabExplain, A400005CarriesThePreHashStringTheServerSigned) {
  LabServer lab;  // loopback listener: explain is on by default
  TestKey key = lab.NewKey(7301);
  TestKey wrong = key;
  wrong.secret = "not-the-secret";
  const std::string target = "/api/v1/hf/orders?x=%20y";
  const std::string body =
      R"({"symbol":"BTC-USDT","side":"buy","type":"limit","price":"1","size":"1"})";
  testing::Headers headers = SignedHeaders(wrong, "POST", target, body);
  // The passphrase must pass to reach the signature check: the right one.
  headers = testing::With(headers, "KC-API-PASSPHRASE",
                          gateway::HashPassphrase(key.secret, key.passphrase));
  Reply refused = lab.kucoin().Send(http::verb::post, target, headers, body);
  ASSERT_EQ(refused.code(), "400005") << refused.body;
  const std::string header(refused.headers["kc-explain"]);
  ASSERT_FALSE(header.empty());
  const json::object explain = json::parse(header).as_object();
  std::string timestamp;
  for (const auto& [name, value] : headers) {
    if (name == "KC-API-TIMESTAMP") timestamp = value;
  }
  EXPECT_EQ(explain.at("prehash").as_string(), timestamp + "POST" + target + body);
  EXPECT_EQ(explain.at("bodyLength"), static_cast<int64_t>(body.size()));
  EXPECT_EQ(explain.at("pathsTried").as_array().size(), 2u);  // as sent, and decoded
  EXPECT_EQ(explain.at("pathsTried").as_array()[1], "/api/v1/hf/orders?x= y");
  // No secret in it: only what the client itself sent.
  EXPECT_EQ(header.find(key.secret), std::string::npos);
  // A client that signs what the header says gets through.
  EXPECT_NE(lab.Signed(key, http::verb::post, target, body).code(), "400005");
}

TEST(LabExplain, A400004NamesThePassphraseFormOfTheHeaderVersion) {
  LabServer lab;
  const TestKey key = lab.NewKey(7302);
  const std::string target = "/api/v1/accounts";
  testing::Headers v3 = SignedHeaders(key, "GET", target);
  v3 = testing::With(v3, "KC-API-PASSPHRASE", key.passphrase);  // plain under version 3
  Reply refused = lab.kucoin().Get(target, v3);
  ASSERT_EQ(refused.code(), "400004") << refused.body;
  const json::object explain = json::parse(refused.headers["kc-explain"]).as_object();
  EXPECT_EQ(explain.at("form"), "HMAC");
  EXPECT_EQ(explain.at("headerVersion"), 3);
  Reply plain = lab.kucoin().Get(
      target, testing::With(SignedHeaders(key, "GET", target, "", "1"), "KC-API-PASSPHRASE", "x"));
  ASSERT_EQ(plain.code(), "400004");
  EXPECT_EQ(json::parse(plain.headers["kc-explain"]).as_object().at("form"), "plain");
}

TEST(LabExplain, OffMeansNoHeader) {
  app::Config config;
  config.lab.explain = false;
  LabServer lab(config);
  TestKey key = lab.NewKey(7303);
  key.secret = "wrong";
  Reply refused = lab.kucoin().Get(
      "/api/v1/accounts",
      testing::With(SignedHeaders(key, "GET", "/api/v1/accounts"), "KC-API-PASSPHRASE", "x"));
  EXPECT_EQ(refused.code(), "400004");
  EXPECT_TRUE(refused.headers["kc-explain"].empty());
}

// ---- Limits (item 8) ----

TEST(LabLimits, ShowsEachPoolAsTheNextRequestSeesItAndResets) {
  app::Config config;
  config.rate_limit.management = 10;
  LabServer lab(config);
  const TestKey key = lab.NewKey(7401);
  auto pool = [&](const std::string& query, const std::string& name) {
    Reply view = lab.Admin(http::verb::get, "/admin/v1/limits?" + query);
    EXPECT_EQ(view.status, 200u) << view.body;
    for (const json::value& p : view.json.as_object().at("pools").as_array()) {
      if (p.as_object().at("pool").as_string() == name) return p.as_object();
    }
    ADD_FAILURE() << "no pool " << name << " in " << view.body;
    return json::object();
  };
  EXPECT_EQ(pool("uid=7401", "management").at("remaining"), 10);
  // GET /api/v1/accounts weighs 5 in the Management pool.
  Reply accounts = lab.Signed(key, http::verb::get, "/api/v1/accounts");
  ASSERT_EQ(accounts.code(), "200000");
  const json::object management = pool("uid=7401", "management");
  EXPECT_EQ(std::to_string(management.at("remaining").as_int64()),
            std::string(accounts.headers["gw-ratelimit-remaining"]));
  EXPECT_EQ(management.at("limit"), 10);
  EXPECT_GT(management.at("resetMs").as_int64(), 0);
  lab.kucoin().Get("/api/v1/timestamp");
  EXPECT_LT(pool("ip=127.0.0.1", "public").at("remaining").as_int64(),
            config.rate_limit.public_per_ip);
  ASSERT_EQ(lab.Admin(http::verb::post, "/admin/v1/limits/reset").status, 200u);
  EXPECT_EQ(pool("uid=7401", "management").at("remaining"), 10);
  EXPECT_EQ(lab.Admin(http::verb::get, "/admin/v1/limits").status, 400u);
  EXPECT_EQ(lab.Admin(http::verb::get, "/admin/v1/limits?uid=x").status, 400u);
}

}  // namespace
}  // namespace kc
