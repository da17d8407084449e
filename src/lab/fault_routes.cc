#include "lab/fault_routes.h"

#include <boost/json.hpp>
#include <charconv>

#include "admin/body.h"
#include "lab/codes.h"

namespace kc::lab {

namespace json = boost::json;
using admin::AdminReply;
using admin::AdminRequest;
using admin::Fields;

namespace {

// A code kcgate answers where the rule applies, and its text there: push
// sessions (kinds push and connect) also answer push's own codes (404
// "topic does not exist", 500 "system error"), REST and the WS API only
// registry and business codes. Returns the message.
std::string KnownCode(const Fields& fields, std::string_view name, std::optional<FaultKind> kind,
                      std::string& code) {
  code = fields.RequireString(name);
  const bool push = kind == FaultKind::kPush || kind == FaultKind::kConnect;
  if (push) {
    if (auto message = PushCodeMessage(code)) return *message;
  }
  if (auto answer = DescribeCode(code)) return answer->message;
  fields.Refuse(name, "is not a code kcgate answers" +
                          std::string(push ? " on push sessions: " : ": ") + code);
}

}  // namespace

FaultRule ParseFaultRule(const json::object& body) {
  Fields fields(body);
  fields.OnlyKnown({"match", "action", "times", "probability", "seed"});
  FaultRule rule;
  if (auto match = fields.Object("match")) {
    match->OnlyKnown({"kind", "method", "path", "uid", "apiKey", "ip", "topic", "op"});
    if (auto kind = match->String("kind")) {
      rule.match.kind = ParseFaultKind(*kind);
      if (!rule.match.kind) match->Refuse("kind", "must be rest, push, wsapi or connect");
    }
    rule.match.method = match->String("method").value_or("");
    for (char& c : rule.match.method) c = static_cast<char>(std::toupper(c));
    rule.match.path = match->String("path").value_or("");
    rule.match.uid = match->Int("uid").value_or(0);
    rule.match.api_key = match->String("apiKey").value_or("");
    rule.match.ip = match->String("ip").value_or("");
    rule.match.topic = match->String("topic").value_or("");
    rule.match.op = match->String("op").value_or("");
  }
  auto action = fields.Object("action");
  if (!action) fields.Refuse("action", "is required");
  action->OnlyKnown({"code", "delay_ms", "after", "disconnect", "close"});
  FaultAction& a = rule.action;
  const std::optional<FaultKind> kind = rule.match.kind;
  if (action->Has("code")) a.message = KnownCode(*action, "code", kind, a.code);
  a.delay_ms = action->Int("delay_ms").value_or(0);
  if (a.delay_ms < 0 || a.delay_ms > 600'000) {
    action->Refuse("delay_ms", "must be 0 to 600000");
  }
  if (auto after = action->String("after")) {
    if (*after != "execute") action->Refuse("after", "must be \"execute\"");
    if (a.code.empty()) action->Refuse("code", "is required with after: execute");
    if (kind == FaultKind::kConnect) {
      action->Refuse("after", "applies to rest, push and wsapi rules, not connect");
    }
    a.after_execute = true;
  }
  a.disconnect = action->Bool("disconnect").value_or(false);
  if (auto close = action->Object("close")) {
    close->OnlyKnown({"code"});
    if (kind != FaultKind::kPush && kind != FaultKind::kWsApi && kind != FaultKind::kConnect) {
      action->Refuse("close", "needs match.kind push, wsapi or connect (a session to close)");
    }
    a.close_message = KnownCode(*close, "code", kind, a.close_code);
  }
  if (a.code.empty() && a.delay_ms == 0 && !a.disconnect && a.close_code.empty()) {
    fields.Refuse("action", "needs code, delay_ms, disconnect or close");
  }
  if (a.disconnect && !a.code.empty()) {
    action->Refuse("disconnect", "cannot go with a code (a dropped connection answers nothing)");
  }
  rule.times = fields.Int("times").value_or(0);
  if (rule.times < 0) fields.Refuse("times", "must be positive");
  rule.probability = fields.Number("probability").value_or(1.0);
  if (!(rule.probability > 0.0 && rule.probability <= 1.0)) {
    fields.Refuse("probability", "must be in (0, 1]");
  }
  const auto seed = fields.Int("seed").value_or(0);
  if (seed < 0) fields.Refuse("seed", "must be a non-negative integer");
  rule.seed = static_cast<uint64_t>(seed);
  return rule;
}

json::object FaultJson(const ListedFault& fault) {
  const FaultRule& r = fault.rule;
  json::object match;
  if (r.match.kind) match["kind"] = ToString(*r.match.kind);
  auto text = [&match](const char* name, const std::string& value) {
    if (!value.empty()) match[name] = value;
  };
  text("method", r.match.method);
  text("path", r.match.path);
  if (r.match.uid) match["uid"] = r.match.uid;
  text("apiKey", r.match.api_key);
  text("ip", r.match.ip);
  text("topic", r.match.topic);
  text("op", r.match.op);
  json::object action;
  if (!r.action.code.empty()) action["code"] = r.action.code;
  if (r.action.delay_ms) action["delay_ms"] = r.action.delay_ms;
  if (r.action.after_execute) action["after"] = "execute";
  if (r.action.disconnect) action["disconnect"] = true;
  if (!r.action.close_code.empty()) action["close"] = json::object{{"code", r.action.close_code}};
  json::object out{{"id", fault.id},
                   {"match", std::move(match)},
                   {"action", std::move(action)},
                   {"probability", r.probability},
                   {"seed", r.seed},
                   {"hits", fault.hits}};
  if (r.times) {
    out["times"] = r.times;
    out["remaining"] = fault.remaining;
  }
  return out;
}

void AddFaultRoutes(admin::Router& router, FaultBook& book) {
  router.Add(admin::http::verb::post, "/admin/v1/faults", [&book](const AdminRequest& request) {
    const uint64_t id = book.Add(ParseFaultRule(request.JsonBody()));
    return AdminReply::Json(json::object{{"id", id}});
  });
  router.Add(admin::http::verb::get, "/admin/v1/faults", [&book](const AdminRequest&) {
    json::array rules;
    for (const ListedFault& fault : book.List()) rules.push_back(FaultJson(fault));
    return AdminReply::Json(rules);
  });
  router.Add(admin::http::verb::delete_, "/admin/v1/faults/{id}",
             [&book](const AdminRequest& request) {
               const std::string_view text = request.Param("id");
               uint64_t id = 0;
               auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
               if (ec != std::errc() || end != text.data() + text.size()) {
                 throw admin::BadRequest("id", "id must be a rule id");
               }
               if (!book.Remove(id)) throw admin::NotFound("no fault rule " + std::string(text));
               return AdminReply::Json(json::object{{"id", id}, {"removed", true}});
             });
  router.Add(admin::http::verb::delete_, "/admin/v1/faults", [&book](const AdminRequest&) {
    book.Clear();
    return AdminReply::Json(json::object{{"removed", true}});
  });
}

}  // namespace kc::lab
