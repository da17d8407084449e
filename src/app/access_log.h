// The access log: one JSON line per answered REST request and per WebSocket
// session opened or closed. Lines are gathered in memory and handed to the
// sink (spdlog's rotating file or stdout sink) in batches of up to 64 KiB, and
// at least every second: one write per batch instead of a queue hand-off and
// a thread wake-up per line (which cost more than half of a loop's throughput
// when measured; bench/access_log_cost.sh). Never written: secrets, passphrases,
// signatures, whole API keys (an 8-character prefix names the key), or the
// values of query parameters that carry credentials (bullet tokens, WS API
// connect signatures). Output: off, stdout, or a file rotated by size
// (spdlog's rotating sink). Thread-safe.
#pragma once

#include <spdlog/common.h>
#include <spdlog/details/periodic_worker.h>
#include <spdlog/sinks/sink.h>

#include <memory>
#include <mutex>
#include <string>

#include "app/config.h"
#include "core/access_events.h"

namespace kc::app {

class AccessLog final : public AccessObserver {
 public:
  // `path` is resolved already (kFile). Throws spdlog::spdlog_ex when the file
  // cannot be opened.
  AccessLog(const AccessLogConfig& config, const std::string& path);
  ~AccessLog() override;  // flushes

  void OnRequest(const RequestRecord& record) override;
  void OnSession(const SessionRecord& record) override;
  // Writes what is gathered (the periodic flush; tests).
  void Flush();

 private:
  void Append(const std::string& line);
  void WriteLocked();  // mutex_ held

  std::shared_ptr<spdlog::sinks::sink> sink_;
  size_t batch_bytes_;
  std::mutex mutex_;
  std::string pending_;  // whole lines, '\n'-separated; guarded by mutex_
  std::unique_ptr<spdlog::details::periodic_worker> flusher_;
};

// The query with the values of credential-carrying parameters replaced by
// "REDACTED" (token, sign, signature, passphrase, apikey, secret, ...).
std::string RedactQuery(std::string_view query);

}  // namespace kc::app
