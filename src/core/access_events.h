// What kcgate tells its observers (the access log; metrics) about traffic:
// each answered REST request and each WebSocket session opened or closed.
// Records hold views into the caller's data, valid only during the call;
// observers copy what they keep. Observers are called on the event loop that
// answered, concurrently from several loops: implementations are thread-safe
// and must not block (the access log hands the line to a background writer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace kc {

struct RequestRecord {
  int64_t time_ms = 0;  // Unix time the answer left
  std::string_view client_ip;
  std::string_view method;
  std::string_view path;     // without the query
  std::string_view query;    // raw, as received (the observer redacts)
  std::string_view route;    // the matched pattern; empty when no route matched
  int64_t route_index = -1;  // the route's index in its RouteTable; -1: none matched
  int64_t uid = 0;           // 0: public route or not authenticated
  std::string_view api_key;
  unsigned status = 0;        // HTTP status
  std::string_view code;      // KuCoin's code in the body ("200000", "400005")
  int64_t latency_us = 0;     // from the request read to the answer handed to the socket
  size_t request_bytes = 0;   // body
  size_t response_bytes = 0;  // body
};

enum class SessionKind { kPush, kWsApi };

struct SessionRecord {
  SessionKind kind = SessionKind::kPush;
  bool opened = false;  // true: signed in / welcomed; false: closed
  int64_t time_ms = 0;
  std::string_view client_ip;
  std::string_view session_id;  // push connectId, WS API sessionId
  int64_t uid = 0;              // 0: public push session
  std::string_view api_key;     // WS API only
  std::string_view reason;      // closed: why
  int64_t duration_ms = 0;      // closed: how long it was open
};

class AccessObserver {
 public:
  virtual ~AccessObserver() = default;
  virtual void OnRequest(const RequestRecord& record) = 0;
  virtual void OnSession(const SessionRecord& record) = 0;
};

}  // namespace kc
