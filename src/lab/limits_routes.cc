#include "lab/limits_routes.h"

#include <boost/json.hpp>
#include <charconv>

namespace kc::lab {

namespace {

std::string_view PoolName(gateway::RatePool pool) {
  switch (pool) {
    case gateway::RatePool::kPublic:
      return "public";
    case gateway::RatePool::kSpot:
      return "spot";
    case gateway::RatePool::kManagement:
      return "management";
    case gateway::RatePool::kFutures:
      return "futures";
    case gateway::RatePool::kEarn:
      return "earn";
  }
  return "";
}

}  // namespace

void AddLimitsRoutes(admin::Router& router, gateway::RateLimit& limits) {
  router.Add(
      admin::http::verb::get, "/admin/v1/limits", [&limits](const admin::AdminRequest& request) {
        const std::string* uid = request.Query("uid");
        const std::string* ip = request.Query("ip");
        if ((uid == nullptr) == (ip == nullptr)) {
          throw admin::BadRequest("uid", "give exactly one of uid or ip");
        }
        std::string owner;
        if (uid) {
          int64_t value = 0;
          auto [end, ec] = std::from_chars(uid->data(), uid->data() + uid->size(), value);
          if (ec != std::errc() || end != uid->data() + uid->size() || value <= 0) {
            throw admin::BadRequest("uid", "uid must be a positive integer");
          }
          owner = gateway::RateLimit::UidOwner(value);
        } else {
          if (ip->empty()) throw admin::BadRequest("ip", "ip is empty");
          owner = "ip:" + *ip;
        }
        boost::json::array pools;
        for (const auto& view : limits.View(owner)) {
          pools.push_back(boost::json::object{{"pool", PoolName(view.pool)},
                                              {"limit", view.decision.limit},
                                              {"remaining", view.decision.remaining},
                                              {"resetMs", view.decision.reset_ms}});
        }
        return admin::AdminReply::Json(boost::json::object{{"owner", owner},
                                                           {"enabled", limits.options().enabled},
                                                           {"windowMs", limits.options().window_ms},
                                                           {"pools", std::move(pools)}});
      });
  router.Add(admin::http::verb::post, "/admin/v1/limits/reset",
             [&limits](const admin::AdminRequest&) {
               limits.ResetWindows();
               return admin::AdminReply::Json(boost::json::object{{"reset", true}});
             });
}

}  // namespace kc::lab
