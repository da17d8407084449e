// What every REST route file needs beside its handlers: a JSON success
// answer, a private Spot-pool route entry, the caller's trading uid and a
// refusal as KuCoin's answer (Refuse, in engine_calls.h). One copy for all the *_routes.cc files.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/spot_json.h"
#include "core/error.h"
#include "engine/types.h"
#include "gateway/api_response.h"
#include "gateway/call.h"
#include "gateway/route_table.h"

namespace kc::api {

// {"code":"200000","data":<data>}
inline gateway::ApiResponse Ok(const boost::json::value& data) {
  return gateway::ApiResponse::Ok(boost::json::serialize(data));
}

// A private route in KuCoin's Spot rate-limit pool.
inline void AddSpot(gateway::RouteTable& routes, boost::beast::http::verb method,
                    std::string pattern, gateway::Permission permission, int weight,
                    gateway::RouteHandler handler) {
  routes.Add({.method = method,
              .pattern = std::move(pattern),
              .access = gateway::Access::kPrivate,
              .permission = permission,
              .pool = gateway::RatePool::kSpot,
              .weight = weight,
              .handler = std::move(handler)});
}

// The caller's engine uid, or answers 400010 and returns nullopt.
inline std::optional<engine::Uid> Caller(const std::shared_ptr<gateway::Call>& call) {
  auto uid = TradingUid(*call);
  if (!uid) call->Fail(Error(ErrorCode::kUidDenied));
  return uid;
}

}  // namespace kc::api
