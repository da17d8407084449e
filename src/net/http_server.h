// HTTP/1.1 listener and sessions (after Beast's advanced server): a fresh
// parser per message with header and body limits, read and idle timeouts,
// keep-alive, one request in flight per connection. It knows nothing of
// KuCoin: every request goes to an HttpHandler, which answers through a
// Responder from any thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "net/event_loops.h"

namespace kc::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpLimits {
  size_t header_bytes = 8 * 1024;
  size_t body_bytes = 1024 * 1024;
  std::chrono::milliseconds read_timeout{30'000};  // also the keep-alive idle timeout
};

struct Peer {
  std::string ip;
  uint16_t port = 0;
  uint64_t connection_id = 0;
};

// Why a request could not be read; the connection closes after the answer.
enum class ReadFailure { kBadSyntax, kHeaderTooLarge, kBodyTooLarge };

class HttpSession;

// Delivers the one response to a request. Copyable; Send may be called from
// any thread, once. A responder dropped unsent closes the connection. An
// answer to a request the server already answered (graceful shutdown) is
// dropped.
class Responder {
 public:
  Responder(std::shared_ptr<HttpSession> session, uint64_t request)
      : session_(std::move(session)), request_(request) {}
  void Send(HttpResponse response) const;
  // The event loop the connection lives on (to post work back to it).
  boost::asio::any_io_executor executor() const;

 private:
  std::shared_ptr<HttpSession> session_;
  uint64_t request_;  // which request of the connection this answers
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual void OnRequest(HttpRequest request, const Peer& peer, Responder responder) = 0;
  virtual HttpResponse OnUnreadable(ReadFailure failure) = 0;
  // The answer to a request still unanswered when a graceful shutdown stops
  // waiting for it (HttpServer::AnswerWaiting).
  virtual HttpResponse OnShutdown() {
    return HttpResponse(boost::beast::http::status::service_unavailable, 11);
  }
  // A WebSocket upgrade request. The default refuses it with OnRequest's answer
  // for an ordinary GET; the push service overrides it to take the stream.
  virtual bool WantsUpgrade(const HttpRequest& /*request*/) { return false; }
  virtual void OnUpgrade(HttpRequest /*request*/, boost::beast::tcp_stream /*stream*/,
                         const Peer& /*peer*/) {}
};

class HttpServer {
 public:
  HttpServer(EventLoops& loops, HttpHandler& handler, HttpLimits limits);
  ~HttpServer();

  // Binds and starts accepting; returns the bound endpoint (port 0 picks one).
  // Throws boost::system::system_error when the address cannot be bound.
  boost::asio::ip::tcp::endpoint Listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // Stops accepting new connections. Open connections end with their loops.
  void Close();
  // Requests read and not yet answered, on every connection (any thread).
  int64_t in_flight() const;
  // Open connections not handed to a WebSocket session (metrics; any thread).
  size_t connections() const;
  // Graceful shutdown, after Close: every request still unanswered gets the
  // handler's OnShutdown answer and its connection closes; the late real
  // answer is dropped. Any thread.
  void AnswerWaiting();

  // The open connections and the requests in flight (shared with sessions).
  struct Registry;

 private:
  // While accept() fails for want of descriptors (EMFILE, ENFILE): retry
  // every kAcceptBackOff, warn at most once per kAcceptWarningEvery.
  static constexpr std::chrono::milliseconds kAcceptBackOff{50};
  static constexpr std::chrono::seconds kAcceptWarningEvery{1};

  void Accept();
  static bool OutOfDescriptors(const boost::system::error_code& ec);
  void BackOff(const boost::system::error_code& ec);

  EventLoops& loops_;
  std::shared_ptr<Registry> registry_;
  HttpHandler& handler_;
  HttpLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<uint64_t> next_connection_id_{1};
  std::atomic<bool> closed_{false};
  // Loop 0 only (the acceptor's loop).
  boost::asio::steady_timer accept_backoff_;
  std::chrono::steady_clock::time_point last_accept_warning_{};
  uint64_t accept_failures_ = 0;  // since the last warning
};

}  // namespace kc::net
