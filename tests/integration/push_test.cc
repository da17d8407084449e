// The WebSocket push service over real sockets: a kcgate server on an
// ephemeral 127.0.0.1 port, bullet tokens from its REST routes, real
// WebSocket connections (Beast), and frames published through the server's
// Publisher. One test per WebSocket error code of the seed, plus keep-alive,
// acks, delivery semantics and the fan-out's limits.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <thread>

#include "app/server.h"
#include "push/hub.h"
#include "push/service.h"
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
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::WsTestClient;

// Polls `probe` until it holds or `timeout` passes.
// "p" + number, built without operator+ (which trips gcc 12's -Wrestrict at -O3).
std::string Numbered(std::string_view prefix, long n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

push::Frame MakeFrame(const std::string& topic, const std::string& subject, int n) {
  json::object message{{"type", "message"},
                       {"topic", topic},
                       {"subject", subject},
                       {"data", json::object{{"n", n}}}};
  return std::make_shared<const std::string>(json::serialize(message));
}

// One kcgate with the given push options, its own data directory and keys.
class PushServer {
 public:
  explicit PushServer(push::Options options = {}, const Clock* clock = nullptr) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 (Numbered(Numbered("kcgate-push-", ::getpid()) + "-", next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    app::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 2;
    config.demo_key = false;
    config.push = std::move(options);
    server_ = std::make_unique<app::Server>(config, clock);
    endpoint_ = server_->Start();
  }
  ~PushServer() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  TestKey CreateKey(int64_t uid, const std::string& permissions = "General") {
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock_);
    store::NewKey request;
    request.uid = uid;
    request.permissions = *gateway::Permissions::Parse(permissions);
    request.passphrase = Numbered("pass-", uid);
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    return {created.api_key, created.secret, created.passphrase};
  }

  testing::Reply BulletPublic(const std::string& body = "") {
    return TestClient(endpoint_).Send(http::verb::post, "/api/v1/bullet-public", {}, body);
  }
  testing::Reply BulletPrivate(const TestKey& key, const std::string& body = "") {
    return TestClient(endpoint_).Send(http::verb::post, "/api/v1/bullet-private",
                                      SignedHeaders(key, "POST", "/api/v1/bullet-private", body),
                                      body);
  }
  std::string PublicToken() {
    auto reply = BulletPublic();
    return std::string(reply.data().at("token").as_string());
  }
  std::string PrivateToken(const TestKey& key) {
    auto reply = BulletPrivate(key);
    return std::string(reply.data().at("token").as_string());
  }

  std::unique_ptr<WsTestClient> Connect(const std::string& token,
                                        const std::string& connect_id = "c1") {
    return std::make_unique<WsTestClient>(endpoint_,
                                          "/?token=" + token + "&connectId=" + connect_id);
  }
  // Connected and welcomed.
  std::unique_ptr<WsTestClient> Open(const std::string& token, const std::string& connect_id) {
    auto client = Connect(token, connect_id);
    auto welcome = client->Read();
    EXPECT_EQ(welcome.at("type").as_string(), "welcome");
    EXPECT_EQ(welcome.at("id").as_string(), connect_id);
    return client;
  }

  push::Publisher& publisher() { return server_->push_service().publisher(); }
  push::Hub& hub() { return server_->push_service().hub(); }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  SystemClock clock_;
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

json::object Subscribe(const std::string& id, const std::string& topic, bool response = true) {
  return {{"id", id},
          {"type", "subscribe"},
          {"topic", topic},
          {"privateChannel", false},
          {"response", response}};
}

void ExpectError(const json::object& frame, const std::string& id, int code,
                 const std::string& data) {
  EXPECT_EQ(frame.at("type").as_string(), "error") << json::serialize(frame);
  EXPECT_EQ(frame.at("id").as_string(), id) << json::serialize(frame);
  EXPECT_EQ(frame.at("code").as_int64(), code) << json::serialize(frame);
  EXPECT_EQ(frame.at("data").as_string(), data) << json::serialize(frame);
}

// The server answers a ping with a pong of the same id: proves the session
// is alive and that nothing else was queued before it.
// With skip_data, data messages of topics subscribed earlier (the first
// ticker a new subscriber gets on the feed's next tick) may come first.
void ExpectAlive(WsTestClient& client, const std::string& id = "alive", bool skip_data = false) {
  client.Send(json::object{{"id", id}, {"type", "ping"}});
  auto pong = client.Read();
  while (skip_data && pong.at("type").as_string() == "message") pong = client.Read();
  EXPECT_EQ(pong.at("type").as_string(), "pong") << json::serialize(pong);
  EXPECT_EQ(pong.at("id").as_string(), id);
}

// The next frame that is not a data message, as text.
std::string ReadSkippingData(WsTestClient& client) {
  for (;;) {
    auto text = client.ReadText();
    if (!text) return "";  // timed out
    if (json::parse(*text).as_object().at("type").as_string() != "message") return *text;
  }
}

// ---- bullet tokens ----

TEST(PushBullet, PublicTokenWithTheInstanceServerOfTheBoundAddress) {
  PushServer server;
  for (const std::string body : {"", "{}"}) {
    auto reply = server.BulletPublic(body);
    ASSERT_EQ(reply.status, 200u) << reply.body;
    EXPECT_EQ(reply.code(), "200000");
    const auto& data = reply.data().as_object();
    const std::string token(data.at("token").as_string());
    EXPECT_GE(token.size(), 40u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    const auto& servers = data.at("instanceServers").as_array();
    ASSERT_EQ(servers.size(), 1u);
    const auto& instance = servers[0].as_object();
    EXPECT_EQ(instance.at("endpoint").as_string(),
              Numbered("ws://127.0.0.1:", server.endpoint().port()) + "/");
    EXPECT_EQ(instance.at("encrypt").as_bool(), false);
    EXPECT_EQ(instance.at("protocol").as_string(), "websocket");
    EXPECT_EQ(instance.at("pingInterval").as_int64(), 18000);
    EXPECT_EQ(instance.at("pingTimeout").as_int64(), 10000);
  }
  EXPECT_NE(server.PublicToken(), server.PublicToken());
  EXPECT_EQ(server.BulletPublic("not json").code(), "400101");
}

TEST(PushBullet, ConfiguredEndpointAndEncryptForWss) {
  push::Options options;
  options.endpoint = "wss://push.example.com/endpoint";
  options.ping_interval_ms = 5000;
  PushServer server(options);
  auto reply = server.BulletPublic();
  const auto& instance = reply.data().at("instanceServers").as_array()[0].as_object();
  EXPECT_EQ(instance.at("endpoint").as_string(), "wss://push.example.com/endpoint");
  EXPECT_EQ(instance.at("encrypt").as_bool(), true);
  EXPECT_EQ(instance.at("pingInterval").as_int64(), 5000);
}

TEST(PushBullet, PrivateTokenNeedsASignedRequest) {
  PushServer server;
  const TestKey key = server.CreateKey(2001);
  auto reply = server.BulletPrivate(key);
  ASSERT_EQ(reply.code(), "200000") << reply.body;
  EXPECT_FALSE(reply.data().at("token").as_string().empty());
  EXPECT_EQ(server.BulletPrivate(key, "{}").code(), "200000");
  auto unsigned_reply =
      TestClient(server.endpoint()).Send(http::verb::post, "/api/v1/bullet-private", {}, "");
  EXPECT_EQ(unsigned_reply.code(), "400401");
  EXPECT_EQ(unsigned_reply.status, 401u);
}

// ---- connecting ----

TEST(PushConnect, WelcomeCarriesTheConnectId) {
  PushServer server;
  auto client = server.Connect(server.PublicToken(), "my-connect_id.1");
  auto welcome = client->Read();
  EXPECT_EQ(json::serialize(welcome), R"({"id":"my-connect_id.1","type":"welcome"})");
  // The old path KuCoin used is served too.
  WsTestClient legacy(server.endpoint(),
                      "/endpoint?token=" + server.PublicToken() + "&connectId=x");
  EXPECT_EQ(legacy.Read().at("type").as_string(), "welcome");
}

TEST(PushConnect, InvalidMissingOrExpiredTokenIs401ThenClose) {
  ManualClock clock(testing::NowMs());
  PushServer server({}, &clock);
  const std::string good = server.PublicToken();
  std::string tampered = good;
  tampered[5] = tampered[5] == 'a' ? 'b' : 'a';
  for (const std::string& token : {std::string(), std::string("nonsense"), tampered}) {
    auto client = server.Connect(token, "bad");
    ExpectError(client->Read(), "bad", 401, "token is invalid");
    EXPECT_TRUE(client->WaitClosed()) << token;
  }
  WsTestClient no_query(server.endpoint(), "/");
  auto frame = no_query.Read();
  EXPECT_EQ(frame.at("code").as_int64(), 401);
  EXPECT_TRUE(no_query.WaitClosed());

  clock.Advance(24 * 60 * 60 * 1000 - 1);
  server.Open(good, "still-valid");
  clock.Advance(1);
  auto expired = server.Connect(good, "expired");
  ExpectError(expired->Read(), "expired", 401, "token is invalid");
  EXPECT_TRUE(expired->WaitClosed());
}

TEST(PushConnect, SessionsPerUserAreLimited) {
  push::Options options;
  options.max_sessions_per_user = 2;
  PushServer server(options);
  const TestKey key = server.CreateKey(3001);
  const TestKey other = server.CreateKey(3002);
  auto first = server.Open(server.PrivateToken(key), "s1");
  auto second = server.Open(server.PrivateToken(key), "s2");
  auto third = server.Connect(server.PrivateToken(key), "s3");
  ExpectError(third->Read(), "s3", 509, "exceed max session count limitation of 50");
  EXPECT_TRUE(third->WaitClosed());
  // Another user, and public sessions, are not affected.
  auto other_user = server.Open(server.PrivateToken(other), "o1");
  auto anonymous = server.Open(server.PublicToken(), "p1");
  // A closed session frees its place.
  first->Close();
  ASSERT_TRUE(Eventually([&] { return server.hub().connections() == 3; }));
  auto again = server.Open(server.PrivateToken(key), "s4");
  ExpectAlive(*again);
}

TEST(PushConnect, ServiceBusyAtCapacity) {
  push::Options options;
  options.max_connections = 2;
  PushServer server(options);
  auto a = server.Open(server.PublicToken(), "a");
  auto b = server.Open(server.PublicToken(), "b");
  auto c = server.Connect(server.PublicToken(), "c");
  ExpectError(c->Read(), "c", 509, "service busy, please retry later");
  EXPECT_TRUE(c->WaitClosed());
  b->Close();
  ASSERT_TRUE(Eventually([&] { return server.hub().connections() == 1; }));
  auto d = server.Open(server.PublicToken(), "d");
  ExpectAlive(*d);
}

TEST(PushConnect, NotAWebSocketHandshakeIsAnHttpAnswer) {
  PushServer server;
  // A plain GET of "/" is just an unknown REST route.
  auto reply = TestClient(server.endpoint()).Get("/");
  EXPECT_EQ(reply.code(), "400001");
  // An upgrade without Sec-WebSocket-Key is refused by the handshake.
  auto raw = TestClient(server.endpoint())
                 .SendRaw(
                     "GET /?token=x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n"
                     "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(raw.status, 400u);
}

// ---- keep-alive ----

TEST(PushKeepAlive, PongEchoesTheIdVerbatim) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "k");
  client->Send(R"({"id":"1545910590801","type":"ping"})");
  EXPECT_EQ(client->ReadText(), R"({"id":"1545910590801","type":"pong"})");
  client->Send(R"({"id":"/market/ticker@@BTC-USDT \"q\"","type":"ping"})");
  EXPECT_EQ(client->Read().at("id").as_string(), "/market/ticker@@BTC-USDT \"q\"");
  client->Send(R"({"id":1545910590802,"type":"ping"})");
  EXPECT_EQ(client->Read().at("id").as_string(), "1545910590802");
}

TEST(PushKeepAlive, ProtocolPingsAreAnswered) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "k");
  client->ProtocolPing("hello");
  ExpectAlive(*client);  // the pong control frame arrives before the JSON pong
  ASSERT_EQ(client->pongs().size(), 1u);
  EXPECT_EQ(client->pongs()[0], "hello");
}

TEST(PushKeepAlive, SilentSessionGetsPingTimeoutThenClose) {
  push::Options options;
  options.ping_interval_ms = 300;
  options.ping_timeout_ms = 200;
  PushServer server(options);
  const auto token = server.PublicToken();
  // Started before the silent session opens, so the server's timer cannot
  // have started earlier than the stopwatch (a slow machine opens slowly).
  const auto start = std::chrono::steady_clock::now();
  auto silent = server.Open(token, "silent");
  auto talker = server.Open(server.PublicToken(), "talker");
  std::optional<json::object> timeout_frame;
  std::chrono::steady_clock::duration waited{};
  bool closed = false;
  std::thread watcher([&] {
    if (auto text = silent->ReadText(3s)) timeout_frame = json::parse(*text).as_object();
    waited = std::chrono::steady_clock::now() - start;
    closed = silent->WaitClosed();
  });
  // The talker pings every 100 ms and outlives the silent one.
  while (std::chrono::steady_clock::now() - start < 1200ms) {
    ExpectAlive(*talker, "t");
    std::this_thread::sleep_for(100ms);
  }
  watcher.join();
  ASSERT_TRUE(timeout_frame);
  ExpectError(*timeout_frame, "silent", 400, "ping timeout");
  EXPECT_GE(waited, 500ms);
  EXPECT_LT(waited, 1500ms);
  EXPECT_TRUE(closed);
  ExpectAlive(*talker);
}

// ---- commands ----

TEST(PushCommands, AckOnlyWhenResponseIsTrueWithTheIdVerbatim) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "cmd");
  client->Send(Subscribe("/market/ticker@@BTC-USDT,ETH-USDT", "/market/ticker:BTC-USDT,ETH-USDT"));
  EXPECT_EQ(client->ReadText(), R"({"id":"/market/ticker@@BTC-USDT,ETH-USDT","type":"ack"})");
  client->Send(Subscribe("quiet", "/market/match:BTC-USDT", false));
  ExpectAlive(*client, "alive", /*skip_data=*/true);
  client->Send(R"({"id":42,"type":"subscribe","topic":"/market/level2:BTC-USDT","response":true})");
  EXPECT_EQ(ReadSkippingData(*client), R"({"id":"42","type":"ack"})");
  client->Send(json::object{{"id", "u1"},
                            {"type", "unsubscribe"},
                            {"topic", "/market/ticker:BTC-USDT"},
                            {"response", true}});
  EXPECT_EQ(ReadSkippingData(*client), R"({"id":"u1","type":"ack"})");
  // kucoin-node-sdk: "private" and "privateChannel", no "response" on unsubscribe.
  client->Send(
      R"({"id":"n1","type":"unsubscribe","topic":"/market/match:BTC-USDT","private":false,"privateChannel":false})");
  ExpectAlive(*client, "alive", /*skip_data=*/true);
}

TEST(PushCommands, TopicErrors) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "topics");
  client->Send(R"({"id":"e1","type":"subscribe","response":true})");
  ExpectError(client->Read(), "e1", 406, "topic is required");
  client->Send(Subscribe("e2", ""));
  ExpectError(client->Read(), "e2", 406, "topic is required");
  client->Send(Subscribe("e3", "/market/ticker"));
  ExpectError(client->Read(), "e3", 400, "topic is invalid");
  client->Send(Subscribe("e4", "/market/ticker:BTC-USDT,,ETH-USDT"));
  ExpectError(client->Read(), "e4", 400, "topic is invalid");
  client->Send(R"({"id":"e5","type":"subscribe","topic":7})");
  ExpectError(client->Read(), "e5", 400, "topic is invalid");
  client->Send(Subscribe("e6", "/market/nonsense:BTC-USDT"));
  ExpectError(client->Read(), "e6", 404, "topic does not exist");
  client->Send(Subscribe("e7", "/market/ticker:BTC-USDT,NOPE-USDT"));
  ExpectError(client->Read(), "e7", 404, "topic does not exist");
  client->Send(Subscribe("e8", "/spotMarket/tradeOrdersV2"));
  ExpectError(client->Read(), "e8", 403, "login is required");
  client->Send(Subscribe("e9", "/account/balance"));
  ExpectError(client->Read(), "e9", 403, "login is required");
  ExpectAlive(*client);
}

TEST(PushCommands, AtMost100TopicsPerCommand) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "many");
  std::string topic = "/market/ticker:";
  for (int i = 0; i < 101; ++i) {
    if (i) topic += ',';
    topic += Numbered("SYM", i);
  }
  client->Send(Subscribe("m1", topic));
  ExpectError(client->Read(), "m1", 509,
              "exceed max subscription count limitation of 100 per time");
  ExpectAlive(*client);
}

TEST(PushCommands, TopicsPerSessionAreLimited) {
  push::Options options;
  options.max_topics_per_session = 4;
  PushServer server(options);
  auto client = server.Open(server.PublicToken(), "limit");
  client->Send(Subscribe("a", "/market/ticker:BTC-USDT,ETH-USDT,SOL-USDT"));
  EXPECT_EQ(client->Read().at("type").as_string(), "ack");
  // Already subscribed topics do not count twice.
  client->Send(Subscribe("b", "/market/ticker:BTC-USDT,KCS-USDT"));
  EXPECT_EQ(client->Read().at("type").as_string(), "ack");
  client->Send(Subscribe("c", "/market/match:BTC-USDT"));
  ExpectError(client->Read(), "c", 509,
              "exceed max subscription count limitation of 300 per session");
  // Nothing of a refused command was subscribed; unsubscribing frees room.
  client->Send(json::object{{"id", "d"},
                            {"type", "unsubscribe"},
                            {"topic", "/market/ticker:KCS-USDT"},
                            {"response", true}});
  EXPECT_EQ(client->Read().at("type").as_string(), "ack");
  client->Send(Subscribe("e", "/market/match:BTC-USDT"));
  EXPECT_EQ(client->Read().at("type").as_string(), "ack");
}

TEST(PushCommands, UnknownCommandTypeIs415) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "types");
  client->Send(R"({"id":"t1","type":"dance"})");
  ExpectError(client->Read(), "t1", 415, "command type is invalid");
  client->Send(R"({"id":"t2"})");
  ExpectError(client->Read(), "t2", 415, "command type is invalid");
  ExpectAlive(*client);
}

TEST(PushCommands, MalformedFramesGetAnErrorAndTheSessionSurvives) {
  PushServer server;
  auto client = server.Open(server.PublicToken(), "junk");
  for (const std::string junk : {"{", "not json", "[1,2,3]", "", "\"ping\""}) {
    client->Send(junk);
    ExpectError(client->Read(), "junk", 420002, "Error receiving data.");
  }
  client->SendBinary(std::string("\x00\xff\x10", 3));
  ExpectError(client->Read(), "junk", 420002, "Error receiving data.");
  ExpectAlive(*client);
}

TEST(PushCommands, MessagesPerWindowAreLimited) {
  push::Options options;
  options.max_messages_per_window = 5;
  options.message_window_ms = 60'000;
  PushServer server(options);
  auto client = server.Open(server.PublicToken(), "rate");
  for (int i = 0; i < 5; ++i) ExpectAlive(*client, Numbered("p", i));
  client->Send(json::object{{"id", "p5"}, {"type", "ping"}});
  ExpectError(client->Read(), "p5", 509, "exceed max permits per second");
  client->Send(Subscribe("s6", "/market/ticker:BTC-USDT"));
  ExpectError(client->Read(), "s6", 509, "exceed max permits per second");
}

TEST(PushCommands, TooManyErrorsDisconnectWith420001) {
  push::Options options;
  options.max_errors_per_window = 3;
  PushServer server(options);
  auto client = server.Open(server.PublicToken(), "err");
  for (int i = 0; i < 3; ++i) {
    client->Send(json::object{{"id", Numbered("x", i)}, {"type", "dance"}});
    ExpectError(client->Read(), Numbered("x", i), 415, "command type is invalid");
  }
  client->Send(json::object{{"id", "x3"}, {"type", "dance"}});
  ExpectError(client->Read(), "x3", 415, "command type is invalid");
  ExpectError(client->Read(), "err", 420001,
              "Too many errors, disconnected. Please try again later.");
  EXPECT_TRUE(client->WaitClosed());
}

// ---- delivery ----

TEST(PushDelivery, EachExactTopicReachesItsSubscribersOnly) {
  PushServer server;
  auto pair = server.Open(server.PublicToken(), "pair");
  auto all = server.Open(server.PublicToken(), "all");
  auto match = server.Open(server.PublicToken(), "match");
  pair->Send(Subscribe("1", "/market/ticker:BTC-USDT,ETH-USDT"));
  all->Send(Subscribe("2", "/market/ticker:all"));
  match->Send(Subscribe("3", "/market/match:BTC-USDT"));
  for (auto* client : {pair.get(), all.get(), match.get()}) {
    EXPECT_EQ(client->Read().at("type").as_string(), "ack");
  }
  auto& publisher = server.publisher();
  ASSERT_TRUE(Eventually([&] { return publisher.HasSubscribers("/market/ticker:ETH-USDT"); }));
  EXPECT_TRUE(publisher.HasSubscribers("/market/ticker:all"));
  EXPECT_FALSE(publisher.HasSubscribers("/market/ticker:SOL-USDT"));
  EXPECT_FALSE(publisher.HasSubscribers("/market/ticker:BTC-USDT,ETH-USDT"));

  auto btc = MakeFrame("/market/ticker:BTC-USDT", "trade.ticker", 1);
  auto eth = MakeFrame("/market/ticker:ETH-USDT", "trade.ticker", 2);
  auto sol = MakeFrame("/market/ticker:SOL-USDT", "trade.ticker", 3);
  auto every = MakeFrame("/market/ticker:all", "BTC-USDT", 4);
  auto trade = MakeFrame("/market/match:BTC-USDT", "trade.l3match", 5);
  publisher.Publish("/market/ticker:BTC-USDT", 0, btc);
  publisher.Publish("/market/ticker:SOL-USDT", 0, sol);
  publisher.Publish("/market/ticker:ETH-USDT", 0, eth);
  publisher.Publish("/market/ticker:all", 0, every);
  publisher.Publish("/market/match:BTC-USDT", 0, trade);

  EXPECT_EQ(pair->ReadText(), *btc);  // the same bytes, in publish order
  EXPECT_EQ(pair->ReadText(), *eth);
  EXPECT_EQ(all->ReadText(), *every);
  EXPECT_EQ(match->ReadText(), *trade);
  for (auto* client : {pair.get(), all.get(), match.get()}) ExpectAlive(*client);

  pair->Send(json::object{{"id", "u"},
                          {"type", "unsubscribe"},
                          {"topic", "/market/ticker:BTC-USDT"},
                          {"response", true}});
  EXPECT_EQ(pair->Read().at("type").as_string(), "ack");
  publisher.Publish("/market/ticker:BTC-USDT", 0, btc);
  publisher.Publish("/market/ticker:ETH-USDT", 0, eth);
  EXPECT_EQ(pair->ReadText(), *eth);
  EXPECT_FALSE(publisher.HasSubscribers("/market/ticker:BTC-USDT"));
}

TEST(PushDelivery, PrivateTopicsReachOnlyTheirUser) {
  PushServer server;
  const TestKey alice = server.CreateKey(4001);
  const TestKey bob = server.CreateKey(4002);
  auto a = server.Open(server.PrivateToken(alice), "alice");
  auto b = server.Open(server.PrivateToken(bob), "bob");
  for (auto* client : {a.get(), b.get()}) {
    client->Send(json::object{{"id", "p"},
                              {"type", "subscribe"},
                              {"topic", "/account/balance"},
                              {"privateChannel", true},
                              {"response", true}});
    EXPECT_EQ(client->Read().at("type").as_string(), "ack");
  }
  auto& publisher = server.publisher();
  EXPECT_TRUE(publisher.HasSubscribers("/account/balance", 4001));
  EXPECT_FALSE(publisher.HasSubscribers("/account/balance", 4003));
  EXPECT_FALSE(publisher.HasSubscribers("/account/balance", 0));
  auto for_alice = MakeFrame("/account/balance", "account.balance", 1);
  auto for_bob = MakeFrame("/account/balance", "account.balance", 2);
  publisher.Publish("/account/balance", 4001, for_alice);
  publisher.Publish("/account/balance", 4002, for_bob);
  EXPECT_EQ(a->ReadText(), *for_alice);
  EXPECT_EQ(b->ReadText(), *for_bob);
  ExpectAlive(*a);
  ExpectAlive(*b);
}

TEST(PushDelivery, ManySessionsOnEveryLoopGetEveryMessageInOrder) {
  PushServer server;
  std::vector<std::unique_ptr<WsTestClient>> clients;
  for (int i = 0; i < 24; ++i) {
    clients.push_back(server.Open(server.PublicToken(), Numbered("m", i)));
    clients.back()->Send(Subscribe("s", "/market/level2:BTC-USDT"));
    EXPECT_EQ(clients.back()->Read().at("type").as_string(), "ack");
  }
  std::vector<push::Frame> frames;
  for (int n = 0; n < 300; ++n) {
    frames.push_back(MakeFrame("/market/level2:BTC-USDT", "trade.l2update", n));
    server.publisher().Publish("/market/level2:BTC-USDT", 0, frames.back());
  }
  for (auto& client : clients) {
    for (const auto& frame : frames) ASSERT_EQ(client->ReadText(), *frame);
  }
}

TEST(PushDelivery, AConsumerTooFarBehindIsDisconnected) {
  push::Options options;
  options.send_queue_bytes = 256 * 1024;
  PushServer server(options);
  auto slow = server.Open(server.PublicToken(), "slow");
  auto other = server.Open(server.PublicToken(), "other");
  slow->Send(Subscribe("s", "/market/level2:ETH-USDT"));
  EXPECT_EQ(slow->Read().at("type").as_string(), "ack");
  // The slow client reads nothing: 64 MB is far more than the socket buffers
  // and its queue limit hold.
  const auto frame = std::make_shared<const std::string>(
      R"({"type":"message","topic":"/market/level2:ETH-USDT","data":")" +
      std::string(16 * 1024, 'x') + "\"}");
  for (int i = 0; i < 4096 && server.hub().connections() == 2; ++i) {
    server.publisher().Publish("/market/level2:ETH-USDT", 0, frame);
    if (i % 64 == 0) std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(Eventually([&] { return server.hub().connections() == 1; }));
  EXPECT_FALSE(server.publisher().HasSubscribers("/market/level2:ETH-USDT"));
  ExpectAlive(*other);
}

TEST(PushDelivery, SubscribeUnsubscribeAndDisconnectRaceWithPublishes) {
  PushServer server;
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    auto frame = MakeFrame("/market/match:SOL-USDT", "trade.l3match", 0);
    while (!stop) server.publisher().Publish("/market/match:SOL-USDT", 0, frame);
  });
  for (int round = 0; round < 30; ++round) {
    auto client = server.Open(server.PublicToken(), Numbered("r", round));
    client->Send(Subscribe("s", "/market/match:SOL-USDT", false));
    client->Send(R"({"id":"u","type":"unsubscribe","topic":"/market/match:SOL-USDT"})");
    client->Send(Subscribe("s2", "/market/match:SOL-USDT", false));
    if (round % 2) client->Close();
  }
  stop = true;
  publisher.join();
  EXPECT_TRUE(Eventually([&] { return server.hub().connections() == 0; }, 10s));
  EXPECT_FALSE(server.publisher().HasSubscribers("/market/match:SOL-USDT"));
}

}  // namespace
}  // namespace kc
