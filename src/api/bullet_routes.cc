#include "api/bullet_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/request_body.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

std::string BulletAnswer(const push::PushService& push, std::string token) {
  const push::InstanceServer server = push.instance_server();
  json::object instance{{"endpoint", server.endpoint},
                        {"encrypt", server.encrypt},
                        {"protocol", "websocket"},
                        {"pingInterval", server.ping_interval_ms},
                        {"pingTimeout", server.ping_timeout_ms}};
  json::object data{{"token", std::move(token)}, {"instanceServers", json::array{instance}}};
  return json::serialize(data);
}

}  // namespace

void AddBulletRoutes(gateway::RouteTable& routes, const push::PushService& push) {
  // The official SDK posts an empty body, kucoin-node-sdk "{}"; both read as {}.
  routes.Add({.method = http::verb::post,
              .pattern = "/api/v1/bullet-public",
              .access = Access::kPublic,
              .permission = Permission::kNone,
              .pool = RatePool::kPublic,
              .weight = 10,
              .handler = [&push](const std::shared_ptr<Call>& call) {
                auto body = ParseJsonObject(call->body());
                if (!body) return call->Fail(body.error());
                call->Respond(
                    gateway::ApiResponse::Ok(BulletAnswer(push, push.tokens().IssuePublic())));
              }});
  routes.Add({.method = http::verb::post,
              .pattern = "/api/v1/bullet-private",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kSpot,
              .weight = 10,
              .handler = [&push](const std::shared_ptr<Call>& call) {
                auto body = ParseJsonObject(call->body());
                if (!body) return call->Fail(body.error());
                call->Respond(gateway::ApiResponse::Ok(
                    BulletAnswer(push, push.tokens().IssuePrivate(call->api_key()->uid))));
              }});
}

}  // namespace kc::api
