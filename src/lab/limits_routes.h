// The rate limits' admin API (issue 13, item 8):
//   GET  /admin/v1/limits?uid=U | ?ip=A  each pool's limit, remaining and
//                                        reset (ms) as the next request sees them
//   POST /admin/v1/limits/reset          every window forgotten
#pragma once

#include "admin/router.h"
#include "gateway/rate_limit.h"

namespace kc::lab {

void AddLimitsRoutes(admin::Router& router, gateway::RateLimit& limits);

}  // namespace kc::lab
