#include "wsapi/frames.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace kc::wsapi {

namespace json = boost::json;

namespace {

void AppendQuoted(std::string& out, std::string_view text) {
  out += json::serialize(json::string(text));
}

void AppendTimes(std::string& out, Times times) {
  out += R"(,"inTime":)";
  out += std::to_string(times.in);
  out += R"(,"outTime":)";
  out += std::to_string(times.out);
}

void AppendRate(std::string& out, const gateway::RateDecision* rate) {
  if (rate == nullptr) return;
  out += R"(,"userRateLimit":{"limit":)";
  out += std::to_string(rate->limit);
  out += R"(,"reset":)";
  out += std::to_string(rate->reset_ms);
  out += R"(,"remaining":)";
  out += std::to_string(rate->remaining);
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
  out += json::serialize(data);
  AppendTimes(out, times);
  AppendRate(out, rate);
  out += '}';
  return out;
}

std::string RefusalFrame(std::string_view id, std::string_view op, std::string_view code,
                         std::string_view message, Times times, const gateway::RateDecision* rate) {
  std::string out;
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
  out += json::serialize(timestamp);
  out += '}';
  return out;
}

}  // namespace kc::wsapi
