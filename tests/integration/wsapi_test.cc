// The WebSocket order API over real sockets: a kcgate server on an ephemeral
// 127.0.0.1 port, keys from its store, funded users, and Beast WebSocket
// clients that connect to /v1/private, sign in and send requests. One test
// per code of the API (connect, sign-in, requests, limits), every operation,
// and agreement with REST and push: an order placed over the WS API is the
// order REST shows and /spotMarket/tradeOrdersV2 reports.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "app/server.h"
#include "core/decimal.h"
#include "engine/command_loop.h"
#include "gateway/query.h"
#include "gateway/signature.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"
#include "ws_test_client.h"
#include "wsapi/service.h"
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

std::string Numbered(std::string_view prefix, long n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

// A JSON string's text ("" for anything else), to compare with std::string.
std::string S(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : ""; }

struct User {
  int64_t uid = 0;
  TestKey key;
};

class WsApiServer {
 public:
  explicit WsApiServer(std::function<void(app::Config&)> configure = {}) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 (Numbered(Numbered("kcgate-wsapi-", ::getpid()) + "-", next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    app::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 2;
    config.demo_key = false;
    if (configure) configure(config);
    server_ = std::make_unique<app::Server>(config);
    endpoint_ = server_->Start();
  }
  ~WsApiServer() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  User NewUser(const std::string& permissions = "General,Spot") {
    static std::atomic<int64_t> next_uid{70'001};
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock_);
    store::NewKey request;
    request.uid = next_uid++;
    request.version = 3;
    request.permissions = *gateway::Permissions::Parse(permissions);
    request.passphrase = Numbered("pass-", request.uid);
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    return {request.uid, {created.api_key, created.secret, created.passphrase}};
  }

  void Deposit(const User& user, const std::string& currency, const std::string& amount) {
    const engine::MarketConfig& markets = server_->engine_loop().exchange().markets();
    const auto id = markets.FindCurrency(currency);
    ASSERT_TRUE(id);
    const auto units = ParseDecimal(amount, markets.currency(*id).precision);
    ASSERT_TRUE(units);
    std::promise<engine::CommandResult> done;
    ASSERT_TRUE(server_->engine_loop().Submit(
        engine::Deposit{static_cast<engine::Uid>(user.uid), *id, engine::AccountType::kTrade,
                        *units},
        [&done](const engine::CommandResult& r, const engine::Exchange&) {
          return [&done, r] { done.set_value(r); };
        }));
    ASSERT_TRUE(done.get_future().get().ok());
  }

  std::unique_ptr<WsTestClient> Connect(const std::string& target) {
    return std::make_unique<WsTestClient>(endpoint_, target);
  }
  // Connected, challenged, signed in and welcomed.
  std::unique_ptr<WsTestClient> SignIn(const TestKey& key, const std::string& extra = "") {
    ConnectQuery query = ConnectQuery::For(key);
    query.extra = extra;
    auto client = Connect(query.Target());
    const auto challenge = client->ReadText();
    if (!challenge) {
      ADD_FAILURE() << "no challenge";
      return client;
    }
    client->Send(gateway::Base64Encode(gateway::HmacSha256(key.secret, {*challenge})));
    auto welcome = client->Read();
    EXPECT_EQ(welcome.at("data"), "welcome") << json::serialize(welcome);
    return client;
  }

  Reply Rest(const User& user, http::verb method, const std::string& target,
             const std::string& body = "") {
    const std::string name(http::to_string(method));
    return TestClient(endpoint_).Send(method, target, SignedHeaders(user.key, name, target, body),
                                      body);
  }

  app::Server& server() { return *server_; }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  SystemClock clock_;
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

json::object Request(const std::string& id, const std::string& op, json::object args) {
  return {{"id", id}, {"op", op}, {"args", std::move(args)}};
}

json::object LimitBuy(const std::string& client_oid, const std::string& price = "30000",
                      const std::string& size = "0.001") {
  return {{"symbol", "BTC-USDT"}, {"type", "limit"}, {"side", "buy"},
          {"price", price},       {"size", size},    {"clientOid", client_oid}};
}

// A connect-time refusal: one error frame with code, msg, inTime, outTime; then close.
void ExpectRefusedAtConnect(WsTestClient& client, const std::string& code) {
  auto frame = client.Read();
  EXPECT_EQ(S(frame.at("code")), code) << json::serialize(frame);
  EXPECT_TRUE(frame.at("msg").is_string());
  EXPECT_TRUE(frame.at("inTime").is_int64());
  EXPECT_TRUE(frame.at("outTime").is_int64());
  EXPECT_FALSE(frame.contains("sessionId"));
  EXPECT_TRUE(client.WaitClosed());
}

// ---- connect ----

TEST(WsApiConnect, ChallengeIsCompactAndBothSigningStylesSignIn) {
  WsApiServer server;
  User user = server.NewUser();
  for (bool reserialize : {false, true}) {
    auto client = server.Connect(ConnectQuery::For(user.key).Target());
    const std::string challenge = *client->ReadText();
    const json::object parsed = json::parse(challenge).as_object();
    ASSERT_EQ(parsed.size(), 2u);
    EXPECT_EQ(challenge.rfind(R"({"sessionId":")", 0), 0u) << challenge;
    EXPECT_EQ(parsed.at("sessionId").as_string().size(), 36u);
    EXPECT_NEAR(static_cast<double>(parsed.at("timestamp").as_int64()),
                static_cast<double>(testing::NowMs()), 5000);
    // What JSON.stringify(JSON.parse(challenge)) gives: the same bytes.
    const std::string signed_text = reserialize ? json::serialize(parsed) : challenge;
    EXPECT_EQ(signed_text, challenge);
    client->Send(gateway::Base64Encode(gateway::HmacSha256(user.key.secret, {signed_text})));
    auto welcome = client->Read();
    EXPECT_EQ(welcome.at("sessionId"), parsed.at("sessionId"));
    EXPECT_EQ(welcome.at("data"), "welcome");
    EXPECT_EQ(welcome.at("pingInterval"), 18000);
    EXPECT_EQ(welcome.at("pingTimeout"), 10000);
    EXPECT_FALSE(welcome.contains("type"));
  }
}

TEST(WsApiConnect, ParametersInAnyOrderAndUnknownPartnerAccepted) {
  WsApiServer server;
  User user = server.NewUser();
  ConnectQuery q = ConnectQuery::For(user.key);
  const std::string target =
      "/v1/private?passphrase=" + testing::EscapeBase64(q.passphrase) +
      "&partner=NODESDK&partner_sign=abc%3D&sign=" + testing::EscapeBase64(q.sign) +
      "&timestamp=" + q.timestamp + "&apikey=" + q.apikey;
  auto client = server.Connect(target);
  const auto challenge = client->ReadText();
  ASSERT_TRUE(challenge);
  client->Send(gateway::Base64Encode(gateway::HmacSha256(user.key.secret, {*challenge})));
  EXPECT_EQ(client->Read().at("data"), "welcome");
}

TEST(WsApiConnect, BadCredentialsGetTheGatewayCodes) {
  WsApiServer server;
  User user = server.NewUser();
  {
    ConnectQuery q = ConnectQuery::For(user.key);
    q.apikey = "no-such-key";
    auto client = server.Connect(q.Target());
    ExpectRefusedAtConnect(*client, "400003");
  }
  {
    ConnectQuery q = ConnectQuery::For(user.key);
    q.sign = gateway::Base64Encode(gateway::HmacSha256(user.key.secret, {"wrong"}));
    auto client = server.Connect(q.Target());
    ExpectRefusedAtConnect(*client, "400005");
  }
  {
    ConnectQuery q = ConnectQuery::For(user.key);
    q.passphrase = gateway::HashPassphrase(user.key.secret, "not-the-passphrase");
    auto client = server.Connect(q.Target());
    ExpectRefusedAtConnect(*client, "400004");
  }
  {
    ConnectQuery q = ConnectQuery::For(user.key, testing::NowMs() - 60'000);
    auto client = server.Connect(q.Target());
    ExpectRefusedAtConnect(*client, "400002");
  }
  {
    auto client = server.Connect("/v1/private");
    ExpectRefusedAtConnect(*client, "400002");
  }
  {
    // A key that may read but not trade.
    User reader = server.NewUser("General");
    auto client = server.Connect(ConnectQuery::For(reader.key).Target());
    ExpectRefusedAtConnect(*client, "400007");
  }
}

TEST(WsApiConnect, SessionsPerKeyAreBounded) {
  WsApiServer server([](app::Config& c) { c.wsapi.max_sessions_per_key = 2; });
  User user = server.NewUser();
  auto first = server.SignIn(user.key);
  auto second = server.SignIn(user.key);
  auto third = server.Connect(ConnectQuery::For(user.key).Target());
  ExpectRefusedAtConnect(*third, "429000");
  // A closed session frees its place.
  first->Close();
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    auto next = server.Connect(ConnectQuery::For(user.key).Target());
    auto frame = next->ReadText();
    admitted = frame && frame->find("sessionId") != std::string::npos;
    if (!admitted) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(admitted);
}

TEST(WsApiConnect, PathAndMessageSizeFromConfig) {
  WsApiServer server([](app::Config& c) {
    c.wsapi.path = "/ws-orders";
    c.wsapi.max_message_bytes = 1000;
  });
  User user = server.NewUser();
  ConnectQuery q = ConnectQuery::For(user.key);
  const std::string target = q.Target();
  auto client = server.Connect("/ws-orders" + target.substr(target.find('?')));
  const std::string challenge = *client->ReadText();
  client->Send(gateway::Base64Encode(gateway::HmacSha256(user.key.secret, {challenge})));
  EXPECT_EQ(client->Read().at("data"), "welcome");
  client->Send(R"({"id":"big","op":"ping","timestamp":")" + std::string(1000, '1') + "\"}");
  EXPECT_TRUE(client->WaitClosed());
  EXPECT_EQ(client->close_code(), 1009);  // message too big
}

// ---- sign-in ----

TEST(WsApiSignIn, WrongAnswerIs400011ThenClose) {
  WsApiServer server;
  User user = server.NewUser();
  auto client = server.Connect(ConnectQuery::For(user.key).Target());
  const std::string challenge = *client->ReadText();
  client->Send(gateway::Base64Encode(gateway::HmacSha256("not-the-secret", {challenge})));
  auto frame = client->Read();
  EXPECT_EQ(frame.at("code"), "400011");
  EXPECT_EQ(frame.at("msg").as_string().find("Session verification failed."), 0u);
  EXPECT_TRUE(client->WaitClosed());
}

TEST(WsApiSignIn, NoAnswerWithinTheWindowIs400012ThenClose) {
  WsApiServer server([](app::Config& c) { c.wsapi.signin_timeout_ms = 300; });
  User user = server.NewUser();
  auto client = server.Connect(ConnectQuery::For(user.key).Target());
  ASSERT_TRUE(client->ReadText());  // the challenge
  auto frame = client->Read(3s);
  EXPECT_EQ(frame.at("code"), "400012");
  EXPECT_EQ(frame.at("msg").as_string().find("Session verification has timed out."), 0u);
  EXPECT_TRUE(client->WaitClosed());
}

TEST(WsApiSignIn, RequestsBeforeSignInAreNeverExecuted) {
  WsApiServer server;
  User user = server.NewUser();
  server.Deposit(user, "USDT", "1000");
  auto client = server.Connect(ConnectQuery::For(user.key).Target());
  ASSERT_TRUE(client->ReadText());
  client->Send(json::serialize(Request("early", "spot.order", LimitBuy("early-1"))));
  EXPECT_EQ(client->Read().at("code"), "400011");
  EXPECT_TRUE(client->WaitClosed());
  auto reply =
      server.Rest(user, http::verb::get, "/api/v1/hf/orders/client-order/early-1?symbol=BTC-USDT");
  EXPECT_EQ(reply.code(), "400100") << reply.body;  // order not exist
}

// ---- requests ----

TEST(WsApiRequests, RequestWithoutIdIs4001002) {
  WsApiServer server;
  User user = server.NewUser();
  auto client = server.SignIn(user.key);
  for (const char* text : {R"({"op":"spot.order","args":{}})", R"({"id":"","op":"ping"})",
                           R"({"id":12,"op":"ping"})"}) {
    client->Send(text);
    auto frame = client->Read();
    EXPECT_EQ(frame.at("code"), "4001002") << text;
    EXPECT_EQ(frame.at("msg"),
              "Please check the param of your request: Field 'id' must be a non-empty string.");
    EXPECT_FALSE(frame.contains("id"));
    EXPECT_FALSE(frame.contains("op"));
    EXPECT_TRUE(frame.contains("inTime"));
  }
}

TEST(WsApiRequests, UnreadableFramesAre420002AndTooManyEndWith420001) {
  WsApiServer server([](app::Config& c) { c.wsapi.max_bad_frames = 3; });
  User user = server.NewUser();
  auto client = server.SignIn(user.key);
  client->Send("not json");
  EXPECT_EQ(client->Read().at("code"), "420002");
  client->SendBinary(R"({"id":"b","op":"ping"})");
  EXPECT_EQ(client->Read().at("code"), "420002");
  // Still serving between errors.
  client->Send(R"({"id":"p","op":"ping","timestamp":1})");
  EXPECT_EQ(client->Read().at("op"), "pong");
  client->Send("[1]");
  EXPECT_EQ(client->Read().at("code"), "420002");
  client->Send("{");
  EXPECT_EQ(client->Read().at("code"), "420002");
  auto last = client->Read();
  EXPECT_EQ(last.at("code"), "420001");
  EXPECT_EQ(last.at("msg"), "Too many errors, disconnected. Please try again later.");
  EXPECT_TRUE(client->WaitClosed());
}

TEST(WsApiRequests, PingsEchoIdAndTimestamp) {
  WsApiServer server;
  User user = server.NewUser();
  auto client = server.SignIn(user.key);
  client->Send(R"({"id":"ping-8","op":"ping","timestamp":"1795593257173"})");
  EXPECT_EQ(*client->ReadText(), R"({"id":"ping-8","op":"pong","timestamp":"1795593257173"})");
  client->Send(R"({ "id" : "ping-9", "op" : "ping", "timestamp" : 1795593257174 })");
  EXPECT_EQ(*client->ReadText(), R"({"id":"ping-9","op":"pong","timestamp":1795593257174})");
}

TEST(WsApiRequests, SilentSessionIsClosed) {
  WsApiServer server([](app::Config& c) {
    c.wsapi.ping_interval_ms = 200;
    c.wsapi.ping_timeout_ms = 200;
  });
  User user = server.NewUser();
  auto quiet = server.SignIn(user.key);
  auto chatty = server.SignIn(user.key);
  const auto deadline = std::chrono::steady_clock::now() + 1200ms;
  while (std::chrono::steady_clock::now() < deadline) {
    chatty->Send(R"({"id":"k","op":"ping"})");
    ASSERT_TRUE(chatty->ReadText()) << "a pinging session stays open";
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(quiet->WaitClosed(2s));
  EXPECT_FALSE(chatty->closed());
}

TEST(WsApiRequests, UnsupportedMarketsAndOpsAreRefusedWithIdAndOp) {
  WsApiServer server;
  User user = server.NewUser();
  auto client = server.SignIn(user.key);
  for (const char* op : {"margin.order", "futures.order", "futures.multi_cancel"}) {
    client->Send(json::serialize(Request("m", op, {})));
    auto frame = client->Read();
    EXPECT_EQ(frame.at("id"), "m");
    EXPECT_EQ(S(frame.at("op")), op);
    EXPECT_EQ(frame.at("code"), "400100");
    EXPECT_NE(frame.at("msg").as_string().find("not supported"), std::string::npos);
    EXPECT_FALSE(frame.contains("data"));
  }
  client->Send(R"({"id":"u","op":"spot.teleport","args":{}})");
  auto unknown = client->Read();
  EXPECT_EQ(unknown.at("code"), "400102");
  EXPECT_EQ(unknown.at("id"), "u");
}

TEST(WsApiRequests, NanosecondTimesWithEnableNs) {
  WsApiServer server;
  User user = server.NewUser();
  auto ms = server.SignIn(user.key);
  auto ns = server.SignIn(user.key, "&enable_ns=true");
  ms->Send(R"({"id":"x","op":"spot.cancel","args":{"symbol":"BTC-USDT","orderId":"nope"}})");
  ns->Send(R"({"id":"x","op":"spot.cancel","args":{"symbol":"BTC-USDT","orderId":"nope"}})");
  const int64_t in_ms = ms->Read().at("inTime").as_int64();
  const int64_t in_ns = ns->Read().at("inTime").as_int64();
  EXPECT_LT(in_ms, int64_t{10'000'000'000'000});
  EXPECT_GT(in_ns, int64_t{1'000'000'000'000'000'000});
}

// ---- operations, and agreement with REST and push ----

class WsApiOrders : public ::testing::Test {
 protected:
  void SetUp() override {
    user_ = server_.NewUser();
    server_.Deposit(user_, "USDT", "1000");
    server_.Deposit(user_, "BTC", "1");
    client_ = server_.SignIn(user_.key);
  }
  json::object Call(const std::string& id, const std::string& op, json::object args) {
    client_->Send(json::serialize(Request(id, op, std::move(args))));
    auto frame = client_->Read();
    EXPECT_EQ(S(frame.at("id")), id) << json::serialize(frame);
    EXPECT_EQ(S(frame.at("op")), op) << json::serialize(frame);
    return frame;
  }
  json::object RestOrder(const std::string& id) {
    auto reply =
        server_.Rest(user_, http::verb::get, "/api/v1/hf/orders/" + id + "?symbol=BTC-USDT");
    EXPECT_EQ(reply.code(), "200000") << reply.body;
    return reply.data().as_object();
  }
  // A push session subscribed to the user's order changes.
  std::unique_ptr<WsTestClient> OrderFeed() {
    auto bullet = server_.Rest(user_, http::verb::post, "/api/v1/bullet-private");
    const std::string token(bullet.data().at("token").as_string());
    auto push =
        std::make_unique<WsTestClient>(server_.endpoint(), "/?token=" + token + "&connectId=feed");
    EXPECT_EQ(push->Read().at("type"), "welcome");
    push->Send(json::object{{"id", "s"},
                            {"type", "subscribe"},
                            {"topic", "/spotMarket/tradeOrdersV2"},
                            {"privateChannel", true},
                            {"response", true}});
    EXPECT_EQ(push->Read().at("type"), "ack");
    return push;
  }
  // The next orderChange of `order_id` on the feed.
  static json::object NextChange(WsTestClient& feed, const std::string& order_id) {
    for (int i = 0; i < 20; ++i) {
      auto message = feed.Read();
      if (message.at("type") != "message") continue;
      const auto& data = message.at("data").as_object();
      if (S(data.at("orderId")) == order_id) return data;
    }
    ADD_FAILURE() << "no change of " << order_id;
    return {};
  }

  WsApiServer server_;
  User user_;
  std::unique_ptr<WsTestClient> client_;
};

TEST_F(WsApiOrders, PlaceAmendCancelAgreeWithRestAndPush) {
  auto feed = OrderFeed();
  auto placed = Call("r1", "spot.order", LimitBuy("ws-1"));
  ASSERT_EQ(placed.at("code"), "200000") << json::serialize(placed);
  const std::string order_id(placed.at("data").at("orderId").as_string());
  EXPECT_EQ(placed.at("data").at("clientOid"), "ws-1");
  const auto& rate = placed.at("userRateLimit").as_object();
  EXPECT_EQ(rate.at("limit"), 4000);
  EXPECT_GT(rate.at("reset").as_int64(), 0);
  EXPECT_LE(placed.at("inTime").as_int64(), placed.at("outTime").as_int64());

  // REST shows the same order, push reported it; the REST query (weight 2)
  // spends from the same pool the WS order did.
  auto reply =
      server_.Rest(user_, http::verb::get, "/api/v1/hf/orders/" + order_id + "?symbol=BTC-USDT");
  EXPECT_EQ(std::string(reply.headers["gw-ratelimit-remaining"]),
            std::to_string(rate.at("remaining").as_int64() - 2));
  auto rest = RestOrder(order_id);
  EXPECT_EQ(rest.at("clientOid"), "ws-1");
  EXPECT_EQ(rest.at("price"), "30000");
  EXPECT_EQ(rest.at("size"), "0.001");
  EXPECT_EQ(rest.at("active"), true);
  auto change = NextChange(*feed, order_id);
  EXPECT_EQ(change.at("clientOid"), "ws-1");

  // Amend: a new order id at the new price, the old one gone.
  auto amended = Call("r2", "spot.modify",
                      {{"symbol", "BTC-USDT"}, {"orderId", order_id}, {"newPrice", "29000"}});
  ASSERT_EQ(amended.at("code"), "200000") << json::serialize(amended);
  const std::string new_id(amended.at("data").at("newOrderId").as_string());
  EXPECT_NE(new_id, order_id);
  EXPECT_EQ(amended.at("data").at("clientOid"), "ws-1");
  EXPECT_EQ(RestOrder(new_id).at("price"), "29000");
  EXPECT_EQ(RestOrder(order_id).at("active"), false);

  // Cancel by clientOid: the answer names what was given.
  auto canceled = Call("r3", "spot.cancel", {{"symbol", "BTC-USDT"}, {"clientOid", "ws-1"}});
  ASSERT_EQ(canceled.at("code"), "200000") << json::serialize(canceled);
  EXPECT_EQ(canceled.at("data"), (json::object{{"clientOid", "ws-1"}}));
  auto after = RestOrder(new_id);
  EXPECT_EQ(after.at("active"), false);
  EXPECT_EQ(after.at("cancelExist"), true);
  for (int i = 0; i < 20; ++i) {
    auto c = NextChange(*feed, new_id);
    if (c.empty() || c.at("type") == "canceled") {
      EXPECT_EQ(c.at("type"), "canceled");
      break;
    }
  }

  // The balance is whole again.
  auto accounts = server_.Rest(user_, http::verb::get, "/api/v1/accounts?currency=USDT&type=trade");
  EXPECT_EQ(accounts.data().as_array()[0].at("available"), "1000") << accounts.body;
}

TEST_F(WsApiOrders, SyncOrderAndSyncCancelByOrderId) {
  auto placed = Call("s1", "spot.sync_order", LimitBuy("sync-1", "31000", "0.002"));
  ASSERT_EQ(placed.at("code"), "200000") << json::serialize(placed);
  const auto& data = placed.at("data").as_object();
  const std::string order_id(data.at("orderId").as_string());
  EXPECT_EQ(data.at("clientOid"), "sync-1");
  EXPECT_EQ(data.at("originSize"), "0.002");
  EXPECT_EQ(data.at("dealSize"), "0");
  EXPECT_EQ(data.at("remainSize"), "0.002");
  EXPECT_EQ(data.at("status"), "open");
  EXPECT_TRUE(data.at("orderTime").is_int64());

  auto canceled = Call("s2", "spot.sync_cancel", {{"symbol", "BTC-USDT"}, {"orderId", order_id}});
  ASSERT_EQ(canceled.at("code"), "200000") << json::serialize(canceled);
  const auto& c = canceled.at("data").as_object();
  EXPECT_EQ(S(c.at("orderId")), order_id);
  EXPECT_EQ(c.at("canceledSize"), "0.002");
  EXPECT_EQ(c.at("remainSize"), "0");
  EXPECT_EQ(c.at("status"), "done");
  EXPECT_EQ(RestOrder(order_id).at("cancelExist"), true);
}

TEST_F(WsApiOrders, RestPlacedOrderCanceledOverWsApi) {
  auto placed = server_.Rest(user_, http::verb::post, "/api/v1/hf/orders",
                             json::serialize(LimitBuy("rest-1")));
  ASSERT_EQ(placed.code(), "200000") << placed.body;
  const std::string order_id(placed.data().at("orderId").as_string());
  auto canceled = Call("c1", "spot.cancel", {{"symbol", "BTC-USDT"}, {"orderId", order_id}});
  EXPECT_EQ(S(canceled.at("data").at("orderId")), order_id);
  EXPECT_EQ(RestOrder(order_id).at("active"), false);
}

TEST_F(WsApiOrders, BusinessRefusalsKeepIdAndOpAndCarryNoData) {
  // More than the balance.
  auto broke = Call("b1", "spot.order", LimitBuy("big", "30000", "1"));
  EXPECT_EQ(broke.at("code"), "200004");
  EXPECT_EQ(broke.at("msg"), "Balance insufficient!");
  EXPECT_FALSE(broke.contains("data"));
  EXPECT_TRUE(broke.contains("userRateLimit"));
  // The same refusals as REST: wrong symbol for the order, unknown order, bad args.
  auto placed = Call("b2", "spot.order", LimitBuy("mine"));
  const std::string order_id(placed.at("data").at("orderId").as_string());
  EXPECT_EQ(Call("b3", "spot.cancel", {{"symbol", "ETH-USDT"}, {"orderId", order_id}}).at("code"),
            "400100");
  EXPECT_EQ(Call("b4", "spot.cancel", {{"symbol", "BTC-USDT"}, {"clientOid", "none"}}).at("code"),
            "400100");
  auto no_symbol = Call("b5", "spot.cancel", {{"orderId", order_id}});
  EXPECT_EQ(no_symbol.at("code"), "400102");
  auto not_object = Call("b6", "spot.order", {});
  EXPECT_EQ(not_object.at("code"), "400102");
  EXPECT_EQ(RestOrder(order_id).at("active"), true);
}

TEST_F(WsApiOrders, CancelOnlyRefusesPlacingAndAmendingButCancels) {
  auto placed = Call("k1", "spot.order", LimitBuy("before"));
  ASSERT_EQ(placed.at("code"), "200000") << json::serialize(placed);
  const std::string order_id(placed.at("data").at("orderId").as_string());
  server_.server().service_state().Set(ServiceStatus::kCancelOnly, "listing");
  for (const auto& [id, op] : {std::pair{"k2", "spot.order"}, std::pair{"k3", "spot.sync_order"}}) {
    auto refused = Call(id, op, LimitBuy(id));
    EXPECT_EQ(refused.at("code"), "126009") << json::serialize(refused);
    EXPECT_EQ(refused.at("msg"), "Trading pair is suspended from creating orders");
  }
  auto amend = Call("k4", "spot.modify",
                    {{"symbol", "BTC-USDT"}, {"orderId", order_id}, {"newPrice", "29000"}});
  EXPECT_EQ(amend.at("code"), "126009") << json::serialize(amend);
  auto canceled = Call("k5", "spot.cancel", {{"symbol", "BTC-USDT"}, {"orderId", order_id}});
  EXPECT_EQ(canceled.at("code"), "200000") << json::serialize(canceled);
  auto active = server_.Rest(user_, http::verb::get, "/api/v1/hf/orders/active?symbol=BTC-USDT");
  EXPECT_TRUE(active.data().is_null() || active.data().as_array().empty()) << active.body;
}

TEST_F(WsApiOrders, PipelinedRequestsAreAnsweredById) {
  std::set<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    const std::string id = Numbered("p", i);
    ids.insert(id);
    client_->Send(json::serialize(Request(id, "spot.order", LimitBuy(Numbered("pipe-", i)))));
  }
  std::set<std::string> answered;
  for (int i = 0; i < 20; ++i) {
    auto frame = client_->Read();
    EXPECT_EQ(frame.at("code"), "200000") << json::serialize(frame);
    answered.insert(std::string(frame.at("id").as_string()));
  }
  EXPECT_EQ(answered, ids);
  auto active = server_.Rest(user_, http::verb::get, "/api/v1/hf/orders/active?symbol=BTC-USDT");
  EXPECT_EQ(active.data().as_array().size(), 20u);
}

// ---- limits ----

TEST(WsApiLimits, UserPoolIsSharedWithRest429000) {
  WsApiServer server([](app::Config& c) { c.rate_limit.spot = 3; });
  User user = server.NewUser();
  server.Deposit(user, "USDT", "1000");
  auto client = server.SignIn(user.key);
  // One REST order (weight 1) and two WS orders spend the pool of 3.
  ASSERT_EQ(
      server.Rest(user, http::verb::post, "/api/v1/hf/orders", json::serialize(LimitBuy("q0")))
          .code(),
      "200000");
  for (int i = 1; i <= 3; ++i) {
    client->Send(
        json::serialize(Request(Numbered("q", i), "spot.order", LimitBuy(Numbered("q", i)))));
    auto frame = client->Read();
    EXPECT_EQ(S(frame.at("id")), Numbered("q", i));
    EXPECT_EQ(frame.at("op"), "spot.order");
    if (i < 3) {
      EXPECT_EQ(frame.at("code"), "200000") << json::serialize(frame);
    } else {
      EXPECT_EQ(frame.at("code"), "429000") << json::serialize(frame);
      EXPECT_EQ(frame.at("userRateLimit").at("remaining"), 0);
    }
  }
  // And REST now finds the pool spent too.
  EXPECT_EQ(
      server.Rest(user, http::verb::post, "/api/v1/hf/orders", json::serialize(LimitBuy("q9")))
          .code(),
      "429000");
  auto rest =
      server.Rest(user, http::verb::get, "/api/v1/hf/orders/client-order/q3?symbol=BTC-USDT");
  EXPECT_EQ(rest.code(), "429000");  // (General reads share the Spot pool as well)
}

TEST(WsApiLimits, ConnectionShare429002) {
  WsApiServer server([](app::Config& c) { c.rate_limit.per_connection = 2; });
  User user = server.NewUser();
  server.Deposit(user, "USDT", "1000");
  auto first = server.SignIn(user.key);
  auto second = server.SignIn(user.key);
  for (int i = 0; i < 3; ++i) {
    first->Send(
        json::serialize(Request(Numbered("c", i), "spot.order", LimitBuy(Numbered("c", i)))));
    auto frame = first->Read();
    EXPECT_EQ(frame.at("code"), i < 2 ? "200000" : "429002") << json::serialize(frame);
    EXPECT_EQ(S(frame.at("id")), Numbered("c", i));
  }
  // The other connection has its own share.
  second->Send(json::serialize(Request("d", "spot.order", LimitBuy("d"))));
  EXPECT_EQ(second->Read().at("code"), "200000");
}

// ---- the registry ----

// The 501000 notice, then the close.
void ExpectStoppedAndClosed(WsTestClient& client) {
  auto frame = client.Read();
  EXPECT_EQ(frame.at("code"), "501000");
  EXPECT_EQ(frame.at("msg"), "The service has stopped running. Please disconnect: exiting");
  EXPECT_TRUE(client.WaitClosed());
}

TEST(WsApiRegistry, CloseAllSendsTheCodeAndCloses) {
  WsApiServer server;
  User user = server.NewUser();
  auto a = server.SignIn(user.key);
  auto b = server.SignIn(user.key);
  auto pending = server.Connect(ConnectQuery::For(user.key).Target());
  ASSERT_TRUE(pending->ReadText());  // challenged, not signed in
  EXPECT_EQ(server.server().wsapi_service().session_count(), 3u);
  server.server().wsapi_service().CloseAll(Error(ErrorCode::kServiceStopped));
  for (WsTestClient* client : {a.get(), b.get(), pending.get()}) ExpectStoppedAndClosed(*client);
}

TEST(WsApiRegistry, MaintenanceOnARunningServerNotifiesAndClosesSessions) {
  WsApiServer server;
  User user = server.NewUser();
  auto client = server.SignIn(user.key);
  server.server().service_state().Set(ServiceStatus::kClose, "maintenance");
  ExpectStoppedAndClosed(*client);
}

TEST(WsApiRegistry, ClosedServiceRefusesNewSessionsWith501000) {
  WsApiServer server;
  User user = server.NewUser();
  server.server().service_state().Set(ServiceStatus::kClose, "maintenance");
  auto client = server.Connect(ConnectQuery::For(user.key).Target());
  ExpectRefusedAtConnect(*client, "501000");
}

}  // namespace
}  // namespace kc
