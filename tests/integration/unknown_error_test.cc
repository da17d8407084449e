// 505000 "Unknown error." (issue 10, item 5): the pipeline's last-resort
// answer when a handler throws something that is not a std::exception
// (nothing in kcgate throws such; third-party code might). 500000 covers
// std::exception (gateway_test). The call id goes to the log, the server
// lives on.
#include <gtest/gtest.h>

#include <filesystem>

#include "app/server.h"
#include "gateway/call.h"
#include "gateway/route_table.h"
#include "test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;

TEST(UnknownError, NonStandardExceptionIs505000AndTheServerLivesOn) {
  const std::string data_dir =
      (std::filesystem::temp_directory_path() / ("kcgate-505-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(data_dir);
  app::Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = data_dir;
  config.threads = 1;
  config.demo_key = false;
  config.market_maker.enabled = false;
  auto server = std::make_unique<app::Server>(config);
  server->routes().Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/probe/throw-int",
       .access = gateway::Access::kPublic,
       .permission = gateway::Permission::kNone,
       .handler = [](const std::shared_ptr<gateway::Call>&) -> void { throw 42; }});
  testing::TestClient client(server->Start());
  const auto reply = client.Get("/api/v1/probe/throw-int");
  EXPECT_EQ(reply.status, 500u) << reply.body;
  EXPECT_EQ(reply.code(), "505000");
  EXPECT_EQ(reply.msg(), "Unknown error.");
  EXPECT_EQ(client.Get("/api/v1/timestamp").status, 200u);
  server->Stop();
  server.reset();
  std::filesystem::remove_all(data_dir);
}

}  // namespace
}  // namespace kc
