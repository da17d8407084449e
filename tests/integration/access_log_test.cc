// The access log over real sockets (issue 11, item 3): one JSON line per
// answered request and per push / WS API session opened or closed, to a
// rotated file or stdout, or nothing; never a secret, passphrase, signature
// or whole API key.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/access_log.h"
#include "gateway/permission.h"
#include "gateway/signature.h"
#include "test_client.h"
#include "test_server.h"
#include "ws_test_client.h"

namespace kc {
namespace {

namespace http = boost::beast::http;
namespace json = boost::json;
using testing::SignedHeaders;
using testing::TestClient;
using testing::TestKey;
using testing::TestServer;
using testing::WsTestClient;

std::string S(const json::value& value) { return std::string(value.as_string()); }

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<json::object> JsonLines(const std::string& text) {
  std::vector<json::object> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    boost::system::error_code ec;
    json::value parsed = json::parse(line, ec);
    EXPECT_FALSE(ec) << "not JSON: " << line;
    EXPECT_TRUE(parsed.is_object()) << line;
    if (!ec && parsed.is_object()) lines.push_back(parsed.as_object());
  }
  return lines;
}

// The first line with `field` == `value` (and the given type), or an empty object.
json::object Find(const std::vector<json::object>& lines, const std::string& type,
                  const std::string& field, const std::string& value) {
  for (const auto& line : lines) {
    if (line.at("type") == type.c_str() && line.contains(field) && line.at(field).is_string() &&
        S(line.at(field)) == value) {
      return line;
    }
  }
  return {};
}

std::string PercentEncode(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

TEST(AccessLog, RequestsAndSessionsAreJsonLinesWithoutSecrets) {
  TestServer server("access-log", [](app::Config& config) {
    config.access_log.output = app::AccessLogConfig::Output::kFile;
  });
  const TestKey key = server.Key(
      7, gateway::Permissions(gateway::Permission::kGeneral).Add(gateway::Permission::kSpot));
  TestClient client(server.Start());
  std::vector<std::string> secrets = {key.secret, key.passphrase, key.api_key,
                                      gateway::HashPassphrase(key.secret, key.passphrase)};

  // A signed private read, a public read, an unknown path, a bad signature.
  const auto signed_headers = SignedHeaders(key, "GET", "/api/v1/user/api-key");
  for (const auto& [name, value] : signed_headers) {
    if (name == "KC-API-SIGN") secrets.push_back(value);
  }
  ASSERT_EQ(client.Get("/api/v1/user/api-key", signed_headers).code(), "200000");
  ASSERT_EQ(client.Get("/api/v1/timestamp?probe=1").code(), "200000");
  ASSERT_EQ(client.Get("/api/v1/nowhere").code(), "400001");
  auto forged = testing::With(SignedHeaders(key, "GET", "/api/v1/accounts"), "KC-API-SIGN",
                              gateway::Base64Encode(std::string(32, 'x')));
  ASSERT_EQ(client.Get("/api/v1/accounts", forged).code(), "400005");

  // A public push session, opened and closed by the client.
  auto bullet = client.Send(http::verb::post, "/api/v1/bullet-public", {});
  const std::string token = S(bullet.data().at("token"));
  secrets.push_back(token);
  {
    WsTestClient push(server.endpoint(), "/?token=" + token + "&connectId=log-1");
    ASSERT_EQ(push.Read().at("type"), "welcome");
    push.Close();
  }
  // A WS API connect with a wrong signature: refused, its query never logged.
  const std::string timestamp = std::to_string(testing::NowMs());
  const std::string wrong_sign =
      gateway::Base64Encode(gateway::HmacSha256("not the secret", {key.api_key, timestamp}));
  {
    WsTestClient wsapi(server.endpoint(),
                       "/v1/private?apikey=" + key.api_key + "&timestamp=" + timestamp +
                           "&sign=" + PercentEncode(wrong_sign) + "&passphrase=" +
                           PercentEncode(gateway::HashPassphrase(key.secret, key.passphrase)));
    EXPECT_EQ(wsapi.Read().at("code"), "400005");
    EXPECT_TRUE(wsapi.WaitClosed());
  }
  secrets.push_back(wrong_sign);
  // Every line is written once the server is gone (the log flushes on close).
  server.Destroy();

  const std::string text = ReadFile(std::filesystem::path(server.data_dir()) / "access.log");
  for (const auto& secret : secrets) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "a secret in the access log: " << secret;
  }
  const auto lines = JsonLines(text);

  auto mine = Find(lines, "request", "path", "/api/v1/user/api-key");
  ASSERT_FALSE(mine.empty()) << text;
  EXPECT_EQ(mine.at("method"), "GET");
  EXPECT_EQ(mine.at("client"), "127.0.0.1");
  EXPECT_EQ(mine.at("route"), "/api/v1/user/api-key");
  EXPECT_EQ(mine.at("uid"), 7);
  EXPECT_EQ(S(mine.at("key")), key.api_key.substr(0, 8));
  EXPECT_EQ(mine.at("status"), 200);
  EXPECT_EQ(mine.at("code"), "200000");
  EXPECT_GE(mine.at("latency_us").as_int64(), 0);
  EXPECT_GT(mine.at("response_bytes").as_int64(), 20);
  EXPECT_EQ(S(mine.at("time")).size(), std::string("2026-12-07T20:41:00.123Z").size());

  auto pub = Find(lines, "request", "path", "/api/v1/timestamp");
  ASSERT_FALSE(pub.empty());
  EXPECT_EQ(pub.at("query"), "probe=1");
  EXPECT_FALSE(pub.contains("uid"));

  auto lost = Find(lines, "request", "path", "/api/v1/nowhere");
  ASSERT_FALSE(lost.empty());
  EXPECT_EQ(lost.at("code"), "400001");
  EXPECT_EQ(lost.at("status"), 404);
  EXPECT_EQ(lost.at("route"), "");

  auto refused = Find(lines, "request", "code", "400005");
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused.at("path"), "/api/v1/accounts");
  EXPECT_EQ(refused.at("status"), 401);

  auto opened = Find(lines, "session", "event", "open");
  ASSERT_FALSE(opened.empty()) << text;
  EXPECT_EQ(opened.at("service"), "push");
  EXPECT_EQ(opened.at("session"), "log-1");
  auto closed = Find(lines, "session", "reason", "closed by the client");
  ASSERT_FALSE(closed.empty()) << text;
  EXPECT_EQ(closed.at("service"), "push");
  EXPECT_GE(closed.at("duration_ms").as_int64(), 0);

  bool wsapi_refusal_logged = false;
  for (const auto& line : lines) {
    if (line.at("type") == "session" && line.at("service") == "wsapi") {
      EXPECT_EQ(line.at("event"), "close");
      EXPECT_EQ(S(line.at("reason")).substr(0, 6), "400005") << json::serialize(line);
      wsapi_refusal_logged = true;
    }
  }
  EXPECT_TRUE(wsapi_refusal_logged) << text;
}

TEST(AccessLog, OffByDefaultWritesNothing) {
  TestServer server("access-log-off");
  TestClient client(server.Start());
  ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  server.Destroy();
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(server.data_dir()) / "access.log"));
}

TEST(AccessLog, FileRotatesAtMaxBytesKeepingMaxFiles) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kcgate-access-rotate-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  TestServer server("access-log-rotate", [&](app::Config& config) {
    config.access_log.output = app::AccessLogConfig::Output::kFile;
    config.access_log.path = (dir / "edge.log").string();
    config.access_log.max_bytes = 4096;
    config.access_log.max_files = 2;
  });
  TestClient client(server.Start());
  for (int i = 0; i < 120; ++i) ASSERT_EQ(client.Get("/api/v1/timestamp").code(), "200000");
  server.Destroy();
  EXPECT_TRUE(std::filesystem::exists(dir / "edge.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "edge.1.log"));
  EXPECT_TRUE(std::filesystem::exists(dir / "edge.2.log"));
  EXPECT_FALSE(std::filesystem::exists(dir / "edge.3.log"));
  EXPECT_LE(std::filesystem::file_size(dir / "edge.1.log"), 4096u);
  std::filesystem::remove_all(dir);
}

TEST(AccessLog, StdoutOutput) {
  ::testing::internal::CaptureStdout();
  {
    TestServer server("access-log-stdout", [](app::Config& config) {
      config.access_log.output = app::AccessLogConfig::Output::kStdout;
    });
    TestClient client(server.Start());
    ASSERT_EQ(client.Get("/api/v1/timestamp?stdout=1").code(), "200000");
  }
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find(R"("path":"/api/v1/timestamp","query":"stdout=1")"), std::string::npos) << out;
}

TEST(AccessLog, QueryValuesThatCarryCredentialsAreRedacted) {
  EXPECT_EQ(app::RedactQuery("symbol=BTC-USDT&token=abc&Sign=x%2B&passphrase=p&n=1"),
            "symbol=BTC-USDT&token=REDACTED&Sign=REDACTED&passphrase=REDACTED&n=1");
  EXPECT_EQ(app::RedactQuery("apikey=k&secret=s&partner_sign=q&flag"),
            "apikey=REDACTED&secret=REDACTED&partner_sign=REDACTED&flag");
  EXPECT_EQ(app::RedactQuery(""), "");
}

}  // namespace
}  // namespace kc
