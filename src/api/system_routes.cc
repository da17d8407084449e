#include "api/system_routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

}  // namespace

void AddSystemRoutes(gateway::RouteTable& routes, const Clock& clock, const ServiceState& state) {
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/timestamp",
              .access = Access::kPublic,
              .permission = Permission::kNone,
              .pool = RatePool::kPublic,
              .weight = 3,
              .handler = [&clock](const std::shared_ptr<Call>& call) {
                call->Respond(gateway::ApiResponse::Ok(std::to_string(clock.NowMs())));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/status",
              .access = Access::kPublic,
              .permission = Permission::kNone,
              .pool = RatePool::kPublic,
              .weight = 3,
              .handler = [&state](const std::shared_ptr<Call>& call) {
                auto [status, message] = state.Get();
                json::object data{{"status", StatusName(status)}, {"msg", message}};
                call->Respond(gateway::ApiResponse::Ok(json::serialize(data)));
              }});
}

void AddUserRoutes(gateway::RouteTable& routes, const UserDirectory& users) {
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/user/api-key",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kManagement,
              .weight = 20,
              .handler = [](const std::shared_ptr<Call>& call) {
                const gateway::ApiKey& key = *call->api_key();
                json::object data{
                    {"remark", key.remark},
                    {"apiKey", key.key},
                    {"apiVersion", key.version},
                    {"permission", key.permissions.ToString()},
                    {"ipWhitelist", Join(key.ip_whitelist)},
                    {"createdAt", key.created_at_ms},
                    {"uid", key.uid},
                    {"isMaster", !key.is_sub},
                };
                call->Respond(gateway::ApiResponse::Ok(json::serialize(data)));
              }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v2/user-info",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kManagement,
              .weight = 20,
              .master_only = true,
              .handler = [&users](const std::shared_ptr<Call>& call) {
                auto user = users.FindUser(call->api_key()->uid);
                if (!user) return call->Fail(Error(ErrorCode::kInternal));
                const int extra_subs = user->max_spot_sub_quantity + user->max_margin_sub_quantity +
                                       user->max_futures_sub_quantity +
                                       user->max_option_sub_quantity;
                json::object data{
                    {"level", user->level},
                    {"subQuantity", user->sub_quantity},
                    {"spotSubQuantity", user->spot_sub_quantity},
                    {"marginSubQuantity", user->margin_sub_quantity},
                    {"futuresSubQuantity", user->futures_sub_quantity},
                    {"optionSubQuantity", user->option_sub_quantity},
                    {"maxSubQuantity", user->max_default_sub_quantity + extra_subs},
                    {"maxDefaultSubQuantity", user->max_default_sub_quantity},
                    {"maxSpotSubQuantity", user->max_spot_sub_quantity},
                    {"maxMarginSubQuantity", user->max_margin_sub_quantity},
                    {"maxFuturesSubQuantity", user->max_futures_sub_quantity},
                    {"maxOptionSubQuantity", user->max_option_sub_quantity},
                };
                call->Respond(gateway::ApiResponse::Ok(json::serialize(data)));
              }});
}

}  // namespace kc::api
