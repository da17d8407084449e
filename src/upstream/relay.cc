#include "upstream/relay.h"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "upstream/safe_path.h"

namespace kc::upstream {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(std::shared_ptr<gateway::Call> call, std::shared_ptr<ConnectionPool> pool,
           std::shared_ptr<const UpstreamOptions> options)
      : call_(std::move(call)),
        pool_(std::move(pool)),
        options_(std::move(options)),
        deadline_(std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(options_->timeout_ms)) {
    const net::HttpRequest& in = call_->request();
    request_.method(in.method());
    request_.target(in.target());
    request_.version(11);
    request_.set(http::field::host, options_->address);
    if (auto type = in.find(http::field::content_type); type != in.end()) {
      request_.set(http::field::content_type, type->value());
    }
    if (const gateway::ApiKey* key = call_->api_key()) {
      request_.set(kUidHeader, std::to_string(key->uid));
      request_.set(kApiKeyHeader, key->key);
    }
    request_.set(kRequestIdHeader, std::to_string(call_->id()));
    request_.body() = in.body();
    request_.prepare_payload();
    request_.keep_alive(true);
  }

  void Start() {
    pool_->Acquire(call_->executor(), deadline_,
                   [self = shared_from_this()](std::unique_ptr<Connection> connection) {
                     self->OnConnection(std::move(connection));
                   });
  }

 private:
  void OnConnection(std::unique_ptr<Connection> connection) {
    if (!connection) return Finish(beast::error::timeout, "waiting for a free connection");
    connection_ = std::move(connection);
    beast::tcp_stream& stream = connection_->stream;
    stream.expires_at(deadline_);
    if (stream.socket().is_open()) return Write();
    stream.async_connect(pool_->endpoints(), [self = shared_from_this()](beast::error_code ec,
                                                                         const auto& /*endpoint*/) {
      if (ec) return self->Finish(ec, "connect");
      self->Write();
    });
  }

  void Write() {
    http::async_write(connection_->stream, request_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Finish(ec, "write");
                        self->Read();
                      });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(options_->max_response_bytes);
    if (request_.method() == http::verb::head) parser_->skip(true);
    http::async_read(connection_->stream, connection_->buffer, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Finish(ec, "read");
                       self->Answer();
                     });
  }

  void Answer() {
    http::response<http::string_body> response = parser_->release();
    ++connection_->requests;
    connection_->stream.expires_never();
    // Stray bytes after the answer: the connection cannot be trusted again.
    const bool reusable = response.keep_alive() && connection_->buffer.size() == 0;
    pool_->Release(std::move(connection_), reusable);
    gateway::ApiResponse answer;
    answer.status = response.result_int();
    answer.body = std::move(response.body());
    if (auto type = response.find(http::field::content_type); type != response.end()) {
      answer.content_type = std::string(type->value());
    }
    call_->Respond(std::move(answer));
  }

  // A kept-alive connection the upstream closed just as we reused it: once,
  // the request goes again on another connection.
  static bool StaleConnection(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == boost::asio::error::eof ||
           ec == boost::asio::error::connection_reset || ec == boost::asio::error::broken_pipe;
  }

  void Finish(const beast::error_code& ec, const char* step) {
    const bool reused = connection_ && connection_->requests > 0;
    if (connection_) pool_->Release(std::move(connection_), false);
    if (reused && !retried_ && StaleConnection(ec) &&
        std::chrono::steady_clock::now() < deadline_) {
      retried_ = true;
      return Start();
    }
    const bool timed_out = ec == beast::error::timeout;
    spdlog::warn("request {} {}: upstream {} {}: {}", call_->id(), std::string(call_->path()),
                 options_->address, step, timed_out ? "timed out" : ec.message());
    call_->Fail(Error(timed_out ? ErrorCode::kGatewayTimeout : ErrorCode::kServerBusy));
  }

  std::shared_ptr<gateway::Call> call_;
  std::shared_ptr<ConnectionPool> pool_;
  const std::shared_ptr<const UpstreamOptions> options_;
  const std::chrono::steady_clock::time_point deadline_;
  http::request<http::string_body> request_;
  std::unique_ptr<Connection> connection_;
  std::optional<http::response_parser<http::string_body>> parser_;
  bool retried_ = false;
};

}  // namespace

void Relay(const std::shared_ptr<gateway::Call>& call, std::shared_ptr<ConnectionPool> pool,
           std::shared_ptr<const UpstreamOptions> options) {
  // Dot segments would let a client reach, after the upstream normalizes the
  // path, what lies outside the prefix kcgate authorized.
  if (!SafeUpstreamPath(call->path())) return call->Fail(Error(ErrorCode::kUrlNotFound));
  std::make_shared<Exchange>(call, std::move(pool), std::move(options))->Start();
}

}  // namespace kc::upstream
