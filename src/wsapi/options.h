// The WebSocket order API's settings ([wsapi] in kcgate.toml). Filled by
// app/config before the service starts; read-only afterwards, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kc::wsapi {

struct Options {
  // The upgrade path on the REST listener (KuCoin: wss://wsapi.kucoin.com/v1/private).
  std::string path = "/v1/private";
  // From the challenge until the signed answer must have arrived (400012).
  int64_t signin_timeout_ms = 30'000;
  // Announced in the welcome; a session that sends nothing (no frame, not
  // even a WebSocket ping) for ping_interval_ms + ping_timeout_ms is closed.
  int64_t ping_interval_ms = 18'000;
  int64_t ping_timeout_ms = 10'000;
  // Open sessions of one API key; one more is refused at connect (429000).
  size_t max_sessions_per_key = 50;
  // Unreadable frames (420002), requests without an id (4001002) or with an
  // unknown op or malformed args (400102) one session may send per
  // error_window_ms; one more ends the session with 420001.
  size_t max_bad_frames = 10;
  int64_t error_window_ms = 10'000;
  // Requests of one session the engine may be working on at once (a
  // pipelining client beyond it is simply not read until answers go out).
  size_t max_in_flight = 256;
  size_t max_message_bytes = 64 * 1024;
  // Answers queued for a client that does not read; beyond it, dropped.
  size_t send_queue_bytes = 4 * 1024 * 1024;
};

}  // namespace kc::wsapi
