// KuCoin's WebSocket order API ("WS API") as the rest of kcgate sees it: the
// upgrade entry for /v1/private on the REST listener (app::Server routes it
// here from the gateway's upgrade hook), and the registry of open sessions.
//
// A session (session.h) lives on the event loop its connection came in on.
// The registry is the only state shared between loops: sessions per API key
// (bounded by Options::max_sessions_per_key) and a handle to each open
// session, guarded by one mutex. Owned by app::Server; constructed before the
// loops run; every public member is thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/access_events.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/fault_book.h"
#include "gateway/rate_limit.h"
#include "net/http_server.h"
#include "wsapi/connect_check.h"
#include "wsapi/options.h"
#include "wsapi/order_desk.h"

namespace kc::wsapi {

class Session;

class WsApiService {
 public:
  WsApiService(Options options, ConnectCheck check, gateway::RateLimit& rate_limit, OrderDesk& desk,
               const Clock& clock);
  ~WsApiService();
  WsApiService(const WsApiService&) = delete;
  WsApiService& operator=(const WsApiService&) = delete;

  // Whether an HTTP upgrade request is for the WS API (its path, e.g. /v1/private).
  bool WantsUpgrade(const net::HttpRequest& request) const;
  // Completes the WebSocket handshake on the connection's loop and starts a
  // session: the connect check, then the challenge.
  void OnUpgrade(net::HttpRequest request, boost::beast::tcp_stream stream, const net::Peer& peer);

  // Sends every open session the error frame of `error` and closes it, e.g.
  // 501000 "The service has stopped running…" for maintenance or shutdown.
  // Posts to each session's loop and returns at once; sessions opened later
  // are not affected (ConnectCheck refuses them while the service is closed).
  void CloseAll(const Error& error);
  // Open sessions (connected and past the connect check), for tests and stats.
  size_t session_count() const;

  // ---- for sessions ----
  const Options& options() const { return options_; }
  const ConnectCheck& connect_check() const { return check_; }
  gateway::RateLimit& rate_limit() { return rate_limit_; }
  OrderDesk& desk() { return desk_; }
  const Clock& clock() const { return clock_; }
  // Told of sessions signed in and ended (access log, metrics); before serving.
  void SetObserver(AccessObserver* observer) { observer_ = observer; }
  AccessObserver* observer() const { return observer_; }
  // The test lab's fault rules, asked on connect and per operation; before serving.
  void SetFaults(FaultBook* faults) { faults_ = faults; }
  FaultBook* faults() const { return faults_; }
  // Counts a session of `api_key`; false (nothing counted) when the key has
  // its maximum open already.
  bool Admit(const std::string& api_key, Session* session, const boost::asio::any_io_executor& loop,
             std::weak_ptr<Session> handle);
  // Undoes Admit; once per admitted session.
  void Release(const std::string& api_key, Session* session);

 private:
  struct Entry {
    boost::asio::any_io_executor loop;
    std::weak_ptr<Session> session;
  };

  Options options_;
  ConnectCheck check_;
  gateway::RateLimit& rate_limit_;
  OrderDesk& desk_;
  const Clock& clock_;
  AccessObserver* observer_ = nullptr;
  FaultBook* faults_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::string, size_t, std::less<>> per_key_;  // guarded by mutex_
  std::map<Session*, Entry> sessions_;                  // guarded by mutex_
};

}  // namespace kc::wsapi
