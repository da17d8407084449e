#include "app/config.h"

#include <toml++/toml.h>
#include <charconv>
#include <stdexcept>

namespace kc::app {
namespace {

template <typename T>
void Read(const toml::table& table, std::string_view path, T& out) {
  auto node = table.at_path(path);
  if (!node) return;
  if constexpr (std::is_same_v<T, std::string>) {
    auto value = node.value<std::string>();
    if (!value) throw std::runtime_error(std::string(path) + " must be a string");
    out = *value;
  } else if constexpr (std::is_same_v<T, bool>) {
    auto value = node.value<bool>();
    if (!value) throw std::runtime_error(std::string(path) + " must be true or false");
    out = *value;
  } else {
    auto value = node.value<int64_t>();
    if (!value || *value < 0) {
      throw std::runtime_error(std::string(path) + " must be a non-negative integer");
    }
    out = static_cast<T>(*value);
  }
}

}  // namespace

Config LoadConfig(const std::string& path) {
  Config config;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(path + ": " + std::string(e.description()));
  }
  Read(table, "server.listen", config.listen);
  Read(table, "server.data_dir", config.data_dir);
  Read(table, "server.threads", config.threads);
  Read(table, "http.header_limit_bytes", config.header_limit_bytes);
  Read(table, "http.body_limit_bytes", config.body_limit_bytes);
  Read(table, "http.read_timeout_ms", config.read_timeout_ms);
  Read(table, "auth.timestamp_window_ms", config.timestamp_window_ms);
  Read(table, "security.master_key", config.master_key);
  Read(table, "demo.create_key", config.demo_key);
  return config;
}

std::optional<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || begin == end || port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace kc::app
