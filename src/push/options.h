// The push service's settings, with KuCoin's defaults. Filled by app/config
// (the [push] table) before the service starts; read-only afterwards, so any
// thread may read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kc::push {

struct Options {
  // The WebSocket URL handed out by the bullet endpoints. Empty: derived from
  // the address the server listens on (ws://HOST:PORT/). Set it for wss://
  // behind a TLS proxy; `encrypt` is true exactly when it starts with wss://.
  std::string endpoint;
  int64_t token_ttl_ms = 24 * 60 * 60 * 1000;
  // Announced in the bullet answer; a session with no client message for
  // ping_interval_ms + ping_timeout_ms gets 400 "ping timeout" and is closed.
  int64_t ping_interval_ms = 18'000;
  int64_t ping_timeout_ms = 10'000;
  size_t max_sessions_per_user = 50;
  size_t max_connections = 50'000;  // beyond it: 509 "service busy, please retry later"
  size_t max_topics_per_command = 100;
  size_t max_topics_per_session = 300;
  // Client messages (any frame) per window; over it: 509 "exceed max permits per second".
  size_t max_messages_per_window = 100;
  int64_t message_window_ms = 10'000;
  // Error frames a session may provoke per message window before it is
  // disconnected with 420001 "Too many errors, disconnected...".
  size_t max_errors_per_window = 20;
  // Bytes of frames queued for one session before it counts as too slow and
  // is disconnected (the frames themselves are shared between sessions).
  size_t send_queue_bytes = 4 * 1024 * 1024;
  size_t max_message_bytes = 64 * 1024;  // one client message, after reassembly
};

}  // namespace kc::push
