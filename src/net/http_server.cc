#include "net/http_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/ascii.h"
#include "net/http_framing.h"

namespace kc::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpServer::Registry {
  std::mutex mutex;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;  // guarded by mutex
  std::atomic<int64_t> in_flight{0};
};

// One connection. Lives on one event loop; every member is touched only there.
class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, HttpHandler& handler, const HttpLimits& limits, Peer peer,
              std::shared_ptr<HttpServer::Registry> registry)
      : stream_(std::move(socket)),
        executor_(stream_.get_executor()),
        handler_(handler),
        limits_(limits),
        peer_(std::move(peer)),
        registry_(std::move(registry)) {}
  ~HttpSession() {
    if (waiting_ != 0) registry_->in_flight.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(registry_->mutex);
    registry_->sessions.erase(this);
  }

  void Start() {
    {
      std::lock_guard lock(registry_->mutex);
      registry_->sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(executor_, [self = shared_from_this()] { self->Read(); });
  }

  // Called through Responder from any thread.
  void Send(uint64_t request, HttpResponse response) {
    asio::dispatch(executor_,
                   [self = shared_from_this(), request, response = std::move(response)]() mutable {
                     if (request != self->waiting_) return;  // already answered (shutdown)
                     self->Answered();
                     self->Write(std::move(response));
                   });
  }

  // Graceful shutdown: the request still waiting, if any, gets `response`.
  void AnswerWaiting() {
    if (waiting_ == 0) return;
    Answered();
    keep_alive_ = false;
    Write(handler_.OnShutdown());
  }

  asio::any_io_executor executor() { return executor_; }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(limits_.header_bytes));
    parser_->body_limit(limits_.body_bytes);
    stream_.expires_after(limits_.read_timeout);
    // The header first: framing and Expect are decided before any body byte
    // is read (a body must never be read as the next request).
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnRead(ec);
    const auto& header = parser_->get();
    if (!FramingIsSafe(header)) {
      spdlog::debug("http: connection {} ({}): refused Transfer-Encoding '{}'", peer_.connection_id,
                    peer_.ip, header[http::field::transfer_encoding]);
      keep_alive_ = false;
      return Write(handler_.OnUnreadable(ReadFailure::kBadSyntax));
    }
    if (parser_->is_done()) return OnRead({});
    if (header.version() >= 11 && EqualsNoCase(header[http::field::expect], "100-continue")) {
      // The client waits for this before it sends the body (RFC 9110 §10.1.1).
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code write_ec, size_t) {
                          if (write_ec) return self->Shutdown();
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == asio::error::eof) {
      return Shutdown();
    }
    if (ec) {
      ReadFailure failure = ReadFailure::kBadSyntax;
      if (ec == http::error::header_limit) failure = ReadFailure::kHeaderTooLarge;
      if (ec == http::error::body_limit) failure = ReadFailure::kBodyTooLarge;
      keep_alive_ = false;
      return Write(handler_.OnUnreadable(failure));
    }
    HttpRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    if (auto origin = OriginForm(request.target())) request.target(*origin);
    stream_.expires_never();  // the handler may take its time; the gateway bounds it
    if (beast::websocket::is_upgrade(request) && handler_.WantsUpgrade(request)) {
      handler_.OnUpgrade(std::move(request), std::move(stream_), peer_);
      return;
    }
    waiting_ = ++requests_;
    registry_->in_flight.fetch_add(1, std::memory_order_relaxed);
    handler_.OnRequest(std::move(request), peer_, Responder(shared_from_this(), waiting_));
  }

  void Answered() {
    waiting_ = 0;
    registry_->in_flight.fetch_sub(1, std::memory_order_relaxed);
  }

  void Write(HttpResponse response) {
    // The head is serialized by hand into a buffer reused for the connection's
    // life: Beast's generic serializer costs ~20k instructions per small JSON
    // answer, a third of a signed request (bench/README.md), where the head of
    // our answers is a handful of plain lines.
    head_.clear();
    head_.append(response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    AppendNumber(response.result_int());
    head_ += ' ';
    head_.append(http::obsolete_reason(response.result()));
    head_ += "\r\n";
    for (const auto& field : response) {
      if (field.name() == http::field::content_length || field.name() == http::field::connection) {
        continue;  // written below from the body and the connection's state
      }
      head_.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
    }
    head_ += "Content-Length: ";
    AppendNumber(response.body().size());
    head_ += "\r\n";
    if (!keep_alive_) {
      head_ += "Connection: close\r\n";
    } else if (response.version() == 10) {
      head_ += "Connection: keep-alive\r\n";
    }
    head_ += "\r\n";
    body_ = std::move(response.body());
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    stream_.expires_after(limits_.read_timeout);
    asio::async_write(stream_, buffers, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Shutdown();
      self->Read();
    });
  }

  void AppendNumber(uint64_t value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    head_.append(digits, end);
  }

  void Shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  asio::any_io_executor executor_;  // kept: the stream moves out on an upgrade
  HttpHandler& handler_;
  const HttpLimits& limits_;
  Peer peer_;
  std::shared_ptr<HttpServer::Registry> registry_;
  uint64_t requests_ = 0;  // requests read on this connection
  uint64_t waiting_ = 0;   // the one being handled; 0: none
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  std::string head_;  // the response being written (one in flight per connection)
  std::string body_;
};

void Responder::Send(HttpResponse response) const { session_->Send(request_, std::move(response)); }

asio::any_io_executor Responder::executor() const { return session_->executor(); }

HttpServer::HttpServer(EventLoops& loops, HttpHandler& handler, HttpLimits limits)
    : loops_(loops),
      registry_(std::make_shared<Registry>()),
      handler_(handler),
      limits_(limits),
      acceptor_(loops.At(0)),
      accept_backoff_(loops.At(0)) {}

HttpServer::~HttpServer() { Close(); }

tcp::endpoint HttpServer::Listen(const tcp::endpoint& endpoint) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  Accept();
  return acceptor_.local_endpoint();
}

void HttpServer::Close() {
  if (closed_.exchange(true)) return;
  // The acceptor belongs to loop 0: close it there, or here when that loop is
  // no longer running (then nothing else touches it).
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  asio::post(acceptor_.get_executor(), [this, closed] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_backoff_.cancel();
    closed->set_value();
  });
  if (done.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }
}

int64_t HttpServer::in_flight() const {
  return registry_->in_flight.load(std::memory_order_relaxed);
}

size_t HttpServer::connections() const {
  std::lock_guard lock(registry_->mutex);
  return registry_->sessions.size();
}

void HttpServer::AnswerWaiting() {
  std::vector<std::shared_ptr<HttpSession>> sessions;
  {
    std::lock_guard lock(registry_->mutex);
    for (auto& [raw, weak] : registry_->sessions) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (auto& session : sessions) {
    asio::post(session->executor(), [session] { session->AnswerWaiting(); });
  }
}

void HttpServer::Accept() {
  // Each accepted socket goes straight onto the next loop.
  acceptor_.async_accept(loops_.Next(), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      beast::error_code peer_ec;
      auto remote = socket.remote_endpoint(peer_ec);
      if (!peer_ec) {
        socket.set_option(tcp::no_delay(true), peer_ec);
        Peer peer{remote.address().to_string(), remote.port(),
                  next_connection_id_.fetch_add(1, std::memory_order_relaxed)};
        std::make_shared<HttpSession>(std::move(socket), handler_, limits_, std::move(peer),
                                      registry_)
            ->Start();
      }
    } else if (OutOfDescriptors(ec)) {
      // The pending connection stays in the backlog; retrying at once would
      // fail again at once (a core spinning and a log flooded). Connections
      // already open keep being served meanwhile.
      return BackOff(ec);
    } else {
      spdlog::warn("accept failed: {}", ec.message());
    }
    if (acceptor_.is_open()) Accept();
  });
}

bool HttpServer::OutOfDescriptors(const beast::error_code& ec) {
  if (ec.category() != asio::error::get_system_category()) return false;
  return ec.value() == EMFILE || ec.value() == ENFILE || ec.value() == ENOBUFS ||
         ec.value() == ENOMEM;
}

void HttpServer::BackOff(const beast::error_code& ec) {
  ++accept_failures_;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_accept_warning_ >= kAcceptWarningEvery) {
    // strerror, not ec.message(): a virtual call the sanitizers check by
    // opening a pipe, which fails here for want of descriptors.
    spdlog::warn("accept failed: {} ({} failures since the last warning); retrying every {} ms",
                 std::strerror(ec.value()), accept_failures_, kAcceptBackOff.count());
    last_accept_warning_ = now;
    accept_failures_ = 0;
  }
  accept_backoff_.expires_after(kAcceptBackOff);
  accept_backoff_.async_wait([this](beast::error_code wait_ec) {
    if (wait_ec || !acceptor_.is_open()) return;
    Accept();
  });
}

}  // namespace kc::net
