// One WebSocket order API connection, from the upgrade to the close:
//   handshake -> connect check (error frame + close, or) -> challenge ->
//   signed answer within signin_timeout_ms (400011 / 400012 + close, or) ->
//   welcome -> requests, answered by id as the engine completes them.
// Requests may be pipelined; each is checked (id, op, args), charged to the
// connection's share (429002) and the user's pool (429000) with its REST
// twin's weight, and run through the OrderDesk. Unreadable frames answer
// 420002 and, past Options::max_bad_frames per window, end the session with
// 420001. A session silent for pingInterval + pingTimeout is closed.
//
// Framing is Beast's websocket::stream, not push's hand-written one: push
// writes many shared frames per system call for fan-out, while a WS API
// session writes one answer per request, which is what Beast does; it also
// declines permessage-deflate. Every member is touched only on the session's
// event loop; the session is owned by its pending operations (shared_ptr).
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/fault_book.h"
#include "gateway/api_key.h"
#include "net/http_server.h"
#include "wsapi/frames.h"
#include "wsapi/order_desk.h"

namespace kc::wsapi {

class WsApiService;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(WsApiService& service, boost::beast::tcp_stream stream, net::Peer peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Answers the upgrade request, then runs the connect check.
  void Start(net::HttpRequest request);
  // Sends `error`'s frame and closes (the registry's CloseAll; on this loop).
  void CloseWith(const Error& error);
  void CloseWith(std::string_view code, std::string_view message);

 private:
  enum class State { kHandshake, kSigningIn, kOpen, kClosing, kClosed };

  void OnAccepted();
  void Read();
  void OnMessage(std::string_view text, bool binary, int64_t in);
  void OnSignIn(std::string_view text, bool binary, int64_t in);
  void OnRequest(std::string_view text, int64_t in);
  // A checked operation, charged to the pools, counted in flight.
  struct PendingOp {
    SpotOp op;
    std::string_view name;
    std::string id;
    boost::json::object args;
    int64_t in = 0;
    gateway::RateDecision rate;
  };
  // Runs `pending` through the desk, first applying the test lab's rule
  // that fired for it, if any (delay, code instead of or after executing,
  // disconnect, close).
  void RunOp(PendingOp pending, std::optional<FaultAction> fault);
  // An operation answered: no longer in flight; read more.
  void FinishOp();
  // After the connect check: the test lab's connect rule, then the challenge.
  void ApplyConnectFault(FaultAction fault);
  void SendChallenge();
  // A frame that could not be used; ends the session past the limit.
  void OnBadFrame(std::string frame);
  void Send(std::string frame);
  void WriteNext();
  // Closes once every queued frame is written.
  void CloseAfterWrites();
  void Abort();
  // Leaves the registry; once.
  void Finish();
  // Why the session ends (the first reason given wins), and the access
  // record of its welcome (opened) or end.
  void NoteReason(std::string reason);
  void NoteReason(const Error& error);
  void ReportSession(bool opened);
  void ArmKeepAlive();
  int64_t Now() const;  // for inTime/outTime

  WsApiService& service_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  net::Peer peer_;
  net::HttpRequest upgrade_;
  State state_ = State::kHandshake;
  bool enable_ns_ = false;
  std::shared_ptr<const gateway::ApiKey> key_;
  bool admitted_ = false;
  std::string session_id_;
  std::string close_reason_;  // empty: the client closed
  int64_t opened_ms_ = 0;     // steady time of the welcome; 0: never signed in
  bool reported_ = false;     // reached the connect check: its end is reported
  std::string challenge_;
  boost::asio::steady_timer timer_;  // the sign-in deadline, then the keep-alive check
  int64_t last_seen_ms_ = 0;         // steady clock

  boost::beast::flat_buffer buffer_;
  bool reading_ = false;
  size_t in_flight_ = 0;
  int64_t error_window_start_ms_ = 0;
  size_t bad_frames_ = 0;

  std::deque<std::string> out_;
  size_t out_bytes_ = 0;
  bool writing_ = false;
  bool close_after_writes_ = false;
};

}  // namespace kc::wsapi
