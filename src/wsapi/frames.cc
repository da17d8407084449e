#include "wsapi/frames.h"

#include <boost/json/serializer.hpp>
#include <charconv>

namespace kc::wsapi {

namespace json = boost::json;

namespace {

// Frames are built by appending to one string: no temporary string per
// field (an answer is written per order, on the event loop).
void AppendSerialized(std::string& out, json::serializer& serializer) {
  char buffer[256];
  while (!serializer.done()) {
    const std::string_view chunk = serializer.read(buffer);
    out.append(chunk.data(), chunk.size());
  }
}

void AppendQuoted(std::string& out, std::string_view text) {
  json::serializer serializer;
  serializer.reset(text);
  AppendSerialized(out, serializer);
}

void AppendJson(std::string& out, const json::value& value) {
  json::serializer serializer;
  serializer.reset(&value);
  AppendSerialized(out, serializer);
}

void AppendInt(std::string& out, int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, end);
}

void AppendTimes(std::string& out, Times times) {
  out += R"(,"inTime":)";
  AppendInt(out, times.in);
  out += R"(,"outTime":)";
  AppendInt(out, times.out);
}

void AppendRate(std::string& out, const gateway::RateDecision* rate) {
  if (rate == nullptr) return;
  out += R"(,"userRateLimit":{"limit":)";
  AppendInt(out, rate->limit);
  out += R"(,"reset":)";
  AppendInt(out, rate->reset_ms);
  out += R"(,"remaining":)";
  AppendInt(out, rate->remaining);
  out += '}';
}

void AppendIdOp(std::string& out, std::string_view id, std::string_view op) {
  out += R"({"id":)";
  AppendQuoted(out, id);
  out += R"(,"op":)";
  AppendQuoted(out, op);
}

}  // namespace

std::string ChallengeFrame(std::string_view session_id, int64_t timestamp_ms) {
  std::string out = R"({"sessionId":)";
  AppendQuoted(out, session_id);
  out += R"(,"timestamp":)";
  out += std::to_string(timestamp_ms);
  out += '}';
  return out;
}

std::string WelcomeFrame(std::string_view session_id, int64_t ping_interval_ms,
                         int64_t ping_timeout_ms) {
  std::string out = R"({"sessionId":)";
  AppendQuoted(out, session_id);
  out += R"(,"data":"welcome","pingInterval":)";
  out += std::to_string(ping_interval_ms);
  out += R"(,"pingTimeout":)";
  out += std::to_string(ping_timeout_ms);
  out += '}';
  return out;
}

std::string ErrorFrame(std::string_view code, std::string_view message, Times times) {
  std::string out = R"({"code":)";
  AppendQuoted(out, code);
  out += R"(,"msg":)";
  AppendQuoted(out, message);
  AppendTimes(out, times);
  out += '}';
  return out;
}

std::string ErrorFrame(const Error& error, Times times) {
  return ErrorFrame(std::to_string(Numeric(error.code())), error.Message(), times);
}

std::string AnswerFrame(std::string_view id, std::string_view op, const json::value& data,
                        Times times, const gateway::RateDecision* rate) {
  std::string out;
  out.reserve(192);
  AppendIdOp(out, id, op);
  out += R"(,"code":"200000","data":)";
  AppendJson(out, data);
  AppendTimes(out, times);
  AppendRate(out, rate);
  out += '}';
  return out;
}

std::string RefusalFrame(std::string_view id, std::string_view op, std::string_view code,
                         std::string_view message, Times times, const gateway::RateDecision* rate) {
  std::string out;
  out.reserve(192);
  AppendIdOp(out, id, op);
  out += R"(,"code":)";
  AppendQuoted(out, code);
  out += R"(,"msg":)";
  AppendQuoted(out, message);
  AppendTimes(out, times);
  AppendRate(out, rate);
  out += '}';
  return out;
}

std::string PongFrame(std::string_view id, const json::value& timestamp) {
  std::string out = R"({"id":)";
  AppendQuoted(out, id);
  out += R"(,"op":"pong","timestamp":)";
  AppendJson(out, timestamp);
  out += '}';
  return out;
}

}  // namespace kc::wsapi
