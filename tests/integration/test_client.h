// A blocking HTTP/1.1 client for the integration tests, and a KuCoin request
// signer that builds the KC-API-* headers the way real clients do.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/signature.h"

namespace kc::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  unsigned status = 0;
  std::string body;
  boost::json::value json;  // null when the body is not JSON
  boost::beast::http::fields headers;
  std::string code() const {
    const auto* object = json.if_object();
    if (!object || !object->contains("code")) return "";
    return std::string(object->at("code").as_string());
  }
  std::string msg() const {
    const auto* object = json.if_object();
    if (!object || !object->contains("msg")) return "";
    return std::string(object->at("msg").as_string());
  }
  const boost::json::value& data() const { return json.as_object().at("data"); }
};

class TestClient {
 public:
  explicit TestClient(boost::asio::ip::tcp::endpoint endpoint) : endpoint_(endpoint) {}

  Reply Send(boost::beast::http::verb method, const std::string& target, const Headers& headers,
             const std::string& body = "") {
    namespace http = boost::beast::http;
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.connect(endpoint_);
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.insert(name, value);
    if (!body.empty() || method == http::verb::post) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
      request.prepare_payload();
    }
    http::write(stream, request);
    return ReadReply(stream);
  }

  // Writes raw bytes (malformed requests) and reads one answer.
  Reply SendRaw(const std::string& bytes) {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.connect(endpoint_);
    boost::asio::write(stream, boost::asio::buffer(bytes));
    return ReadReply(stream);
  }

  boost::asio::ip::tcp::endpoint endpoint() const { return endpoint_; }

  Reply Get(const std::string& target, const Headers& headers = {}) {
    return Send(boost::beast::http::verb::get, target, headers);
  }

 private:
  static Reply ReadReply(boost::beast::tcp_stream& stream) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    stream.expires_after(std::chrono::seconds(10));
    http::read(stream, buffer, response);
    Reply reply{response.result_int(), response.body(), {}, response.base()};
    boost::system::error_code ec;
    reply.json = boost::json::parse(reply.body, ec);
    return reply;
  }

  boost::asio::ip::tcp::endpoint endpoint_;
};

struct TestKey {
  std::string api_key;
  std::string secret;
  std::string passphrase;
};

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The headers a client with `key` sends, signing `signed_path` (defaults to the
// target) at `timestamp_ms`, with KC-API-KEY-VERSION `version` ("" = no header).
inline Headers SignedHeaders(const TestKey& key, const std::string& method,
                             const std::string& signed_path, const std::string& body = "",
                             const std::string& version = "3", int64_t timestamp_ms = NowMs()) {
  const std::string timestamp = std::to_string(timestamp_ms);
  Headers headers = {
      {"KC-API-KEY", key.api_key},
      {"KC-API-SIGN", gateway::SignRequest(key.secret, timestamp, method, signed_path, body)},
      {"KC-API-TIMESTAMP", timestamp},
      {"KC-API-PASSPHRASE", version == "2" || version == "3"
                                ? gateway::HashPassphrase(key.secret, key.passphrase)
                                : key.passphrase},
  };
  if (!version.empty()) headers.emplace_back("KC-API-KEY-VERSION", version);
  return headers;
}

// Replaces (or with an empty value, keeps but empties) one header.
inline Headers With(Headers headers, const std::string& name, const std::string& value) {
  for (auto& [key, current] : headers) {
    if (key == name) current = value;
  }
  return headers;
}

inline Headers Without(Headers headers, const std::string& name) {
  std::erase_if(headers, [&](const auto& header) { return header.first == name; });
  return headers;
}

// Polls `probe` until it holds or `timeout` passes; its last answer. For
// state another thread changes (a server applying a status, counting a frame).
template <typename Probe>
bool Eventually(Probe probe, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return probe();
}

}  // namespace kc::testing
