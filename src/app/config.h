// kcgate's configuration: defaults, then a TOML file, then command-line flags.
// Read once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/funding_routes.h"
#include "core/service_state.h"
#include "engine/markets.h"
#include "gateway/access_policy.h"
#include "gateway/authenticate.h"
#include "gateway/rate_limit.h"
#include "push/options.h"
#include "upstream/options.h"
#include "wsapi/options.h"

namespace kc::app {

// The built-in market maker (app/market_maker.h), the live demo market.
struct MarketMakerConfig {
  // Unset: on under the kcgate command (`make run`), off for a Server built
  // in-process from Config{} (tests). `--no-market-maker` turns it off.
  std::optional<bool> enabled;
  int64_t uid = 9'000'000'001;  // quotes; uid + 1 sends the crossing orders
  uint64_t seed = 0;            // 0: from the clock; else a repeatable price path
  int64_t interval_ms = 1000;   // one price step of every symbol per interval
  unsigned levels = 5;          // quotes per side
  int64_t trade_percent = 30;   // chance, per symbol and step, of a crossing order
};

// The engine journal (<data>/journal.db, store/sqlite_journal.h).
struct JournalConfig {
  int64_t wal_autocheckpoint_pages = 4096;  // WAL size that triggers a checkpoint
  // Engine snapshots (restart = newest snapshot + the journal after it):
  // after this many journaled commands, or this long with any; 0 = never.
  uint64_t snapshot_every_commands = 100'000;
  int64_t snapshot_every_ms = 60'000;
  // Keep the batches snapshots cover (a full audit trail; the file grows).
  bool keep_all_batches = false;
};

// [admin]: the admin listener (admin/router.h): the test lab's control API.
struct AdminConfig {
  // "HOST:PORT"; "" disables it. Unset: 127.0.0.1:8090 under the kcgate
  // command, off for a Server built in-process from Config{} (tests).
  std::optional<std::string> listen;
  std::string token;  // "": generated into <data>/admin.token (mode 0600)
};

// [lab]: the test lab's switches on the KuCoin listener.
struct LabConfig {
  // kc-explain on 400005/400004 (gateway/explain.h). Unset: on when the
  // KuCoin listener is a loopback address, off otherwise (ExplainSignatures).
  std::optional<bool> explain;
};

// [access_log]: one JSON line per request and per WebSocket session (app/access_log.h).
struct AccessLogConfig {
  enum class Output { kOff, kStdout, kFile };
  Output output = Output::kOff;
  std::string path;                      // kFile; empty: <data>/access.log
  size_t max_bytes = 100 * 1024 * 1024;  // one file before it rotates
  size_t max_files = 5;                  // rotated files kept
};

// [metrics]: GET /metrics on the admin listener (app/metrics_routes.h).
struct MetricsConfig {
  bool enabled = true;         // false: nothing counted per request, no /metrics
  bool require_token = false;  // true: /metrics needs the admin bearer token too
};

// [health]: GET /readyz on the admin listener (app/health_routes.h).
struct HealthConfig {
  // Not ready when the engine does not answer, or a journal batch has waited
  // for its sync, longer than this.
  int64_t deadline_ms = 1000;
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  unsigned threads = 0;  // event loops; 0 = one per core
  // Reverse proxies (CIDRs or addresses) whose X-Forwarded-For / X-Real-IP
  // name the client (gateway/client_address.h); empty: the peer is the client.
  std::vector<std::string> trusted_proxies;
  size_t header_limit_bytes = 8 * 1024;
  size_t body_limit_bytes = 1024 * 1024;
  int64_t read_timeout_ms = 30'000;
  // SIGTERM/SIGINT: how long requests in flight may take before 501000.
  int64_t shutdown_deadline_ms = 10'000;
  int64_t timestamp_window_ms = 5'000;
  // [auth] v3_only ("none", "listed", "all") and v3_only_paths: 400008 routes.
  gateway::V3Only v3_only = gateway::V3Only::kListed;
  std::vector<std::string> v3_only_paths;
  std::string master_key;  // 64 hex digits; else KCGATE_MASTER_KEY, else <data>/master.key
  bool demo_key = true;    // create and print a demo key when the store has none
  // [demo] funds: credited once to the demo key's trade account ("AMOUNT CURRENCY").
  std::vector<std::string> demo_funds = {"10000 USDT", "1 BTC"};
  int64_t engine_deadline_ms = 10'000;  // [engine] deadline_ms: 504000 after this
  // [engine] queue_high_water: commands waiting for the engine thread past
  // which new engine-bound requests are shed at once with 503000.
  size_t engine_queue_high_water = 1 << 16;
  // [engine] max_in_flight: commands applied but not yet journaled past which
  // the engine takes no new work (so its queue fills and sheds).
  size_t engine_max_in_flight = 1 << 17;
  // [service]: the status at start (a `kcgate status set` row in the store wins).
  ServiceStatus service_status = ServiceStatus::kOpen;
  std::string service_message;
  JournalConfig journal;
  AccessLogConfig access_log;
  MetricsConfig metrics;
  HealthConfig health;
  MarketMakerConfig market_maker;
  // [markets]: the currencies and symbols traded; nullopt: engine::DefaultMarkets().
  std::optional<engine::MarketConfig> markets;
  api::FundingOptions funding;  // [funding]: simulated deposits and withdrawals
  push::Options push;           // [push]: the WebSocket push service
  wsapi::Options wsapi;         // [wsapi]: the WebSocket order API
  // [[partners]]: broker ids allowed in KC-API-PARTNER, after ccxt's defaults.
  std::vector<gateway::Partner> partners = gateway::DefaultPartners();
  gateway::PolicyOptions policy;         // [region], [[blacklist]], [policy]
  gateway::RateLimitOptions rate_limit;  // [rate_limit]
  std::vector<upstream::UpstreamOptions>
      upstreams;      // [[upstream]]: operator services behind kcgate
  AdminConfig admin;  // [admin]
  LabConfig lab;      // [lab]
};

// [lab] explain, or its default: on for a loopback KuCoin listener.
bool ExplainSignatures(const Config& config);

// Reads `path` over the defaults. Throws std::runtime_error naming the bad key.
Config LoadConfig(const std::string& path);

// "127.0.0.1:8080" -> host and port; nullopt when malformed.
std::optional<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& listen);

}  // namespace kc::app
