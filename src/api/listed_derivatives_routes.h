// The market lists of KuCoin's margin and futures products, which kcgate does
// not trade: cross and isolated margin symbols (GET /api/v3/margin/symbols,
// GET /api/v1/isolated/symbols) and active futures contracts (GET
// /api/v1/contracts/active, on KuCoin's futures host). Clients that enumerate
// every market before trading spot (ccxt's loadMarkets asks for all three)
// get KuCoin's shapes with no entries, which is the truth here.
#pragma once

#include "core/clock.h"
#include "gateway/route_table.h"

namespace kc::api {

void AddListedDerivativesRoutes(gateway::RouteTable& routes, const Clock& clock);

}  // namespace kc::api
