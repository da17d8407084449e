#include "api/listed_derivatives_routes.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using gateway::Access;
using gateway::ApiResponse;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

void AddListedDerivativesRoutes(gateway::RouteTable& routes, const Clock& clock) {
  // Weights and permissions as KuCoin's (ccxt's `cost` mirrors them).
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v3/margin/symbols",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kSpot,
              .weight = 3,
              .handler = [&clock](const std::shared_ptr<Call>& call) {
                json::object data{{"timestamp", clock.NowMs()}, {"items", json::array()}};
                call->Respond(ApiResponse::Ok(json::serialize(data)));
              }});
  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/isolated/symbols",
       .access = Access::kPrivate,
       .permission = Permission::kGeneral,
       .pool = RatePool::kSpot,
       .weight = 3,
       .handler = [](const std::shared_ptr<Call>& call) { call->Respond(ApiResponse::Ok("[]")); }});
  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/contracts/active",
       .access = Access::kPublic,
       .permission = Permission::kNone,
       .pool = RatePool::kPublic,
       .weight = 3,
       .handler = [](const std::shared_ptr<Call>& call) { call->Respond(ApiResponse::Ok("[]")); }});
}

}  // namespace kc::api
