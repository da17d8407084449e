// kcgate-bench: a closed-loop HTTP/1.1 load generator for kcgate (KuCoin-signed
// or plain requests) and for a baseline server such as nginx.
//
// N keep-alive connections are spread over M threads, each thread running its
// own io_context; a connection keeps one request in flight (no pipelining) and
// sends the next as soon as the answer is read, as wrk does. A signed request
// carries a fresh KC-API-TIMESTAMP and KC-API-SIGN every time (version 3
// headers, hashed passphrase), so kcgate does its whole authentication work on
// each one; the client signs through the same per-thread keyed HMAC contexts
// as the server (gateway/signature.h), to take as little CPU from it as it can.
//
// Correctness before speed: every answer must be HTTP 200 with
// "code":"200000" in its body. Anything else, a transport error or a timeout
// is counted, reported, and makes the exit status 1, so a broken signature is
// never measured as speed. Latency runs from the request's first byte written
// to the answer's last byte read; as with any closed loop it understates the
// tail under overload (coordinated omission). Only loopback targets are
// accepted: this is a benchmark, not a traffic generator.
//
// --scenario order-cancel replaces the fixed request with an order's round
// trip: each connection places an HF limit order and cancels it, again and
// again, each request timed alone. Over http:// that is a signed POST
// /api/v1/hf/orders then DELETE /api/v1/hf/orders/{orderId}?symbol=; over
// ws:// (the WebSocket order API, /v1/private) each connection is a session
// that signs in once and sends spot.order then spot.cancel.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gateway/api_key.h"
#include "gateway/signature.h"
#include "tools/latency_histogram.h"

namespace kc::tools {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

constexpr size_t kMaxResponseBody = 1024 * 1024;
constexpr std::string_view kSuccessCode = R"("code":"200000")";

// "10s", "500ms", "250us", "2m", or a bare number of seconds.
std::optional<nanoseconds> ParseDuration(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr == text.data() || value < 0) return std::nullopt;
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  if (unit.empty() || unit == "s") return std::chrono::seconds(value);
  if (unit == "ms") return std::chrono::milliseconds(value);
  if (unit == "us") return std::chrono::microseconds(value);
  if (unit == "m") return std::chrono::minutes(value);
  return std::nullopt;
}

double Seconds(nanoseconds d) { return std::chrono::duration<double>(d).count(); }
double Millis(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

struct Target {
  tcp::endpoint endpoint;
  std::string host_header;     // "127.0.0.1:8080"
  std::string request_target;  // "/api/v1/user/api-key?currency=BTC"
};

// http://HOST[:PORT][/PATH[?QUERY]] where HOST is a loopback address
// (127.x.x.x, [::1]) or "localhost".
std::optional<Target> ParseUrl(std::string_view url, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  constexpr std::string_view kWsScheme = "ws://";  // the WebSocket order API
  if (url.starts_with(kScheme)) {
    url.remove_prefix(kScheme.size());
  } else if (url.starts_with(kWsScheme)) {
    url.remove_prefix(kWsScheme.size());
  } else {
    error = "only http:// and ws:// URLs are supported";
    return std::nullopt;
  }
  const size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  Target target;
  target.request_target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
  std::string_view host = authority;
  uint16_t port = 80;
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    const std::string_view digits = authority.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || port == 0) {
      error = "bad port in URL";
      return std::nullopt;
    }
  }
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  boost::system::error_code ec;
  const auto address =
      asio::ip::make_address(host == "localhost" ? std::string_view("127.0.0.1") : host, ec);
  if (ec || !address.is_loopback()) {
    error = "the target must be a loopback address (127.0.0.1, [::1] or localhost)";
    return std::nullopt;
  }
  target.endpoint = tcp::endpoint(address, port);
  target.host_header = std::string(authority);
  return target;
}

// What every request of the run shares; immutable once the run starts.
struct Plan {
  Target target;
  std::string method;
  std::string body;
  bool signed_requests = false;
  gateway::ApiKey api_key;  // key and secret: the client's own keyed-HMAC cache entry
  std::string head;         // request line and the headers that never change
  nanoseconds timeout{};
  bool check_code = true;
  // --scenario order-cancel: place and cancel an order of `symbol` over and over.
  bool order_cancel = false;
  bool websocket = false;  // ws:// (the WebSocket order API) rather than REST
  std::string symbol;
  std::string order_args;  // the order's JSON fields but clientOid, without braces
  std::string auth_head;   // Host, User-Agent, KC-API-KEY, -PASSPHRASE, -KEY-VERSION
  std::string passphrase;

  static std::string Now() {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  }
  // An order's JSON with a clientOid unique to this connection and count.
  std::string OrderJson(const void* connection, uint64_t n) const {
    char oid[64];
    std::snprintf(oid, sizeof oid, "b%llx-%llu",
                  static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(connection)),
                  static_cast<unsigned long long>(n));
    return "{" + order_args + R"(,"clientOid":")" + oid + "\"}";
  }
  // The REST order-cancel scenario's next request: a signed place or cancel.
  void BuildOrderStep(std::string& out, const std::string& order_id, const void* connection,
                      uint64_t n) const {
    const bool place = order_id.empty();
    const std::string step_method = place ? "POST" : "DELETE";
    const std::string path =
        place ? "/api/v1/hf/orders" : "/api/v1/hf/orders/" + order_id + "?symbol=" + symbol;
    const std::string step_body = place ? OrderJson(connection, n) : "";
    const std::string timestamp = Now();
    out.assign(step_method).append(" ").append(path).append(" HTTP/1.1\r\n").append(auth_head);
    if (place) {
      out.append("Content-Type: application/json\r\nContent-Length: ")
          .append(std::to_string(step_body.size()))
          .append("\r\n");
    }
    out.append("KC-API-TIMESTAMP: ").append(timestamp).append("\r\n");
    out.append("KC-API-SIGN: ")
        .append(gateway::Base64Encode(
            gateway::KeyedHmacSha256(api_key, {timestamp, step_method, path, step_body})))
        .append("\r\n\r\n")
        .append(step_body);
  }

  // The next request's bytes into `out`: a fresh timestamp and signature each time.
  void BuildRequest(std::string& out) const {
    out.assign(head);
    if (signed_requests) {
      const std::string timestamp =
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
      const std::string sign = gateway::Base64Encode(
          gateway::KeyedHmacSha256(api_key, {timestamp, method, target.request_target, body}));
      out.append("KC-API-TIMESTAMP: ").append(timestamp).append("\r\n");
      out.append("KC-API-SIGN: ").append(sign).append("\r\n");
    }
    out.append("\r\n").append(body);
  }
};

std::string RequestHead(const Plan& plan, std::string_view passphrase, int key_version) {
  std::string head = plan.method + " " + plan.target.request_target + " HTTP/1.1\r\n";
  head += "Host: " + plan.target.host_header + "\r\nUser-Agent: kcgate-bench\r\n";
  if (plan.signed_requests) {
    const std::string passphrase_header =
        key_version == 1 ? std::string(passphrase)
                         : gateway::HashPassphrase(plan.api_key.secret, passphrase);
    head += "KC-API-KEY: " + plan.api_key.key + "\r\n";
    head += "KC-API-PASSPHRASE: " + passphrase_header + "\r\n";
    head += "KC-API-KEY-VERSION: " + std::to_string(key_version) + "\r\n";
  }
  if (!plan.body.empty() || plan.method == "POST" || plan.method == "PUT") {
    head += "Content-Type: application/json\r\n";
    head += "Content-Length: " + std::to_string(plan.body.size()) + "\r\n";
  }
  return head;
}

// When requests may start. Shared by every connection of every thread.
class RunState {
 public:
  RunState(SteadyClock::time_point measure_start, SteadyClock::time_point deadline,
           uint64_t requests)
      : measure_start_(measure_start),
        deadline_(deadline),
        by_count_(requests > 0),
        remaining_(static_cast<int64_t>(requests)) {}

  // Whether one more request may be sent now.
  bool Claim(SteadyClock::time_point now) {
    if (stopped_.load(std::memory_order_relaxed)) return false;
    if (now >= deadline_) {
      if (by_count_ && remaining_.load(std::memory_order_relaxed) > 0) {
        out_of_time_.store(true, std::memory_order_relaxed);
      }
      return false;
    }
    return !by_count_ || remaining_.fetch_sub(1, std::memory_order_relaxed) > 0;
  }
  void Stop() { stopped_.store(true, std::memory_order_relaxed); }

  SteadyClock::time_point measure_start() const { return measure_start_; }
  // A request count that could not be sent within --max-time.
  bool out_of_time() const { return out_of_time_.load(std::memory_order_relaxed); }

 private:
  const SteadyClock::time_point measure_start_;
  const SteadyClock::time_point deadline_;
  const bool by_count_;
  std::atomic<int64_t> remaining_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> out_of_time_{false};
};

// One thread's results; touched only by that thread until it has finished.
struct Totals {
  LatencyHistogram latency;
  uint64_t ok = 0;
  uint64_t warmup = 0;
  std::map<unsigned, uint64_t> statuses;  // answers other than 200, by status
  uint64_t bad_body = 0;                  // 200 without "code":"200000"
  uint64_t transport_errors = 0;          // connect, write, read failures and timeouts
  uint64_t reconnects = 0;                // the server closed a keep-alive connection
  std::string first_failure;
  SteadyClock::time_point last_done{};

  uint64_t failures() const {
    uint64_t n = bad_body + transport_errors;
    for (const auto& [status, count] : statuses) n += count;
    return n;
  }
  void Note(std::string what) {
    if (first_failure.empty()) first_failure = std::move(what);
  }
  void Merge(const Totals& other) {
    latency.Merge(other.latency);
    ok += other.ok;
    warmup += other.warmup;
    for (const auto& [status, count] : other.statuses) statuses[status] += count;
    bad_body += other.bad_body;
    transport_errors += other.transport_errors;
    reconnects += other.reconnects;
    if (first_failure.empty()) first_failure = other.first_failure;
    last_done = std::max(last_done, other.last_done);
  }
};

std::string Excerpt(std::string_view body) {
  constexpr size_t kMax = 200;
  return std::string(body.substr(0, kMax)) + (body.size() > kMax ? "..." : "");
}

// The "orderId" string of a place answer; empty when there is none.
std::string OrderIdOf(std::string_view body) {
  constexpr std::string_view kField = R"("orderId":")";
  const size_t at = body.find(kField);
  if (at == std::string_view::npos) return "";
  const size_t start = at + kField.size();
  const size_t end = body.find('"', start);
  return end == std::string_view::npos ? "" : std::string(body.substr(start, end - start));
}

// Reads one response, keeping only what the run checks: the status, the body
// and keep-alive. Beast's response_parser would also store every header field,
// allocating for each, and keep_alive() would re-parse Connection: together a
// third of the client's instructions per request.
class ResponseReader final : public http::basic_parser<false> {
 public:
  // `body` is the connection's buffer, reused from one response to the next.
  explicit ResponseReader(std::string& body) : body_(body) {
    body_.clear();
    body_limit(kMaxResponseBody);
  }
  unsigned status() const { return status_; }
  std::string_view body() const { return body_; }

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int,
                       beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view, int, beast::error_code&) override {
    status_ = static_cast<unsigned>(code);
  }
  void on_field_impl(http::field, beast::string_view, beast::string_view,
                     beast::error_code&) override {}
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<uint64_t>&, beast::error_code&) override {}
  size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(uint64_t, beast::string_view, beast::error_code&) override {}
  size_t on_chunk_body_impl(uint64_t, beast::string_view body, beast::error_code&) override {
    body_.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  std::string& body_;
  unsigned status_ = 0;
};

// One keep-alive connection: connect, then request/answer until the run ends.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, const Plan& plan, RunState& run, Totals& totals)
      : stream_(io), plan_(plan), run_(run), totals_(totals) {}

  void Start() { Connect(); }

 private:
  void Connect() {
    stream_.expires_after(plan_.timeout);
    stream_.async_connect(plan_.target.endpoint, [self = shared_from_this()](beast::error_code ec) {
      self->OnConnect(ec);
    });
  }

  void OnConnect(beast::error_code ec) {
    if (ec) return Fail("connect: " + ec.message());
    stream_.socket().set_option(tcp::no_delay(true), ec);
    SendNext();
  }

  void SendNext() {
    // An order placed is always canceled, even past the deadline.
    if (order_id_.empty() && !run_.Claim(SteadyClock::now())) return Finish();
    if (plan_.order_cancel) {
      plan_.BuildOrderStep(request_, order_id_, this, ++placed_);
    } else {
      plan_.BuildRequest(request_);
    }
    sent_at_ = SteadyClock::now();
    stream_.expires_after(plan_.timeout);
    asio::async_write(stream_, asio::buffer(request_),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Fail("write: " + ec.message());
                        self->Read();
                      });
  }

  void Read() {
    parser_.emplace(body_);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    const SteadyClock::time_point done = SteadyClock::now();
    if (ec) return Fail("read: " + ec.message());
    const unsigned status = parser_->status();
    if (status != 200) {
      ++totals_.statuses[status];
      totals_.Note("HTTP " + std::to_string(status) + " " + Excerpt(parser_->body()));
    } else if (plan_.check_code && parser_->body().find(kSuccessCode) == std::string::npos) {
      ++totals_.bad_body;
      totals_.Note("HTTP 200 without " + std::string(kSuccessCode) + ": " +
                   Excerpt(parser_->body()));
    } else if (sent_at_ >= run_.measure_start()) {
      ++totals_.ok;
    } else {
      ++totals_.warmup;
    }
    if (sent_at_ >= run_.measure_start()) {
      totals_.latency.Record(static_cast<uint64_t>((done - sent_at_).count()));
    }
    if (plan_.order_cancel) {
      if (!order_id_.empty()) {
        order_id_.clear();  // canceled
      } else if (status == 200 && parser_->body().find(kSuccessCode) != std::string::npos &&
                 (order_id_ = OrderIdOf(parser_->body())).empty()) {
        return Fail("no orderId in " + Excerpt(parser_->body()));
      }
    }
    if (!parser_->keep_alive()) {
      ++totals_.reconnects;
      Close();
      buffer_.clear();
      return Connect();
    }
    SendNext();
  }

  void Fail(std::string what) {
    ++totals_.transport_errors;
    totals_.Note(std::move(what));
    Finish();
  }

  void Finish() {
    totals_.last_done = std::max(totals_.last_done, SteadyClock::now());
    Close();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  const Plan& plan_;
  RunState& run_;
  Totals& totals_;
  std::string request_;
  SteadyClock::time_point sent_at_{};
  beast::flat_buffer buffer_;
  std::string body_;
  std::optional<ResponseReader> parser_;
  std::string order_id_;  // order-cancel: the order to cancel next, if any
  uint64_t placed_ = 0;
};

// One WebSocket order API session (--scenario order-cancel over ws://): the
// connect signature, the signed answer to the challenge, then spot.order and
// spot.cancel in turn, one request in flight, each answer checked and timed.
class WsConnection : public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(asio::io_context& io, const Plan& plan, RunState& run, Totals& totals)
      : ws_(io), plan_(plan), run_(run), totals_(totals) {}

  void Start() {
    beast::get_lowest_layer(ws_).expires_after(plan_.timeout);
    beast::get_lowest_layer(ws_).async_connect(plan_.target.endpoint,
                                               [self = shared_from_this()](beast::error_code ec) {
                                                 if (ec)
                                                   return self->Fail("connect: " + ec.message());
                                                 self->Handshake();
                                               });
  }

 private:
  static std::string Escaped(const std::string& base64) {
    std::string out;
    for (char c : base64) {
      out += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
    }
    return out;
  }

  void Handshake() {
    const std::string ts = Plan::Now();
    const std::string path =
        plan_.target.request_target.substr(0, plan_.target.request_target.find('?'));
    const std::string target =
        path + "?apikey=" + plan_.api_key.key + "&timestamp=" + ts + "&sign=" +
        Escaped(gateway::Base64Encode(
            gateway::KeyedHmacSha256(plan_.api_key, {plan_.api_key.key, ts}))) +
        "&passphrase=" + Escaped(gateway::HashPassphrase(plan_.api_key.secret, plan_.passphrase));
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
    ws_.async_handshake(
        plan_.target.host_header, target, [self = shared_from_this()](beast::error_code ec) {
          if (ec) return self->Fail("handshake: " + ec.message());
          self->Read([self](std::string_view challenge) {
            self->Write(
                gateway::Base64Encode(gateway::KeyedHmacSha256(self->plan_.api_key, {challenge})));
            self->Read([self](std::string_view welcome) {
              if (welcome.find(R"("data":"welcome")") == std::string_view::npos) {
                return self->Fail("no welcome: " + Excerpt(welcome));
              }
              self->SendNext();
            });
          });
        });
  }

  void SendNext() {
    if (order_id_.empty() && !run_.Claim(SteadyClock::now())) return Finish();
    const std::string id = std::to_string(++requests_);
    std::string frame;
    if (order_id_.empty()) {
      frame = R"({"id":")" + id + R"(","op":"spot.order","args":)" +
              plan_.OrderJson(this, requests_) + "}";
    } else {
      frame = R"({"id":")" + id + R"(","op":"spot.cancel","args":{"symbol":")" + plan_.symbol +
              R"(","orderId":")" + order_id_ + "\"}}";
    }
    sent_at_ = SteadyClock::now();
    Write(std::move(frame));
    Read([self = shared_from_this()](std::string_view answer) { self->OnAnswer(answer); });
  }

  void OnAnswer(std::string_view answer) {
    const SteadyClock::time_point done = SteadyClock::now();
    if (answer.find(kSuccessCode) == std::string_view::npos) {
      ++totals_.bad_body;
      totals_.Note("answer without " + std::string(kSuccessCode) + ": " + Excerpt(answer));
      return Finish();
    }
    if (sent_at_ >= run_.measure_start()) {
      ++totals_.ok;
      totals_.latency.Record(static_cast<uint64_t>((done - sent_at_).count()));
    } else {
      ++totals_.warmup;
    }
    if (!order_id_.empty()) {
      order_id_.clear();
    } else if ((order_id_ = OrderIdOf(answer)).empty()) {
      return Fail("no orderId in " + Excerpt(answer));
    }
    SendNext();
  }

  // Frames go out one at a time: the previous write has always completed
  // before the answer it asked for is read.
  void Write(std::string frame) {
    out_ = std::move(frame);
    beast::get_lowest_layer(ws_).expires_after(plan_.timeout);
    ws_.text(true);
    ws_.async_write(asio::buffer(out_), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) self->Fail("write: " + ec.message());
    });
  }

  template <typename Then>
  void Read(Then then) {
    buffer_.clear();
    beast::get_lowest_layer(ws_).expires_after(plan_.timeout);
    ws_.async_read(buffer_, [self = shared_from_this(), then = std::move(then)](
                                beast::error_code ec, size_t) mutable {
      if (ec) return self->Fail("read: " + ec.message());
      const auto data = self->buffer_.cdata();
      then(std::string_view(static_cast<const char*>(data.data()), data.size()));
    });
  }

  void Fail(std::string what) {
    if (finished_) return;
    ++totals_.transport_errors;
    totals_.Note(std::move(what));
    Finish();
  }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    totals_.last_done = std::max(totals_.last_done, SteadyClock::now());
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  websocket::stream<beast::tcp_stream> ws_;
  const Plan& plan_;
  RunState& run_;
  Totals& totals_;
  beast::flat_buffer buffer_;
  std::string out_;
  std::string order_id_;
  uint64_t requests_ = 0;
  SteadyClock::time_point sent_at_{};
  bool finished_ = false;
};

struct Worker {
  Totals totals;
  asio::io_context io{1};  // declared after totals: destroyed first, with its connections
  std::thread thread;
};

struct Options {
  std::string url;
  std::string method = "GET";
  std::string body;
  std::string key;
  std::string secret;
  std::string passphrase;
  int key_version = 3;
  unsigned connections = 64;
  unsigned threads = 2;
  std::string duration = "10s";
  std::string warmup = "0s";
  uint64_t requests = 0;
  std::string timeout = "5s";
  std::string max_time = "60s";
  bool no_check_code = false;
  std::string output = "text";
  std::string scenario = "fixed";
  std::string symbol = "BTC-USDT";
  std::string price = "1000";
  std::string size = "0.001";
};

int Run(const Options& options) {
  std::string error;
  auto target = ParseUrl(options.url, error);
  const auto duration = ParseDuration(options.duration);
  const auto warmup = ParseDuration(options.warmup);
  const auto timeout = ParseDuration(options.timeout);
  const auto max_time = ParseDuration(options.max_time);
  if (!target) {
    std::cerr << "kcgate-bench: " << options.url << ": " << error << "\n";
    return 2;
  }
  if (!duration || !warmup || !timeout || !max_time || *timeout == nanoseconds(0)) {
    std::cerr << "kcgate-bench: durations look like 10s, 500ms or 2m\n";
    return 2;
  }
  if (options.requests == 0 && *duration == nanoseconds(0)) {
    std::cerr << "kcgate-bench: give --duration or --requests\n";
    return 2;
  }
  const bool signed_requests = !options.key.empty();
  if (signed_requests && (options.secret.empty() || options.passphrase.empty())) {
    std::cerr << "kcgate-bench: --key needs --secret and --passphrase\n";
    return 2;
  }

  Plan plan;
  plan.target = *target;
  plan.method = options.method;
  std::transform(plan.method.begin(), plan.method.end(), plan.method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  plan.body = options.body;
  plan.signed_requests = signed_requests;
  plan.api_key.key = options.key;
  plan.api_key.secret = options.secret;
  plan.timeout = *timeout;
  plan.check_code = !options.no_check_code;
  plan.head = RequestHead(plan, options.passphrase, options.key_version);
  plan.websocket = options.url.starts_with("ws://");
  plan.order_cancel = options.scenario == "order-cancel";
  if ((plan.order_cancel || plan.websocket) && !signed_requests) {
    std::cerr << "kcgate-bench: --scenario order-cancel and ws:// need --key\n";
    return 2;
  }
  if (plan.websocket && !plan.order_cancel) {
    std::cerr << "kcgate-bench: ws:// URLs run --scenario order-cancel only\n";
    return 2;
  }
  plan.symbol = options.symbol;
  plan.passphrase = options.passphrase;
  plan.order_args = R"("symbol":")" + options.symbol +
                    R"(","type":"limit","side":"buy","price":")" + options.price + R"(","size":")" +
                    options.size + "\"";
  plan.auth_head = plan.head.substr(plan.head.find("\r\n") + 2);

  const unsigned thread_count = std::clamp(options.threads, 1u, options.connections);
  const SteadyClock::time_point launch = SteadyClock::now();
  const bool by_count = options.requests > 0;
  const SteadyClock::time_point measure_start = by_count ? launch : launch + *warmup;
  const SteadyClock::time_point deadline =
      by_count ? launch + *max_time : measure_start + *duration;
  RunState run(measure_start, deadline, options.requests);

  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < thread_count; ++i) workers.push_back(std::make_unique<Worker>());
  for (unsigned i = 0; i < options.connections; ++i) {
    Worker& worker = *workers[i % thread_count];
    if (plan.websocket) {
      std::make_shared<WsConnection>(worker.io, plan, run, worker.totals)->Start();
    } else {
      std::make_shared<Connection>(worker.io, plan, run, worker.totals)->Start();
    }
  }
  std::atomic<unsigned> finished{0};
  for (auto& worker : workers) {
    worker->thread = std::thread([&worker = *worker, &finished] {
      worker.io.run();
      finished.fetch_add(1, std::memory_order_release);
    });
  }
  // Bounded whatever the server does: requests time out on their own, and
  // this stops everything a little after the last one could have.
  const SteadyClock::time_point hard_stop = deadline + *timeout + std::chrono::seconds(2);
  while (finished.load(std::memory_order_acquire) < thread_count &&
         SteadyClock::now() < hard_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const bool hung = finished.load(std::memory_order_acquire) < thread_count;
  if (hung) {
    run.Stop();
    for (auto& worker : workers) worker->io.stop();
  }
  Totals totals;
  for (auto& worker : workers) {
    worker->thread.join();
    totals.Merge(worker->totals);
  }
  if (hung) totals.Note("the run did not finish by its deadline; stopped");
  if (run.out_of_time()) totals.Note("--requests not done within --max-time");

  const SteadyClock::time_point end = std::max(totals.last_done, measure_start);
  const double elapsed = Seconds(end - measure_start);
  const uint64_t answered = totals.latency.count();
  const double rps = elapsed > 0 ? static_cast<double>(answered) / elapsed : 0;
  const LatencyHistogram& h = totals.latency;
  const bool failed = totals.failures() > 0 || hung || run.out_of_time() || totals.ok == 0;
  if (totals.ok == 0) totals.Note("no successful request");

  if (options.output == "json") {
    json::object statuses;
    for (const auto& [status, count] : totals.statuses) statuses[std::to_string(status)] = count;
    json::object out{
        {"url", options.url},
        {"method", options.method},
        {"scenario", options.scenario},
        {"signed", signed_requests},
        {"connections", options.connections},
        {"threads", thread_count},
        {"elapsed_s", elapsed},
        {"requests", answered},
        {"ok", totals.ok},
        {"warmup_requests", totals.warmup},
        {"rps", rps},
        {"latency_ms", json::object{{"p50", Millis(h.ValueAtQuantile(0.5))},
                                    {"p90", Millis(h.ValueAtQuantile(0.9))},
                                    {"p99", Millis(h.ValueAtQuantile(0.99))},
                                    {"p999", Millis(h.ValueAtQuantile(0.999))},
                                    {"max", Millis(h.max())},
                                    {"mean", h.mean() / 1e6}}},
        {"non_200", statuses},
        {"bad_body", totals.bad_body},
        {"transport_errors", totals.transport_errors},
        {"reconnects", totals.reconnects},
        {"failures", totals.failures()},
        {"passed", !failed},
    };
    std::cout << json::serialize(out) << "\n";
  } else if (options.output == "tsv") {
    std::printf("%.1f\t%.3f\t%.3f\t%.3f\t%.3f\t%llu\t%llu\n", rps, Millis(h.ValueAtQuantile(0.5)),
                Millis(h.ValueAtQuantile(0.9)), Millis(h.ValueAtQuantile(0.99)),
                Millis(h.ValueAtQuantile(0.999)), static_cast<unsigned long long>(answered),
                static_cast<unsigned long long>(totals.failures()));
  } else {
    std::printf("kcgate-bench %s %s (%s)\n", options.method.c_str(), options.url.c_str(),
                signed_requests
                    ? ("signed, key version " + std::to_string(options.key_version)).c_str()
                    : "unsigned");
    std::printf("  %u connection%s over %u thread%s, %.2f s measured", options.connections,
                options.connections == 1 ? "" : "s", thread_count, thread_count == 1 ? "" : "s",
                elapsed);
    if (!by_count && *warmup > nanoseconds(0))
      std::printf(" after %.2f s warm-up", Seconds(*warmup));
    std::printf("\n  requests   %llu  (%.1f req/s)\n", static_cast<unsigned long long>(answered),
                rps);
    std::printf("  latency    p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms\n",
                Millis(h.ValueAtQuantile(0.5)), Millis(h.ValueAtQuantile(0.9)),
                Millis(h.ValueAtQuantile(0.99)), Millis(h.ValueAtQuantile(0.999)), Millis(h.max()));
    std::printf("  reconnects %llu\n  failures   %llu\n",
                static_cast<unsigned long long>(totals.reconnects),
                static_cast<unsigned long long>(totals.failures()));
  }
  std::fflush(stdout);
  if (failed) {
    std::cerr << "kcgate-bench: FAILED (" << options.method << " " << options.url << ")";
    for (const auto& [status, count] : totals.statuses) {
      std::cerr << "\n  HTTP " << status << ": " << count;
    }
    if (totals.bad_body) std::cerr << "\n  200 without " << kSuccessCode << ": " << totals.bad_body;
    if (totals.transport_errors) std::cerr << "\n  transport errors: " << totals.transport_errors;
    std::cerr << "\n  first: " << totals.first_failure << "\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace kc::tools

int main(int argc, char** argv) {
  kc::tools::Options options;
  CLI::App cli{
      "kcgate-bench: HTTP/1.1 load generator for kcgate (KuCoin-signed requests) and nginx.\n"
      "Every answer must be 200 with \"code\":\"200000\"; anything else fails the run (exit 1)."};
  cli.add_option("--url", options.url, "http://127.0.0.1:PORT/PATH (loopback only)")->required();
  cli.add_option("--method", options.method, "GET, POST, DELETE, ...")->capture_default_str();
  cli.add_option("--body", options.body, "request body (JSON)");
  cli.add_option("--key", options.key, "KC-API-KEY: sign every request (else unsigned)");
  cli.add_option("--secret", options.secret, "the key's secret");
  cli.add_option("--passphrase", options.passphrase, "the key's passphrase (sent hashed, v2/v3)");
  cli.add_option("--key-version", options.key_version, "KC-API-KEY-VERSION")
      ->check(CLI::Range(1, 3))
      ->capture_default_str();
  cli.add_option("-c,--connections", options.connections, "keep-alive connections")
      ->check(CLI::Range(1u, 10000u))
      ->capture_default_str();
  cli.add_option("-t,--threads", options.threads, "client threads (at most --connections)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cli.add_option("-d,--duration", options.duration, "how long to measure (10s, 500ms, 2m)")
      ->capture_default_str();
  cli.add_option("--warmup", options.warmup, "unmeasured load before --duration")
      ->capture_default_str();
  cli.add_option("-n,--requests", options.requests,
                 "send exactly this many requests instead of running for --duration");
  cli.add_option("--timeout", options.timeout, "per connect, write and read")
      ->capture_default_str();
  cli.add_option("--max-time", options.max_time, "upper bound on a --requests run")
      ->capture_default_str();
  cli.add_flag("--no-check-code", options.no_check_code,
               "accept any 200 body (not only \"code\":\"200000\")");
  cli.add_option("--output", options.output,
                 "text, json, or tsv (rps p50 p90 p99 p99.9 ms, "
                 "requests, failures)")
      ->check(CLI::IsMember({"text", "json", "tsv"}))
      ->capture_default_str();
  cli.add_option("--scenario", options.scenario,
                 "fixed (--method --url --body every time) or order-cancel (place an HF order "
                 "and cancel it, over http:// REST or the ws:// WebSocket order API)")
      ->check(CLI::IsMember({"fixed", "order-cancel"}))
      ->capture_default_str();
  cli.add_option("--symbol", options.symbol, "order-cancel: the pair")->capture_default_str();
  cli.add_option("--price", options.price, "order-cancel: the buy's limit price")
      ->capture_default_str();
  cli.add_option("--size", options.size, "order-cancel: the buy's size")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);
  try {
    return kc::tools::Run(options);
  } catch (const std::exception& e) {
    std::cerr << "kcgate-bench: " << e.what() << "\n";
    return 1;
  }
}
