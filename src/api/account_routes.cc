#include "api/account_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <limits>

#include "api/business_error.h"
#include "api/engine_calls.h"
#include "api/order_request.h"
#include "api/paging.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CurrencyId;
using engine::MarketConfig;
using gateway::Access;
using gateway::ApiResponse;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// ?currency=BTC or BTC,USDT (the official SDK sends lists). nullopt: every
// currency; an empty list: names kcgate does not know, so nothing matches.
std::optional<std::vector<CurrencyId>> ReadCurrencies(const Call& call,
                                                      const MarketConfig& markets) {
  const std::string* text = call.QueryParam("currency");
  if (text == nullptr || text->empty()) return std::nullopt;
  std::vector<CurrencyId> out;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (const auto id = markets.FindCurrency(name)) out.push_back(*id);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

// The filters common to both ledgers. `matches_nothing` is set when a filter
// names something kcgate never records (another bizType, an unknown currency).
struct LedgerQuery {
  engine::LedgerFilter filter;
  std::optional<std::vector<CurrencyId>> currencies;
  bool matches_nothing = false;
};

boost::system::result<LedgerQuery, Error> ReadLedgerQuery(const Call& call,
                                                          const MarketConfig& markets,
                                                          engine::Uid uid) {
  LedgerQuery q;
  q.filter.uid = uid;
  q.currencies = ReadCurrencies(call, markets);
  if (q.currencies && q.currencies->empty()) q.matches_nothing = true;
  if (q.currencies && q.currencies->size() == 1) q.filter.currency = q.currencies->front();
  if (const std::string* direction = call.QueryParam("direction");
      direction && !direction->empty()) {
    if (*direction == "in") {
      q.filter.direction = engine::Direction::kIn;
    } else if (*direction == "out") {
      q.filter.direction = engine::Direction::kOut;
    } else {
      return Error(ErrorCode::kInvalidParameter);
    }
  }
  if (const std::string* biz = call.QueryParam("bizType"); biz && !biz->empty()) {
    const std::string name = Upper(*biz);
    if (name == "DEPOSIT") {
      q.filter.biz_type = engine::BizType::kDeposit;
    } else if (name == "TRANSFER") {
      q.filter.biz_type = engine::BizType::kTransfer;
    } else if (name == "TRADE_EXCHANGE" || name == "EXCHANGE") {
      q.filter.biz_type = engine::BizType::kExchange;
    } else if (name == "WITHDRAW" || name == "WITHDRAWAL") {
      q.filter.biz_type = engine::BizType::kWithdrawal;
    } else {
      q.matches_nothing = true;
    }
  }
  auto start = ReadMillis(call, "startAt");
  auto end = ReadMillis(call, "endAt");
  if (!start || !end) return Error(ErrorCode::kInvalidParameter);
  q.filter.start = *start;
  q.filter.end = *end;
  return q;
}

bool InCurrencies(const LedgerQuery& q, CurrencyId currency) {
  return !q.currencies ||
         std::find(q.currencies->begin(), q.currencies->end(), currency) != q.currencies->end();
}

std::optional<engine::AccountType> ParseAccountType(std::string_view text) {
  if (text == "main" || text == "MAIN") return engine::AccountType::kMain;
  if (text == "trade" || text == "TRADE") return engine::AccountType::kTrade;
  return std::nullopt;
}

}  // namespace

void AddAccountRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop) {
  const MarketConfig& markets = loop.exchange().markets();

  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/accounts",
       .access = Access::kPrivate,
       .permission = Permission::kGeneral,
       .pool = RatePool::kManagement,
       .weight = 5,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         const auto currencies = ReadCurrencies(*call, markets);
         std::optional<engine::AccountType> type;
         if (const std::string* text = call->QueryParam("type"); text && !text->empty()) {
           type = ParseAccountType(*text);
           if (!type) {
             // KuCoin's other account kinds (trade_hf, margin, option,
             // ...) exist there; kcgate has none of them to list.
             static constexpr std::string_view kOther[] = {"trade_hf", "margin",   "isolated",
                                                           "option",   "contract", "pool"};
             if (std::find(std::begin(kOther), std::end(kOther), *text) == std::end(kOther)) {
               return call->Fail(Error(ErrorCode::kInvalidParameter));
             }
             return call->Respond(Ok(json::array()));
           }
         }
         QueryEngine(
             loop, call,
             [uid = *uid, currencies, type](const engine::Exchange& exchange) {
               std::vector<engine::Account> out;
               for (const engine::Account* a : exchange.accounts().OfUser(uid)) {
                 if (type && a->type != *type) continue;
                 if (currencies && std::find(currencies->begin(), currencies->end(), a->currency) ==
                                       currencies->end()) {
                   continue;
                 }
                 out.push_back(*a);
               }
               return out;
             },
             [&markets](std::vector<engine::Account> accounts) {
               json::array data;
               for (const engine::Account& a : accounts) {
                 data.push_back(AccountJson(a, markets));
               }
               return Ok(data);
             });
       }});
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/accounts/{accountId}",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kManagement,
              .weight = 5,
              .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
                const auto uid = Caller(call);
                if (!uid) return;
                const auto id = engine::OrderId::Parse(call->PathParam("accountId"));
                if (!id) return call->Respond(BusinessResponse(kAccountNotExist));
                QueryEngine(
                    loop, call,
                    [uid = *uid, id = *id](const engine::Exchange& exchange) {
                      std::optional<engine::Account> found;
                      for (const engine::Account* a : exchange.accounts().OfUser(uid)) {
                        if (a->id == id) found = *a;
                      }
                      return found;
                    },
                    [&markets](std::optional<engine::Account> a) {
                      if (!a) return BusinessResponse(kAccountNotExist);
                      const engine::CurrencySpec& c = markets.currency(a->currency);
                      return Ok(json::object{
                          {"currency", c.currency},
                          {"balance", Amount(a->balance(), c.precision)},
                          {"available", Amount(a->available, c.precision)},
                          {"holds", Amount(a->holds, c.precision)},
                      });
                    });
              }});
  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/accounts/ledgers",
       .access = Access::kPrivate,
       .permission = Permission::kGeneral,
       .pool = RatePool::kManagement,
       .weight = 2,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         auto page = ReadPage(*call, 50, 500);
         if (!page) return call->Fail(page.error());
         auto query = ReadLedgerQuery(*call, markets, *uid);
         if (!query) return call->Fail(query.error());
         if (query->matches_nothing) return call->Respond(Ok(PagedList(*page, 0, {})));
         struct Copy {
           std::size_t total = 0;
           std::vector<engine::LedgerEntry> items;
         };
         QueryEngine(
             loop, call,
             [q = *query, page = *page](const engine::Exchange& exchange) {
               Copy copy;
               if (!q.currencies || q.currencies->size() == 1) {
                 copy.total =
                     exchange.accounts().Ledger(q.filter, page.offset(), page.limit(), &copy.items);
                 return copy;
               }
               std::vector<engine::LedgerEntry> all;
               exchange.accounts().Ledger(q.filter, 0, std::numeric_limits<std::size_t>::max(),
                                          &all);
               for (const engine::LedgerEntry& e : all) {
                 if (!InCurrencies(q, e.currency)) continue;
                 if (copy.total >= page.offset() && copy.total < page.offset() + page.limit()) {
                   copy.items.push_back(e);
                 }
                 ++copy.total;
               }
               return copy;
             },
             [&markets, page = *page](Copy copy) {
               json::array items;
               for (const engine::LedgerEntry& e : copy.items) {
                 items.push_back(LedgerJson(e, markets));
               }
               return Ok(PagedList(page, copy.total, std::move(items)));
             });
       }});
  routes.Add(
      {.method = http::verb::get,
       .pattern = "/api/v1/hf/accounts/ledgers",
       .access = Access::kPrivate,
       .permission = Permission::kGeneral,
       .pool = RatePool::kSpot,
       .weight = 2,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         auto query = ReadLedgerQuery(*call, markets, *uid);
         if (!query) return call->Fail(query.error());
         auto last_id = ReadInteger(*call, "lastId");
         auto limit = ReadInteger(*call, "limit");
         if (!last_id || !limit) return call->Fail(Error(ErrorCode::kInvalidParameter));
         // KuCoin: default 100, at most 200.
         const std::size_t count =
             static_cast<std::size_t>(std::clamp<std::int64_t>(limit->value_or(100), 1, 200));
         if (query->matches_nothing) return call->Respond(Ok(json::array()));
         query->filter.account_type = engine::AccountType::kTrade;
         QueryEngine(
             loop, call,
             [q = *query, before = last_id->value_or(0), count](const engine::Exchange& exchange) {
               std::vector<engine::LedgerEntry> all;
               exchange.accounts().Ledger(q.filter, 0, std::numeric_limits<std::size_t>::max(),
                                          &all);
               std::vector<engine::LedgerEntry> out;
               for (const engine::LedgerEntry& e : all) {
                 if (out.size() >= count) break;
                 if (before != 0 && e.id.seq >= static_cast<std::uint64_t>(before)) continue;
                 if (!InCurrencies(q, e.currency)) continue;
                 out.push_back(e);
               }
               return out;
             },
             [&markets](std::vector<engine::LedgerEntry> entries) {
               json::array data;
               for (const engine::LedgerEntry& e : entries) {
                 data.push_back(HfLedgerJson(e, markets));
               }
               return Ok(data);
             });
       }});
  // Whether the user's trading account is KuCoin's high-frequency kind.
  // kcgate keeps one trade account per currency and lists it as "trade", so
  // the truthful answer is false (clients then use the classic endpoints;
  // the HF order routes work on the same trade account).
  routes.Add({.method = http::verb::get,
              .pattern = "/api/v1/hf/accounts/opened",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kManagement,
              .weight = 2,
              .handler = [](const std::shared_ptr<Call>& call) {
                call->Respond(ApiResponse::Ok("false"));
              }});
  // KuCoin's unified-account query (GET /api/ua/v1/account/mode). ccxt calls
  // it before fetchCurrencies and most private calls; kcgate's accounts are
  // the classic kind, never unified.
  routes.Add({.method = http::verb::get,
              .pattern = "/api/ua/v1/account/mode",
              .access = Access::kPrivate,
              .permission = Permission::kGeneral,
              .pool = RatePool::kManagement,
              .weight = 30,
              .handler = [](const std::shared_ptr<Call>& call) {
                call->Respond(Ok(json::object{{"selfAccountMode", "CLASSIC"}}));
              }});
  routes.Add(
      {.method = http::verb::post,
       .pattern = "/api/v2/accounts/inner-transfer",
       .access = Access::kPrivate,
       .permission = Permission::kSpot,
       .pool = RatePool::kManagement,
       .weight = 15,
       .handler = [&loop, &markets](const std::shared_ptr<Call>& call) {
         const auto uid = Caller(call);
         if (!uid) return;
         auto body = ParseJsonObject(call->body());
         if (!body) return call->Fail(body.error());
         auto client_oid = RequireString(*body, "clientOid");
         auto currency = RequireString(*body, "currency");
         auto from = RequireString(*body, "from");
         auto to = RequireString(*body, "to");
         if (!client_oid || !currency || !from || !to) {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         engine::InnerTransfer t;
         t.uid = *uid;
         if (!t.client_oid.Assign(*client_oid)) {
           return call->Fail(Error(ErrorCode::kInvalidParameter));
         }
         const auto from_type = ParseAccountType(*from);
         const auto to_type = ParseAccountType(*to);
         if (!from_type || !to_type) return call->Fail(Error(ErrorCode::kInvalidParameter));
         t.from = *from_type;
         t.to = *to_type;
         const auto id = markets.FindCurrency(*currency);
         if (!id) return call->Respond(BusinessResponse(kCurrencyNotExists));
         t.currency = *id;
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
