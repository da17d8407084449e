// The test lab's fault rules on WebSocket sessions (issue 13, item 3) over
// real sockets: push subscribes (kind push), WS API operations (kind wsapi)
// and both services' connects (kind connect), with each action: a code
// answered as that service answers errors, the code after executing, a
// delay, a dropped connection and a close with a notice. The admin API
// refuses rules that cannot apply.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "test_server.h"
#include "ws_test_client.h"
#include "wsapi_sign_in.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using namespace std::chrono_literals;
using testing::ConnectQuery;
using testing::Reply;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::WsTestClient;

std::string S(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

class LabSessions {
 public:
  LabSessions()
      : server_("lab-sessions", [](app::Config& config) { config.admin.listen = "127.0.0.1:0"; }) {
    server_.Start();
  }

  Reply Admin(http::verb method, const std::string& target, const std::string& body = "") {
    return TestClient(*server_.server().admin_endpoint())
        .Send(method, target, {{"Authorization", "Bearer " + server_.server().admin_token()}},
              body);
  }
  void AddFault(const std::string& rule) {
    Reply added = Admin(http::verb::post, "/admin/v1/faults", rule);
    ASSERT_EQ(added.status, 200u) << added.body;
  }
  int64_t Hits() {
    Reply listed = Admin(http::verb::get, "/admin/v1/faults");
    return listed.json.as_array().at(0).as_object().at("hits").as_int64();
  }

  // A funded trading user (admin keys and deposits, as a test suite would).
  TestKey NewTrader(int64_t uid) {
    Reply created = Admin(http::verb::post, "/admin/v1/keys",
                          R"({"uid":)" + std::to_string(uid) + R"(,"permissions":"General,Spot"})");
    EXPECT_EQ(created.status, 200u) << created.body;
    const json::object& key = created.json.as_object();
    Reply deposit = Admin(http::verb::post, "/admin/v1/deposits",
                          R"({"uid":)" + std::to_string(uid) +
                              R"(,"currency":"USDT","amount":"10000","account":"trade"})");
    EXPECT_EQ(deposit.status, 200u) << deposit.body;
    return {S(key.at("apiKey")), S(key.at("secret")), S(key.at("passphrase"))};
  }

  std::unique_ptr<WsTestClient> PublicPush(const std::string& connect_id) {
    Reply bullet =
        TestClient(server_.endpoint()).Send(http::verb::post, "/api/v1/bullet-public", {});
    const std::string token = S(bullet.data().at("token"));
    return std::make_unique<WsTestClient>(server_.endpoint(),
                                          "/?token=" + token + "&connectId=" + connect_id);
  }
  std::unique_ptr<WsTestClient> WsApi(const TestKey& key) {
    return std::make_unique<WsTestClient>(server_.endpoint(), ConnectQuery::For(key).Target());
  }
  std::unique_ptr<WsTestClient> SignedInWsApi(const TestKey& key) {
    auto client = WsApi(key);
    auto welcome = testing::AnswerChallenge(*client, key);
    EXPECT_TRUE(welcome && welcome->find("welcome") != std::string::npos) << welcome.value_or("");
    return client;
  }
  // The order's status over REST ("" when kcgate has no such order).
  std::string OrderStatus(const TestKey& key, const std::string& client_oid) {
    const std::string target = "/api/v1/hf/orders/client-order/" + client_oid + "?symbol=BTC-USDT";
    Reply reply = TestClient(server_.endpoint())
                      .Send(http::verb::get, target, SignedHeaders(key, "GET", target, ""));
    if (reply.code() != "200000" || !reply.data().is_object()) return "";
    return reply.data().as_object().at("active").as_bool() ? "active" : "done";
  }

 private:
  testing::TestServer server_;
};

json::object Subscribe(const std::string& id, const std::string& topic) {
  return {{"id", id}, {"type", "subscribe"}, {"topic", topic}, {"response", true}};
}

json::object Order(const std::string& id, const std::string& client_oid) {
  return {{"id", id},
          {"op", "spot.order"},
          {"args",
           {{"symbol", "BTC-USDT"},
            {"type", "limit"},
            {"side", "buy"},
            {"price", "20000"},
            {"size", "0.001"},
            {"clientOid", client_oid}}}};
}

// ---- push ----

TEST(LabPushFaults, SubscribeCodeIsAnErrorFrameTheSessionSurvivesAndTheRuleRetires) {
  LabSessions lab;
  lab.AddFault(R"({"match":{"kind":"push","topic":"/market/ticker:*"},
                   "action":{"code":"500"},"times":1})");
  auto push = lab.PublicPush("p1");
  EXPECT_EQ(S(push->Read().at("type")), "welcome");
  push->Send(Subscribe("s1", "/market/ticker:BTC-USDT"));
  auto error = push->Read();
  EXPECT_EQ(S(error.at("id")), "s1") << json::serialize(error);
  EXPECT_EQ(S(error.at("type")), "error");
  EXPECT_EQ(error.at("code"), 500);
  EXPECT_EQ(S(error.at("data")), "system error");
  // The session survives; the rule fired once and is retired.
  push->Send(json::object{{"id", "ping1"}, {"type", "ping"}});
  EXPECT_EQ(S(push->Read().at("type")), "pong");
  push->Send(Subscribe("s2", "/market/ticker:BTC-USDT"));
  EXPECT_EQ(S(push->Read().at("type")), "ack");
  EXPECT_EQ(lab.Hits(), 1);
}

TEST(LabPushFaults, OnlyMatchingTopicsAreFaultedAndAfterExecuteSubscribesAnyway) {
  LabSessions lab;
  lab.AddFault(R"({"match":{"kind":"push","topic":"/market/level2:*"},
                   "action":{"after":"execute","code":"509"}})");
  auto push = lab.PublicPush("p2");
  push->Read();  // welcome
  push->Send(Subscribe("t1", "/market/ticker:BTC-USDT"));
  EXPECT_EQ(S(push->Read().at("type")), "ack");  // another topic: untouched
  push->Send(Subscribe("l1", "/market/level2:BTC-USDT"));
  auto error = push->Read();
  EXPECT_EQ(error.at("code"), 509) << json::serialize(error);
  // Subscribed although the client saw an error: unsubscribing it is acked,
  // and subscribing again is not refused as a duplicate of nothing.
  push->Send(json::object{{"id", "u1"},
                          {"type", "unsubscribe"},
                          {"topic", "/market/level2:BTC-USDT"},
                          {"response", true}});
  EXPECT_EQ(S(push->Read().at("type")), "ack");
  EXPECT_EQ(lab.Hits(), 1);
}

TEST(LabPushFaults, CloseSendsTheNoticeThenCloses) {
  LabSessions lab;
  lab.AddFault(R"({"match":{"kind":"push"},"action":{"close":{"code":"501000"}}})");
  auto push = lab.PublicPush("p3");
  push->Read();  // welcome
  push->Send(Subscribe("s1", "/market/ticker:BTC-USDT"));
  auto notice = push->Read();
  EXPECT_EQ(notice.at("code"), 501000) << json::serialize(notice);
  EXPECT_EQ(S(notice.at("data")), "The service has stopped running. Please disconnect: exiting");
  EXPECT_TRUE(push->WaitClosed());
  EXPECT_EQ(push->close_code(), 1000);
}

TEST(LabPushFaults, DisconnectDropsTheSessionWithoutAnAnswer) {
  LabSessions lab;
  lab.AddFault(R"({"match":{"kind":"push"},"action":{"disconnect":true}})");
  auto push = lab.PublicPush("p4");
  push->Read();  // welcome
  push->Send(Subscribe("s1", "/market/ticker:BTC-USDT"));
  EXPECT_FALSE(push->ReadText());
  EXPECT_TRUE(push->closed());
  EXPECT_EQ(push->close_code(), 0);  // no close frame: the socket was dropped
}

TEST(LabPushFaults, ConnectCodeRefusesTheSessionAndDelayHoldsTheWelcome) {
  LabSessions lab;
  lab.AddFault(R"({"match":{"kind":"connect","path":"/"},"action":{"code":"401"},"times":1})");
  auto refused = lab.PublicPush("c1");
  auto error = refused->Read();
  EXPECT_EQ(S(error.at("type")), "error") << json::serialize(error);
  EXPECT_EQ(error.at("code"), 401);
  EXPECT_EQ(S(error.at("data")), "token is invalid");
  EXPECT_TRUE(refused->WaitClosed());

  lab.AddFault(R"({"match":{"kind":"connect"},"action":{"delay_ms":400},"times":1})");
  const auto start = std::chrono::steady_clock::now();
  auto delayed = lab.PublicPush("c2");
  EXPECT_EQ(S(delayed->Read().at("type")), "welcome");
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);
  delayed->Send(Subscribe("s1", "/market/ticker:BTC-USDT"));
  EXPECT_EQ(S(delayed->Read().at("type")), "ack");  // then an ordinary session
}

// ---- WS API ----

TEST(LabWsApiFaults, OperationCodeIsAnsweredByIdAndTheOrderIsNotPlaced) {
  LabSessions lab;
  const TestKey trader = lab.NewTrader(81'001);
  lab.AddFault(R"({"match":{"kind":"wsapi","op":"spot.order"},
                   "action":{"code":"429000"},"times":1})");
  auto ws = lab.SignedInWsApi(trader);
  ws->Send(Order("o1", "lab-ws-1"));
  auto refused = ws->Read();
  EXPECT_EQ(S(refused.at("id")), "o1") << json::serialize(refused);
  EXPECT_EQ(S(refused.at("op")), "spot.order");
  EXPECT_EQ(S(refused.at("code")), "429000");
  EXPECT_EQ(S(refused.at("msg")),
            "Too many requests in a short period. Please retry later.(UID LIMIT)");
  EXPECT_EQ(lab.OrderStatus(trader, "lab-ws-1"), "");  // never executed
  ws->Send(Order("o2", "lab-ws-2"));
  auto placed = ws->Read();
  EXPECT_EQ(S(placed.at("code")), "200000") << json::serialize(placed);
  EXPECT_EQ(lab.OrderStatus(trader, "lab-ws-2"), "active");
}

TEST(LabWsApiFaults, AfterExecuteLeavesTheOrderPlacedThoughTheClientSawAFailure) {
  LabSessions lab;
  const TestKey trader = lab.NewTrader(81'002);
  lab.AddFault(R"({"match":{"kind":"wsapi","op":"spot.order"},
                   "action":{"after":"execute","code":"500000"},"times":1})");
  auto ws = lab.SignedInWsApi(trader);
  ws->Send(Order("o1", "lab-ws-after"));
  auto refused = ws->Read();
  EXPECT_EQ(S(refused.at("code")), "500000") << json::serialize(refused);
  EXPECT_EQ(S(refused.at("id")), "o1");
  EXPECT_EQ(lab.OrderStatus(trader, "lab-ws-after"), "active");
}

TEST(LabWsApiFaults, DelayHoldsTheAnswerThenProceeds) {
  LabSessions lab;
  const TestKey trader = lab.NewTrader(81'003);
  lab.AddFault(R"({"match":{"kind":"wsapi","op":"spot.order"},"action":{"delay_ms":400}})");
  auto ws = lab.SignedInWsApi(trader);
  const auto start = std::chrono::steady_clock::now();
  ws->Send(Order("o1", "lab-ws-delay"));
  auto placed = ws->Read();
  EXPECT_EQ(S(placed.at("code")), "200000") << json::serialize(placed);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 400ms);
  EXPECT_EQ(lab.OrderStatus(trader, "lab-ws-delay"), "active");
}

TEST(LabWsApiFaults, CloseAndDisconnectEndTheSession) {
  LabSessions lab;
  const TestKey trader = lab.NewTrader(81'004);
  lab.AddFault(R"({"match":{"kind":"wsapi","op":"spot.cancel"},
                   "action":{"close":{"code":"501000"}},"times":1})");
  lab.AddFault(R"({"match":{"kind":"wsapi","op":"spot.cancel"},"action":{"disconnect":true}})");
  auto closed = lab.SignedInWsApi(trader);
  closed->Send(json::object{{"id", "c1"},
                            {"op", "spot.cancel"},
                            {"args", {{"symbol", "BTC-USDT"}, {"clientOid", "none"}}}});
  auto notice = closed->Read();
  EXPECT_EQ(S(notice.at("code")), "501000") << json::serialize(notice);
  EXPECT_TRUE(closed->WaitClosed());

  auto dropped = lab.SignedInWsApi(trader);
  dropped->Send(json::object{{"id", "c2"},
                             {"op", "spot.cancel"},
                             {"args", {{"symbol", "BTC-USDT"}, {"clientOid", "none"}}}});
  EXPECT_FALSE(dropped->ReadText());
  EXPECT_TRUE(dropped->closed());
}

TEST(LabWsApiFaults, ConnectCodeRefusesBeforeTheChallenge) {
  LabSessions lab;
  const TestKey trader = lab.NewTrader(81'005);
  lab.AddFault(R"({"match":{"kind":"connect","path":"/v1/private"},
                   "action":{"code":"400003"},"times":1})");
  auto refused = lab.WsApi(trader);
  auto error = refused->Read();
  EXPECT_EQ(S(error.at("code")), "400003") << json::serialize(error);
  EXPECT_EQ(S(error.at("msg")), "KC-API-KEY does not exist.");  // the seed's text
  EXPECT_FALSE(error.contains("sessionId"));
  EXPECT_TRUE(refused->WaitClosed());
  auto ok = lab.SignedInWsApi(trader);  // retired: the next connect signs in
  EXPECT_FALSE(ok->closed());
}

// ---- rules that cannot apply ----

TEST(LabSessionFaults, RulesThatCannotApplyAreRefusedNamingTheField) {
  LabSessions lab;
  Reply no_kind = lab.Admin(http::verb::post, "/admin/v1/faults",
                            R"({"match":{},"action":{"close":{"code":"501000"}}})");
  EXPECT_EQ(no_kind.status, 400u);
  EXPECT_NE(no_kind.body.find("close"), std::string::npos) << no_kind.body;
  Reply connect_after =
      lab.Admin(http::verb::post, "/admin/v1/faults",
                R"({"match":{"kind":"connect"},"action":{"after":"execute","code":"500000"}})");
  EXPECT_EQ(connect_after.status, 400u);
  EXPECT_NE(connect_after.body.find("after"), std::string::npos) << connect_after.body;
  // Push's own codes exist on push sessions only.
  Reply rest_404 = lab.Admin(http::verb::post, "/admin/v1/faults",
                             R"({"match":{"kind":"rest"},"action":{"code":"404"}})");
  EXPECT_EQ(rest_404.status, 400u) << rest_404.body;
  Reply push_404 = lab.Admin(http::verb::post, "/admin/v1/faults",
                             R"({"match":{"kind":"push"},"action":{"code":"404"}})");
  EXPECT_EQ(push_404.status, 200u) << push_404.body;
}

}  // namespace
}  // namespace kc
