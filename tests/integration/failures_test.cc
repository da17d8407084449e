// Failure modes over real sockets (issue 10): 400008 for version 1 and 2 keys
// under each [auth] v3_only setting, and 504000 when the engine has not
// answered within [engine] deadline_ms.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <thread>

#include "api/engine_calls.h"
#include "app/server.h"
#include "gateway/call.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;

constexpr char kApiKeyPath[] = "/api/v1/user/api-key";
constexpr char kAccountsPath[] = "/api/v1/accounts";

class FailureServer {
 public:
  explicit FailureServer(app::Config config) {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-failures-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 1;
    config.demo_key = false;
    config.market_maker.enabled = false;
    server_ = std::make_unique<app::Server>(config);
  }
  ~FailureServer() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  TestKey Key(int64_t uid, int version) {
    SystemClock clock;
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock);
    store::NewKey request;
    request.uid = uid;
    request.version = version;
    request.passphrase = "pass-" + std::to_string(uid);
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    return {created.api_key, created.secret, created.passphrase};
  }
  TestClient Start() { return TestClient(server_->Start()); }
  app::Server& server() { return *server_; }

 private:
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
};

testing::Reply SignedGet(TestClient& client, const TestKey& key, int version,
                         const std::string& path) {
  return client.Get(path, SignedHeaders(key, "GET", path, "", std::to_string(version)));
}

constexpr char kV3Message[] =
    "V1 & V2 API keys are no longer supported by this API. Please create a V3 API key.";

TEST(V3Only, ListedMarksConfiguredFamilies) {
  app::Config config;
  config.v3_only_paths = {"/api/v1/accounts"};
  FailureServer server(config);
  const TestKey v1 = server.Key(6001, 1);
  const TestKey v2 = server.Key(6002, 2);
  const TestKey v3 = server.Key(6003, 3);
  TestClient client = server.Start();
  for (auto [key, version] : {std::pair{v1, 1}, std::pair{v2, 2}}) {
    auto refused = SignedGet(client, key, version, kAccountsPath);
    EXPECT_EQ(refused.status, 403u) << refused.body;
    EXPECT_EQ(refused.code(), "400008");
    EXPECT_EQ(refused.msg(), kV3Message);
    // Routes outside the listed family still take older keys.
    EXPECT_EQ(SignedGet(client, key, version, kApiKeyPath).status, 200u);
  }
  EXPECT_EQ(SignedGet(client, v3, 3, kAccountsPath).code(), "200000");
}

TEST(V3Only, AllRefusesOlderKeysEverywhereAndNoneNowhere) {
  app::Config all;
  all.v3_only = gateway::V3Only::kAll;
  FailureServer strict(all);
  const TestKey v2 = strict.Key(6101, 2);
  const TestKey v3 = strict.Key(6102, 3);
  TestClient client = strict.Start();
  EXPECT_EQ(SignedGet(client, v2, 2, kApiKeyPath).code(), "400008");
  EXPECT_EQ(SignedGet(client, v2, 2, kAccountsPath).code(), "400008");
  EXPECT_EQ(SignedGet(client, v3, 3, kApiKeyPath).status, 200u);
  EXPECT_EQ(client.Get("/api/v1/timestamp").status, 200u);  // public routes need no key

  app::Config none;
  none.v3_only = gateway::V3Only::kNone;
  none.v3_only_paths = {"/api/v1/accounts"};
  FailureServer lax(none);
  const TestKey v1 = lax.Key(6103, 1);
  TestClient lax_client = lax.Start();
  EXPECT_EQ(SignedGet(lax_client, v1, 1, kAccountsPath).code(), "200000");
}

// The engine busy past [engine] deadline_ms: 504000 "Gateway timeout." (a
// query that holds the engine thread stands for a slow engine).
TEST(EngineDeadline, UnansweredPastTheDeadlineIs504000) {
  app::Config config;
  config.engine_deadline_ms = 100;
  FailureServer server(config);
  server.server().routes().Add({.method = http::verb::get,
                                .pattern = "/api/v1/probe/slow-engine",
                                .access = gateway::Access::kPublic,
                                .permission = gateway::Permission::kNone,
                                .handler = [&server](const std::shared_ptr<gateway::Call>& call) {
                                  api::QueryEngine(
                                      server.server().engine_loop(), call,
                                      [](const engine::Exchange&) {
                                        std::this_thread::sleep_for(600ms);
                                        return 0;
                                      },
                                      [](int) { return gateway::ApiResponse::Ok("\"late\""); });
                                }});
  TestClient client = server.Start();
  auto reply = client.Get("/api/v1/probe/slow-engine");
  EXPECT_EQ(reply.status, 504u) << reply.body;
  EXPECT_EQ(reply.code(), "504000");
  EXPECT_EQ(reply.msg(), "Gateway timeout.");
  // Once the engine is free again it answers in time.
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(client.Get("/api/v1/timestamp").status, 200u);
}

}  // namespace
}  // namespace kc
