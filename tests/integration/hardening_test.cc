// Hostile traffic over real sockets (issue 10, item 7): request smuggling
// through Transfer-Encoding, Expect: 100-continue, absolute-form targets,
// malformed WebSocket text and binary frames, and accept() running out of
// file descriptors. Each test starts its own server on 127.0.0.1.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <regex>
#include <thread>

#include "app/server.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "test_client.h"
#include "ws_test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;
using testing::SignedHeaders;
using testing::TestClient;
using testing::WsTestClient;

class HardenedServer {
 public:
  HardenedServer() {
    static std::atomic<int> next{0};
    data_dir_ = (std::filesystem::temp_directory_path() /
                 ("kcgate-hardening-" + std::to_string(::getpid()) + "-" + std::to_string(next++)))
                    .string();
    std::filesystem::remove_all(data_dir_);
    app::Config config;
    config.listen = "127.0.0.1:0";
    config.data_dir = data_dir_;
    config.threads = 1;
    config.demo_key = false;
    config.market_maker.enabled = false;
    server_ = std::make_unique<app::Server>(config);
  }
  ~HardenedServer() {
    server_->Stop();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }
  boost::asio::ip::tcp::endpoint Start() { return endpoint_ = server_->Start(); }
  app::Server& server() { return *server_; }
  const boost::asio::ip::tcp::endpoint& endpoint() const { return endpoint_; }

 private:
  std::string data_dir_;
  std::unique_ptr<app::Server> server_;
  boost::asio::ip::tcp::endpoint endpoint_;
};

// A plain blocking socket: the tests below need to see bytes exactly as the
// server sends them, and one of them must not open any other descriptor.
class RawConnection {
 public:
  RawConnection() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool Connect(const boost::asio::ip::tcp::endpoint& endpoint) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(endpoint.port());
    address.sin_addr.s_addr = htonl(endpoint.address().to_v4().to_uint());
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  void Write(std::string_view bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Whatever arrives until the peer closes or nothing comes for `quiet`.
  std::string ReadUntilQuiet(std::chrono::milliseconds quiet = 500ms) {
    timeval timeout{static_cast<time_t>(quiet.count() / 1000),
                    static_cast<suseconds_t>(quiet.count() % 1000 * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string out;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = n == 0;
        return out;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
  }
  // One whole response (head plus Content-Length body), waiting up to 5 s.
  std::string ReadResponse() {
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string out;
    char buffer[4096];
    for (;;) {
      const size_t head_end = out.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::smatch match;
        const std::string head = out.substr(0, head_end);
        size_t length = 0;
        if (std::regex_search(head, match, std::regex("Content-Length: (\\d+)"))) {
          length = std::stoul(match[1]);
        }
        if (out.size() >= head_end + 4 + length) return out;
      }
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return out;
      out.append(buffer, static_cast<size_t>(n));
    }
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool closed_ = false;
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string TimestampRequest(std::string_view target = "/api/v1/timestamp") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

TEST(HttpHardening, TransferEncodingNotEndingInChunkedIs400AndCloses) {
  HardenedServer server;
  server.Start();
  for (const std::string coding : {"xchunked", "gzip", "chunked, identity", "identity"}) {
    RawConnection connection;
    ASSERT_TRUE(connection.Connect(server.endpoint()));
    // The "body" is a second request: it must never be answered.
    const std::string smuggled = TimestampRequest();
    connection.Write(
        "POST /api/v1/bullet-public HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: " + coding +
        "\r\n\r\n" + smuggled);
    const std::string answer = connection.ReadUntilQuiet();
    EXPECT_EQ(answer.rfind("HTTP/1.1 400 ", 0), 0u) << coding << ": " << answer;
    EXPECT_NE(answer.find(R"("code":"400101")"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_EQ(Count(answer, "HTTP/1.1 "), 1u) << coding << ": the body ran as a request";
    EXPECT_TRUE(connection.closed()) << coding;
  }
  // A real chunked body still works.
  RawConnection chunked;
  ASSERT_TRUE(chunked.Connect(server.endpoint()));
  chunked.Write(
      "POST /api/v1/bullet-public HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: "
      "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  const std::string answer = chunked.ReadResponse();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer;
}

TEST(HttpHardening, ExpectContinueGetsTheInterim100) {
  HardenedServer server;
  server.Start();
  RawConnection connection;
  ASSERT_TRUE(connection.Connect(server.endpoint()));
  connection.Write(
      "POST /api/v1/bullet-public HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
      "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n");
  // The client sends its body only after the 100.
  EXPECT_EQ(connection.ReadUntilQuiet(300ms), "HTTP/1.1 100 Continue\r\n\r\n");
  connection.Write("{}");
  const std::string answer = connection.ReadResponse();
  EXPECT_EQ(answer.rfind("HTTP/1.1 200 ", 0), 0u) << answer;
  EXPECT_NE(answer.find(R"("token")"), std::string::npos) << answer;
}

TEST(HttpHardening, AbsoluteFormTargetsAreRouted) {
  HardenedServer server;
  server.Start();
  SystemClock clock;
  store::KeyAdmin admin(server.server().database_path(), server.server().secret_box(), clock);
  store::NewKey request;
  request.uid = 4242;
  auto created = admin.Create(request);
  server.server().key_directory().Refresh();
  TestClient client(server.endpoint());
  const std::string host = "http://127.0.0.1:" + std::to_string(server.endpoint().port());
  auto time = client.Get(host + "/api/v1/timestamp");
  EXPECT_EQ(time.status, 200u) << time.body;
  EXPECT_TRUE(time.data().is_int64()) << time.body;
  // A signed request: the client signs the origin-form path, as a proxy-aware
  // client does.
  const testing::TestKey key{created.api_key, created.secret, created.passphrase};
  auto me =
      client.Get(host + "/api/v1/user/api-key", SignedHeaders(key, "GET", "/api/v1/user/api-key"));
  EXPECT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.data().at("uid").as_int64(), 4242);
}

std::string PublicToken(const boost::asio::ip::tcp::endpoint& endpoint) {
  auto reply = TestClient(endpoint).Send(http::verb::post, "/api/v1/bullet-public", {});
  return std::string(reply.data().at("token").as_string());
}

TEST(PushHardening, InvalidUtf8TextClosesWith1007) {
  HardenedServer server;
  server.Start();
  WsTestClient client(server.endpoint(),
                      "/?token=" + PublicToken(server.endpoint()) + "&connectId=u8");
  ASSERT_EQ(client.Read().at("type").as_string(), "welcome");
  client.Send(std::string(R"({"id":"p1","type":"ping","x":")") + "\xc0\xaf" + "\"}");
  EXPECT_TRUE(client.WaitClosed());
  EXPECT_EQ(client.close_code(), 1007);
}

TEST(PushHardening, BinaryFramesAreNotReadAsCommands) {
  HardenedServer server;
  server.Start();
  WsTestClient client(server.endpoint(),
                      "/?token=" + PublicToken(server.endpoint()) + "&connectId=bin");
  ASSERT_EQ(client.Read().at("type").as_string(), "welcome");
  // A valid ping, but binary: not a command.
  client.SendBinary(R"({"id":"p1","type":"ping"})");
  auto error = client.Read();
  EXPECT_EQ(error.at("type").as_string(), "error");
  EXPECT_EQ(error.at("code").as_int64(), 420002);
  // The session survives and text commands still work.
  client.Send(R"({"id":"p2","type":"ping"})");
  auto pong = client.Read();
  EXPECT_EQ(pong.at("type").as_string(), "pong");
  EXPECT_EQ(pong.at("id").as_string(), "p2");
}

// Counts the server's "accept failed" warnings and keeps their text.
class AcceptWarnings final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::vector<std::string> lines() {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override {
    std::string text(message.payload.data(), message.payload.size());
    if (text.find("accept failed") != std::string::npos) lines_.push_back(std::move(text));
  }
  void flush_() override {}

 private:
  std::vector<std::string> lines_;
};

TEST(HttpHardening, AcceptOutOfDescriptorsBacksOffAndKeepsServing) {
  auto warnings = std::make_shared<AcceptWarnings>();
  spdlog::default_logger()->sinks().push_back(warnings);
  HardenedServer server;
  server.Start();
  RawConnection open_before;  // an existing keep-alive connection
  ASSERT_TRUE(open_before.Connect(server.endpoint()));
  open_before.Write(TimestampRequest());
  ASSERT_EQ(open_before.ReadResponse().rfind("HTTP/1.1 200 ", 0), 0u);
  RawConnection waiting;  // its descriptor exists before the table fills
  // Under UBSan the first check of each dynamic type opens a pipe, which
  // cannot work once descriptors run out: meet those types now.
  ASSERT_TRUE(warnings->lines().empty());
  spdlog::info("hardening test: {} {} {}", std::strerror(EMFILE), uint64_t{1}, int64_t{50});

  // Fill this process's descriptor table (a low soft limit keeps it small).
  rlimit original{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &original), 0);
  rlimit low = original;
  low.rlim_cur = std::min<rlim_t>(original.rlim_cur, 512);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;
  for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) fillers.push_back(fd);
  ASSERT_EQ(errno, EMFILE);

  // The kernel completes the handshake; the server's accept() fails (EMFILE).
  ASSERT_TRUE(waiting.Connect(server.endpoint()));
  waiting.Write(TimestampRequest());
  // Wait for the second warning: it reports how many retries the last
  // second took (about 1000 / 50 with the back-off, ~10^5 spinning).
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (warnings->lines().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  // Meanwhile the open connection is served.
  open_before.Write(TimestampRequest());
  const std::string served = open_before.ReadResponse();

  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &original), 0);
  EXPECT_EQ(served.rfind("HTTP/1.1 200 ", 0), 0u) << served;

  const auto lines = warnings->lines();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_LE(lines.size(), 6u);  // at most one a second
  std::smatch match;
  ASSERT_TRUE(std::regex_search(lines[1], match, std::regex("\\((\\d+) failures")));
  EXPECT_LE(std::stoul(match[1]), 60u) << lines[1];
  EXPECT_NE(lines[0].find("Too many open files"), std::string::npos) << lines[0];

  // With descriptors free again, the waiting connection is accepted and served.
  EXPECT_EQ(waiting.ReadResponse().rfind("HTTP/1.1 200 ", 0), 0u);
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), warnings), sinks.end());
}

}  // namespace
}  // namespace kc
