#include "app/access_log.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/json/serializer.hpp>
#include <charconv>
#include <chrono>
#include <ctime>

#include "core/ascii.h"

namespace kc::app {

namespace {

constexpr size_t kBatchBytes = 64 * 1024;
constexpr size_t kKeyPrefix = 8;

// Credential-carrying query parameters (push bullet tokens, WS API connect
// signatures; REST never has them, but a client may put anything there).
constexpr std::array<std::string_view, 9> kSecretParams = {
    "token",   "sign",   "signature",    "passphrase", "apikey",
    "api_key", "secret", "partner_sign", "key"};

void AppendString(std::string& out, std::string_view text) {
  boost::json::serializer serializer;
  serializer.reset(text);
  char buffer[256];
  while (!serializer.done()) {
    const std::string_view chunk = serializer.read(buffer);
    out.append(chunk.data(), chunk.size());
  }
}

void AppendInt(std::string& out, int64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(",\"").append(name).append("\":");
  AppendString(out, value);
}

void AppendField(std::string& out, std::string_view name, int64_t value) {
  out.append(",\"").append(name).append("\":");
  AppendInt(out, value);
}

// {"time":"2026-12-07T20:41:00.123Z","type":"…"
void AppendHead(std::string& out, int64_t time_ms, std::string_view type) {
  const std::time_t seconds = time_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[40];
  const size_t n = std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  out.append(R"({"time":")").append(stamp, n).append(".");
  const auto millis = static_cast<int>(time_ms % 1000);
  out.push_back(static_cast<char>('0' + millis / 100));
  out.push_back(static_cast<char>('0' + millis / 10 % 10));
  out.push_back(static_cast<char>('0' + millis % 10));
  out.append(R"(Z","type":")").append(type).append("\"");
}

std::string_view KeyPrefix(std::string_view key) { return key.substr(0, kKeyPrefix); }

}  // namespace

std::string RedactQuery(std::string_view query) {
  std::string out;
  out.reserve(query.size());
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (!out.empty()) out.push_back('&');
    const size_t eq = pair.find('=');
    const std::string_view name = pair.substr(0, eq);
    bool secret = false;
    for (std::string_view candidate : kSecretParams)
      secret = secret || EqualsNoCase(name, candidate);
    if (secret && eq != std::string_view::npos) {
      out.append(name).append("=REDACTED");
    } else {
      out.append(pair);
    }
  }
  return out;
}

AccessLog::AccessLog(const AccessLogConfig& config, const std::string& path)
    // A rotated file never passes max_bytes: a batch is at most a quarter of it.
    : batch_bytes_(std::max<size_t>(1, std::min(kBatchBytes, config.max_bytes / 4))) {
  if (config.output == AccessLogConfig::Output::kFile) {
    sink_ = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, config.max_bytes,
                                                                   config.max_files);
  } else {
    sink_ = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  }
  sink_->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v"));
  pending_.reserve(batch_bytes_ + 1024);
  flusher_ = std::make_unique<spdlog::details::periodic_worker>([this] { Flush(); },
                                                                std::chrono::seconds(1));
}

AccessLog::~AccessLog() {
  flusher_.reset();
  Flush();
}

void AccessLog::Flush() {
  std::lock_guard lock(mutex_);
  WriteLocked();
}

void AccessLog::Append(const std::string& line) {
  std::lock_guard lock(mutex_);
  if (!pending_.empty()) pending_.push_back('\n');
  pending_.append(line);
  if (pending_.size() >= batch_bytes_) WriteLocked();
}

void AccessLog::WriteLocked() {
  if (pending_.empty()) return;
  // One sink message holding whole lines; the sink adds the last newline.
  spdlog::details::log_msg batch("access", spdlog::level::info,
                                 spdlog::string_view_t(pending_.data(), pending_.size()));
  try {
    sink_->log(batch);
    sink_->flush();
  } catch (const std::exception& e) {
    spdlog::warn("access log: {} lines lost: {}",
                 std::count(pending_.begin(), pending_.end(), '\n') + 1, e.what());
  }
  pending_.clear();
}

void AccessLog::OnRequest(const RequestRecord& record) {
  std::string line;
  line.reserve(320);
  AppendHead(line, record.time_ms, "request");
  AppendField(line, "client", record.client_ip);
  AppendField(line, "method", record.method);
  AppendField(line, "path", record.path);
  if (!record.query.empty()) AppendField(line, "query", RedactQuery(record.query));
  AppendField(line, "route", record.route);
  if (record.uid != 0) AppendField(line, "uid", record.uid);
  if (!record.api_key.empty()) AppendField(line, "key", KeyPrefix(record.api_key));
  AppendField(line, "status", static_cast<int64_t>(record.status));
  AppendField(line, "code", record.code);
  AppendField(line, "latency_us", record.latency_us);
  AppendField(line, "request_bytes", static_cast<int64_t>(record.request_bytes));
  AppendField(line, "response_bytes", static_cast<int64_t>(record.response_bytes));
  line.push_back('}');
  Append(line);
}

void AccessLog::OnSession(const SessionRecord& record) {
  std::string line;
  line.reserve(256);
  AppendHead(line, record.time_ms, "session");
  AppendField(line, "service", record.kind == SessionKind::kPush ? "push" : "wsapi");
  AppendField(line, "event", record.opened ? "open" : "close");
  AppendField(line, "client", record.client_ip);
  if (!record.session_id.empty()) AppendField(line, "session", record.session_id);
  if (record.uid != 0) AppendField(line, "uid", record.uid);
  if (!record.api_key.empty()) AppendField(line, "key", KeyPrefix(record.api_key));
  if (!record.opened) {
    AppendField(line, "reason", record.reason);
    AppendField(line, "duration_ms", record.duration_ms);
  }
  line.push_back('}');
  Append(line);
}

}  // namespace kc::app
