// kcgate's configuration: defaults, then a TOML file, then command-line flags.
// Read once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kc::app {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  unsigned threads = 0;  // event loops; 0 = one per core
  size_t header_limit_bytes = 8 * 1024;
  size_t body_limit_bytes = 1024 * 1024;
  int64_t read_timeout_ms = 30'000;
  int64_t timestamp_window_ms = 5'000;
  std::string master_key;  // 64 hex digits; else KCGATE_MASTER_KEY, else <data>/master.key
  bool demo_key = true;    // create and print a demo key when the store has none
};

// Reads `path` over the defaults. Throws std::runtime_error naming the bad key.
Config LoadConfig(const std::string& path);

// "127.0.0.1:8080" -> host and port; nullopt when malformed.
std::optional<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& listen);

}  // namespace kc::app
