// An in-process kcgate for socket tests: a fresh data directory under /tmp,
// port 0 on loopback, no demo key or market maker unless the test's config
// asks; keys created straight in the store. New tests use this instead of a
// copy of their own (older tests still carry theirs).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "app/server.h"
#include "core/clock.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"

namespace kc::testing {

class TestServer {
 public:
  // `name` names the data directory (kcgate-NAME-PID-N).
  TestServer(const std::string& name, const std::function<void(app::Config&)>& configure = {}) {
    static std::atomic<int> next{0};
    data_dir_ =
        (std::filesystem::temp_directory_path() /
         ("kcgate-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
            .string();
    std::filesystem::remove_all(data_dir_);
    app::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 1;
    config.demo_key = false;
    config.market_maker.enabled = false;
    if (configure) configure(config);
    server_ = std::make_unique<app::Server>(config);
  }
  ~TestServer() {
    Destroy();
    std::filesystem::remove_all(data_dir_);
  }

  boost::asio::ip::tcp::endpoint Start() { return endpoint_ = server_->Start(); }
  // Stops and destroys the server (its files stay until this object goes).
  void Destroy() {
    if (server_) server_->Stop();
    server_.reset();
  }

  TestKey Key(int64_t uid, gateway::Permissions permissions = gateway::Permission::kGeneral,
              int version = 3) {
    SystemClock clock;
    store::KeyAdmin admin(server_->database_path(), server_->secret_box(), clock);
    store::NewKey request;
    request.uid = uid;
    request.version = version;
    request.permissions = permissions;
    request.passphrase = "pass-" + std::to_string(uid);
    auto created = admin.Create(request);
    server_->key_directory().Refresh();
    return {created.api_key, created.secret, created.passphrase};
  }

  app::Server& server() { return *server_; }
  const std::string& data_dir() const { return data_dir_; }
  boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

 private:
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

}  // namespace kc::testing
