#include "api/transfer_routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <string_view>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/order_request.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

// KuCoin's account types (upper case, as its transfer endpoints take them).
// kcgate keeps MAIN and TRADE; the others are accounts nobody has here.
enum class KnownType { kMain, kTrade, kElsewhere, kUnknown };

KnownType ParseType(std::string_view text) {
  if (text == "MAIN") return KnownType::kMain;
  if (text == "TRADE") return KnownType::kTrade;
  static constexpr std::string_view kElsewhere[] = {
      "MARGIN", "ISOLATED", "MARGIN_V2", "ISOLATED_V2", "CONTRACT", "OPTION", "POOL", "TRADE_HF"};
  for (std::string_view other : kElsewhere) {
    if (text == other) return KnownType::kElsewhere;
  }
  return KnownType::kUnknown;
}

engine::AccountType ToEngine(KnownType type) {
  return type == KnownType::kMain ? engine::AccountType::kMain : engine::AccountType::kTrade;
}

// KuCoin's answer to a value outside what the endpoint accepts, as its
// inner transfer answers an unknown account ("from not in the given range").
gateway::ApiResponse NotInRange(std::string_view field) {
  return gateway::ApiResponse::Business(
      "400100", json::serialize(json::string(std::string(field) + " not in the given range!")));
}

struct Quota {
  engine::Units available = 0;
  engine::Units holds = 0;
};

}  // namespace

void AddTransferRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const engine::MarketConfig& markets = loop.exchange().markets();

  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/accounts/transferable",
       .access = Access::kPrivate,
       .permission = Permission::kGeneral,
       .pool = RatePool::kManagement,
       .weight = 20,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         const std::string* currency = call->QueryParam("currency");
         const std::string* type_text = call->QueryParam("type");
         if (currency == nullptr || currency->empty() || type_text == nullptr ||
             type_text->empty()) {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         const KnownType type = ParseType(*type_text);
         if (type == KnownType::kUnknown) return call->Respond(NotInRange("type"));
         const auto id = markets.FindCurrency(*currency);
         if (!id) return call->Respond(BusinessResponse(kCurrencyNotExists));
         const int precision = markets.currency(*id).precision;
         const auto render = [&markets, id = *id, precision](Quota q) {
           return Ok(json::object{{"currency", markets.currency(id).currency},
                                  {"balance", Amount(q.available + q.holds, precision)},
                                  {"available", Amount(q.available, precision)},
                                  {"holds", Amount(q.holds, precision)},
                                  {"transferable", Amount(q.available, precision)}});
         };
         // Margin, futures, ... accounts: kcgate has none, so nothing is in them.
         if (type == KnownType::kElsewhere) return call->Respond(render(Quota{}));
         QueryEngine(
             loop, call,
             [uid = *uid, id = *id, account = ToEngine(type)](const engine::Exchange& exchange) {
               Quota q;
               for (const engine::Account* a : exchange.accounts().OfUser(uid)) {
                 if (a->currency == id && a->type == account) q = {a->available, a->holds};
               }
               return q;
             },
             render);
       }});

  routes.Add(
      {.method = http::verb::post,
       .pattern = "/api/v3/accounts/universal-transfer",
       .access = Access::kPrivate,
       .permission = Permission::kFlexTransfers,
       .pool = RatePool::kManagement,
       .weight = 4,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         auto body = ParseJsonObject(call->body());
         if (!body) return call->Fail(body.error());
         auto client_oid = RequireString(*body, "clientOid");
         auto currency = RequireString(*body, "currency");
         auto type = RequireString(*body, "type");
         auto from = RequireString(*body, "fromAccountType");
         auto to = RequireString(*body, "toAccountType");
         if (!client_oid || !currency || !type || !from || !to) {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         // Only INTERNAL: master/sub transfers (PARENT_TO_SUB, SUB_TO_PARENT)
         // are not built here yet.
         if (*type != "INTERNAL") return call->Respond(NotInRange("type"));
         const KnownType from_type = ParseType(*from);
         const KnownType to_type = ParseType(*to);
         if (from_type != KnownType::kMain && from_type != KnownType::kTrade) {
           return call->Respond(NotInRange("fromAccountType"));
         }
         if (to_type != KnownType::kMain && to_type != KnownType::kTrade) {
           return call->Respond(NotInRange("toAccountType"));
         }
         engine::InnerTransfer t;
         t.uid = *uid;
         if (!t.client_oid.Assign(*client_oid)) {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         t.from = ToEngine(from_type);
         t.to = ToEngine(to_type);
         const auto id = markets.FindCurrency(*currency);
         if (!id) return call->Respond(BusinessResponse(kCurrencyNotExists));
         t.currency = *id;
         // ccxt and the SDK send a string, KuCoin's own example a number.
         auto amount = ReadDecimalField(*body, "amount", markets.currency(*id).precision,
                                        engine::RejectReason::kInvalidAmount,
                                        engine::RejectReason::kInvalidAmount);
         if (!amount) return call->Respond(amount.error().ToResponse());
         if (!*amount) return call->Fail(Error(ErrorCode::kInvalidParameter));
         t.amount = **amount;
         SubmitCommand(
             loop, call, t,
             [](const engine::CommandResult& result, const engine::Exchange&) { return result; },
             [](engine::CommandResult result) {
               if (!result.ok()) return Refusal(result.reject).ToResponse();
               return Ok(json::object{{"orderId", result.order_id.ToString()}});
             });
       }});
}

}  // namespace kc::api
