#include "api/funding_routes.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cctype>
#include <limits>

#include "api/business_error.h"
#include "api/deposit_address.h"
#include "api/engine_calls.h"
#include "api/order_request.h"
#include "api/paging.h"
#include "api/request_body.h"
#include "api/route_helpers.h"
#include "api/spot_json.h"
#include "core/decimal.h"
#include "gateway/call.h"

namespace kc::api {

namespace http = boost::beast::http;
namespace json = boost::json;
using engine::CurrencySpec;
using engine::MarketConfig;
using gateway::Access;
using gateway::Call;
using gateway::Permission;
using gateway::RatePool;

namespace {

std::int64_t Ms(engine::Timestamp ts) { return ts / engine::kNanosPerMilli; }

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A private route in KuCoin's Management pool.
void AddManagement(gateway::RouteTable& routes, http::verb method, std::string pattern,
                   Permission permission, int weight, gateway::RouteHandler handler) {
  routes.Add({.method = method,
              .pattern = std::move(pattern),
              .access = Access::kPrivate,
              .permission = permission,
              .pool = RatePool::kManagement,
              .weight = weight,
              .handler = std::move(handler)});
}

// The chain a request names (by chainId or chainName), or the currency's
// first when it names none; nullptr when the currency has no such chain.
const engine::ChainSpec* PickChain(const CurrencySpec& c, const std::string* chain) {
  if (chain != nullptr && !chain->empty()) return c.FindChain(*chain);
  return c.chains.empty() ? nullptr : &c.chains.front();
}

std::uint8_t ChainIndex(const CurrencySpec& c, const engine::ChainSpec* chain) {
  return static_cast<std::uint8_t>(chain - c.chains.data());
}

// v1 / v2 address entries ("chain" is the chain's name there).
json::object AddressJson(engine::Uid uid, const CurrencySpec& c, const engine::ChainSpec& chain,
                         std::string_view to, bool with_contract) {
  json::object out{
      {"address", DepositAddress(uid, chain)},
      {"memo", ""},
      {"chain", chain.chain_name},
      {"chainId", chain.chain_id},
      {"to", to},
      {"currency", c.currency},
  };
  if (with_contract) out["contractAddress"] = chain.contract_address;
  return out;
}

// v3 address entries.
json::object AddressV3Json(engine::Uid uid, const CurrencySpec& c, const engine::ChainSpec& chain,
                           std::string_view to) {
  return json::object{
      {"address", DepositAddress(uid, chain)},
      {"memo", ""},
      {"chainId", chain.chain_id},
      {"to", to},
      {"expirationDate", 0},
      {"currency", c.currency},
      {"contractAddress", chain.contract_address},
      {"chainName", chain.chain_name},
  };
}

// "MAIN" (KuCoin's default) or "TRADE"; anything else is 400102.
std::optional<std::string> ReadTo(const std::optional<std::string>& to) {
  if (!to || to->empty()) return std::string("MAIN");
  const std::string upper = Upper(*to);
  if (upper == "MAIN" || upper == "TRADE") return upper;
  return std::nullopt;
}

// ?currency= (required) as a currency kcgate lists.
boost::system::result<engine::CurrencyId, Refusal> RequireCurrency(const Call& call,
                                                                   const MarketConfig& markets) {
  const std::string* name = call.QueryParam("currency");
  if (name == nullptr || name->empty()) return Refusal(ErrorCode::kInvalidParameter);
  const auto id = markets.FindCurrency(*name);
  if (!id) return Refusal(kCurrencyNotExists);
  return *id;
}

struct DepositCopy {
  std::size_t total = 0;
  std::vector<engine::DepositRecord> items;
};
struct WithdrawalCopy {
  std::size_t total = 0;
  std::vector<engine::Withdrawal> items;
};

// The filters of the deposit and withdrawal histories.
struct HistoryFilter {
  std::optional<engine::CurrencyId> currency;
  std::optional<std::string> status;
  engine::Timestamp start = 0;
  engine::Timestamp end = 0;
  bool matches_nothing = false;
  bool Accepts(engine::CurrencyId c, std::string_view s, engine::Timestamp at) const {
    return (!currency || *currency == c) && (!status || *status == s) &&
           (start == 0 || at >= start) && (end == 0 || at <= end);
  }
};

boost::system::result<HistoryFilter, Error> ReadHistoryFilter(const Call& call,
                                                              const MarketConfig& markets) {
  HistoryFilter f;
  if (const std::string* name = call.QueryParam("currency"); name && !name->empty()) {
    f.currency = markets.FindCurrency(*name);
    if (!f.currency) f.matches_nothing = true;
  }
  if (const std::string* status = call.QueryParam("status"); status && !status->empty()) {
    f.status = Upper(*status);
  }
  auto start = ReadMillis(call, "startAt");
  auto end = ReadMillis(call, "endAt");
  if (!start || !end) return Error(ErrorCode::kInvalidParameter);
  f.start = *start;
  f.end = *end;
  return f;
}

json::value ChainIdOf(const CurrencySpec& c, std::size_t index) {
  if (index >= c.chains.size()) return json::string("");
  return json::string(c.chains[index].chain_id);
}

// GET /api/v1/deposits items. kcgate's deposits are admin credits on the
// currency's first chain, to the user's address there.
json::object DepositJson(const engine::DepositRecord& d, const MarketConfig& markets) {
  const CurrencySpec& c = markets.currency(d.currency);
  json::value address = json::string("");
  json::value tx = nullptr;
  if (!c.chains.empty()) {
    address = json::string(DepositAddress(d.uid, c.chains.front()));
    tx = json::string(WalletTxId(d.id.seq, c.chains.front()));
  }
  return json::object{
      {"currency", c.currency},
      {"chain", ChainIdOf(c, 0)},
      {"status", "SUCCESS"},
      {"address", std::move(address)},
      {"memo", ""},
      {"isInner", false},
      {"amount", Amount(d.amount, c.precision)},
      {"fee", "0"},
      {"walletTxId", std::move(tx)},
      {"createdAt", Ms(d.created_at)},
      {"updatedAt", Ms(d.created_at)},
      {"remark", "Deposit"},
      {"arrears", false},
  };
}

json::value WithdrawalTx(const engine::Withdrawal& w, const CurrencySpec& c) {
  if (w.status != engine::WithdrawalStatus::kSuccess || w.inner) return nullptr;
  return json::string(WalletTxId(w.id.seq, c.chains.at(w.chain)));
}

// GET /api/v1/withdrawals items.
json::object WithdrawalJson(const engine::Withdrawal& w, const MarketConfig& markets) {
  const CurrencySpec& c = markets.currency(w.currency);
  return json::object{
      {"id", w.id.ToString()},
      {"currency", c.currency},
      {"chain", ChainIdOf(c, w.chain)},
      {"status", engine::ToString(w.status)},
      {"address", w.address.view()},
      {"memo", w.memo.view()},
      {"isInner", w.inner},
      {"amount", Amount(w.amount, c.precision)},
      {"fee", Amount(w.fee, c.precision)},
      {"walletTxId", WithdrawalTx(w, c)},
      {"createdAt", Ms(w.created_at)},
      {"updatedAt", Ms(w.updated_at)},
      {"remark", w.remark.view()},
  };
}

// GET /api/v1/withdrawals/{withdrawalId}.
json::object WithdrawalDetailJson(const engine::Withdrawal& w, const MarketConfig& markets) {
  const CurrencySpec& c = markets.currency(w.currency);
  const engine::ChainSpec& chain = c.chains.at(w.chain);
  const bool processing = w.status == engine::WithdrawalStatus::kProcessing;
  return json::object{
      {"id", w.id.ToString()},
      {"uid", w.uid},
      {"currency", c.currency},
      {"chainId", chain.chain_id},
      {"chainName", chain.chain_name},
      {"currencyName", c.name},
      {"status", engine::ToString(w.status)},
      {"failureReason", w.canceled ? "CANCELED" : ""},
      {"failureReasonMsg", w.canceled ? json::value("Canceled by the user") : json::value()},
      {"address", w.address.view()},
      {"memo", w.memo.view()},
      {"isInner", w.inner},
      {"amount", Amount(w.amount, c.precision)},
      {"fee", Amount(w.fee, c.precision)},
      {"walletTxId", WithdrawalTx(w, c)},
      {"addressRemark", nullptr},
      {"remark", w.remark.view()},
      {"createdAt", Ms(w.created_at)},
      {"cancelType", processing ? "CANCELABLE" : "NON_CANCELABLE"},
      {"taxes", nullptr},
      {"taxDescription", nullptr},
      {"returnStatus", "NOT_RETURN"},
      {"returnAmount", nullptr},
      {"returnCurrency", c.currency},
  };
}

// The fee KuCoin's chains charge: the minimum fee, or the rate's share of
// the amount when that is more.
engine::Units WithdrawalFee(const engine::ChainSpec& chain, engine::Units amount) {
  const auto by_rate =
      MulDiv(amount, chain.withdraw_fee_rate, Pow10(engine::kRateScale), Rounding::kCeiling);
  return std::max(chain.withdrawal_min_fee, by_rate.value_or(0));
}

// POST /api/v1/withdrawals (address) and /api/v3/withdrawals (toAddress,
// withdrawType ADDRESS), as the official SDK and ccxt send them (ccxt: the
// amount as a JSON number, the chain id in lower case).
boost::system::result<engine::Withdraw, Refusal> ParseWithdrawal(const json::object& body,
                                                                 const MarketConfig& markets,
                                                                 bool v3) {
  engine::Withdraw w;
  auto currency = RequireString(body, "currency");
  auto address = RequireString(body, v3 ? "toAddress" : "address");
  if (!currency || !address) return Refusal(ErrorCode::kInvalidParameter);
  if (v3) {
    auto type = RequireString(body, "withdrawType");
    if (!type) return Refusal(ErrorCode::kInvalidParameter);
    // UID, MAIL and PHONE send to another KuCoin user; kcgate has no such directory.
    if (Upper(*type) != "ADDRESS") return Refusal(ErrorCode::kInvalidParameter);
  }
  auto chain_name = OptionalString(body, "chain");
  auto memo = OptionalString(body, "memo");
  auto remark = OptionalString(body, "remark");
  auto deduct = OptionalString(body, "feeDeductType");
  if (!chain_name || !memo || !remark || !deduct) return Refusal(ErrorCode::kInvalidParameter);
  if (address->empty() || !w.address.Assign(*address) || !w.memo.Assign(memo->value_or("")) ||
      !w.remark.Assign(remark->value_or(""))) {
    return Refusal(ErrorCode::kInvalidParameter);
  }
  if (const json::value* inner = body.if_contains("isInner"); inner && !inner->is_null()) {
    if (!inner->is_bool()) return Refusal(ErrorCode::kInvalidParameter);
    w.inner = inner->as_bool();
  }
  if (*deduct && !(*deduct)->empty()) {
    const std::string type = Upper(**deduct);
    if (type == "INTERNAL") {
      w.fee_deduct = engine::FeeDeduct::kInternal;
    } else if (type == "EXTERNAL") {
      w.fee_deduct = engine::FeeDeduct::kExternal;
    } else {
      return Refusal(ErrorCode::kInvalidParameter);
    }
  }
  const auto id = markets.FindCurrency(*currency);
  if (!id) return Refusal(kCurrencyNotExists);
  const CurrencySpec& c = markets.currency(*id);
  w.currency = *id;
  const std::string* wanted = *chain_name ? &**chain_name : nullptr;
  const engine::ChainSpec* chain = PickChain(c, wanted);
  if (chain == nullptr)
    return Refusal(c.chains.empty() ? kWithdrawalsDisabled : kChainNotSupported);
  if (!chain->withdraw_enabled) return Refusal(kWithdrawalsDisabled);
  w.chain = ChainIndex(c, chain);
  auto amount = ReadDecimalField(body, "amount", c.precision, engine::RejectReason::kInvalidAmount,
                                 engine::RejectReason::kAboveMaxFunds);
  if (!amount) {
    // Finer than the currency is finer than the chain's precision too.
    if (amount.error().Message() == Refusal(engine::RejectReason::kInvalidAmount).Message()) {
      return Refusal(kWithdrawalPrecision);
    }
    if (amount.error().is_business()) return Refusal(kWithdrawalAboveMaximum);
    return amount.error();
  }
  if (!*amount) return Refusal(ErrorCode::kInvalidParameter);
  w.amount = **amount;
  if (w.amount <= 0) return Refusal(engine::RejectReason::kInvalidAmount);
  if (w.amount % Pow10(c.precision - chain->withdraw_precision) != 0) {
    return Refusal(kWithdrawalPrecision);
  }
  if (w.amount < chain->withdrawal_min_size) return Refusal(kWithdrawalBelowMinimum);
  if (chain->max_withdraw && w.amount > *chain->max_withdraw) {
    return Refusal(kWithdrawalAboveMaximum);
  }
  w.fee = w.inner ? 0 : WithdrawalFee(*chain, w.amount);
  return w;
}

void AddDepositRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                      const MarketConfig& markets) {
  // The deposit history (newest first, paged) and its old form.
  for (const bool old : {false, true}) {
    AddManagement(
        routes, http::verb::get, old ? "/api/v1/hist-deposits" : "/api/v1/deposits",
        Permission::kGeneral, 5, [&loop, &markets, old](const std::shared_ptr<Call>& call) {
          const auto uid = Caller(call);
          if (!uid) return;
          auto page = ReadPage(*call, 50, 500);
          if (!page) return call->Fail(page.error());
          auto filter = ReadHistoryFilter(*call, markets);
          if (!filter) return call->Fail(filter.error());
          if (filter->matches_nothing) return call->Respond(Ok(PagedList(*page, 0, {})));
          QueryEngine(
              loop, call,
              [uid = *uid, f = *filter, page = *page](const engine::Exchange& exchange) {
                DepositCopy copy;
                for (const engine::DepositRecord& d : exchange.Deposits(uid)) {
                  if (!f.Accepts(d.currency, "SUCCESS", d.created_at)) continue;
                  if (copy.total >= page.offset() && copy.total < page.offset() + page.limit()) {
                    copy.items.push_back(d);
                  }
                  ++copy.total;
                }
                return copy;
              },
              [&markets, page = *page, old](DepositCopy copy) {
                json::array items;
                for (const engine::DepositRecord& d : copy.items) {
                  json::object item = DepositJson(d, markets);
                  if (old) {
                    item = json::object{{"currency", item["currency"]},
                                        {"createAt", Ms(d.created_at) / 1000},
                                        {"amount", item["amount"]},
                                        {"walletTxId", item["walletTxId"]},
                                        {"isInner", false},
                                        {"status", "SUCCESS"}};
                  }
                  items.push_back(std::move(item));
                }
                return Ok(PagedList(page, copy.total, std::move(items)));
              });
        });
  }

  // Addresses: v1 one object (ccxt's fetchDepositAddress), v2 and v3 one per chain.
  AddManagement(routes, http::verb::get, "/api/v1/deposit-addresses", Permission::kGeneral, 5,
                [&markets](const std::shared_ptr<Call>& call) {
                  const auto uid = Caller(call);
                  if (!uid) return;
                  auto id = RequireCurrency(*call, markets);
                  if (!id) return Refuse(call, id.error());
                  const CurrencySpec& c = markets.currency(*id);
                  const engine::ChainSpec* chain = PickChain(c, call->QueryParam("chain"));
                  if (chain == nullptr && c.chains.empty()) {
                    return call->Respond(Ok(nullptr));  // nothing to deposit on
                  }
                  if (chain == nullptr) return Refuse(call, kChainNotSupported);
                  if (!chain->deposit_enabled) return Refuse(call, kDepositsDisabled);
                  call->Respond(Ok(AddressJson(*uid, c, *chain, "MAIN", false)));
                });
  for (const bool v3 : {false, true}) {
    AddManagement(routes, http::verb::get,
                  v3 ? "/api/v3/deposit-addresses" : "/api/v2/deposit-addresses",
                  Permission::kGeneral, 5, [&markets, v3](const std::shared_ptr<Call>& call) {
                    const auto uid = Caller(call);
                    if (!uid) return;
                    auto id = RequireCurrency(*call, markets);
                    if (!id) return Refuse(call, id.error());
                    const CurrencySpec& c = markets.currency(*id);
                    const std::string* only = call->QueryParam("chain");
                    json::array data;
                    for (const engine::ChainSpec& chain : c.chains) {
                      if (!chain.deposit_enabled) continue;
                      if (only && !only->empty() && c.FindChain(*only) != &chain) continue;
                      data.push_back(v3 ? AddressV3Json(*uid, c, chain, "MAIN")
                                        : AddressJson(*uid, c, chain, "MAIN", true));
                    }
                    call->Respond(Ok(data));
                  });
  }
  // "Creating" an address hands out the user's address on the chain: it
  // exists from the start, derived from the uid.
  for (const bool v3 : {false, true}) {
    AddManagement(routes, http::verb::post,
                  v3 ? "/api/v3/deposit-address/create" : "/api/v1/deposit-addresses",
                  Permission::kGeneral, 20, [&markets, v3](const std::shared_ptr<Call>& call) {
                    const auto uid = Caller(call);
                    if (!uid) return;
                    auto body = ParseJsonObject(call->body());
                    if (!body) return call->Fail(body.error());
                    auto currency = RequireString(*body, "currency");
                    auto chain_name = OptionalString(*body, "chain");
                    auto to = OptionalString(*body, "to");
                    if (!currency || !chain_name || !to) {
                      return call->Fail(Error(ErrorCode::kInvalidParameter));
                    }
                    const auto account = ReadTo(*to);
                    if (!account) return call->Fail(Error(ErrorCode::kInvalidParameter));
                    const auto id = markets.FindCurrency(*currency);
                    if (!id) return Refuse(call, kCurrencyNotExists);
                    const CurrencySpec& c = markets.currency(*id);
                    const std::string* wanted = *chain_name ? &**chain_name : nullptr;
                    const engine::ChainSpec* chain = PickChain(c, wanted);
                    if (chain == nullptr) return Refuse(call, kChainNotSupported);
                    if (!chain->deposit_enabled) return Refuse(call, kDepositsDisabled);
                    if (v3) {
                      json::object out = AddressV3Json(*uid, c, *chain, *account);
                      out.erase("contractAddress");
                      return call->Respond(Ok(out));
                    }
                    call->Respond(Ok(AddressJson(*uid, c, *chain, *account, false)));
                  });
  }
}

void AddWithdrawalRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                         const MarketConfig& markets, FundingOptions options) {
  for (const bool v3 : {false, true}) {
    AddManagement(
        routes, http::verb::post, v3 ? "/api/v3/withdrawals" : "/api/v1/withdrawals",
        Permission::kTransfer, v3 ? 5 : 5,
        [&loop, &markets, options, v3](const std::shared_ptr<Call>& call) {
          const auto uid = Caller(call);
          if (!uid) return;
          auto body = ParseJsonObject(call->body());
          if (!body) return call->Fail(body.error());
          auto withdraw = ParseWithdrawal(*body, markets, v3);
          if (!withdraw) return Refuse(call, withdraw.error());
          withdraw->uid = *uid;
          withdraw->complete_after_ms =
              options.complete_withdrawals
                  ? static_cast<std::int32_t>(std::clamp<std::int64_t>(
                        options.withdrawal_delay_ms, 0, std::numeric_limits<std::int32_t>::max()))
                  : -1;
          SubmitCommand(
              loop, call, *withdraw,
              [](const engine::CommandResult& result, const engine::Exchange&) { return result; },
              [](engine::CommandResult result) {
                if (!result.ok()) return Refusal(result.reject).ToResponse();
                return Ok(json::object{{"withdrawalId", result.order_id.ToString()}});
              });
        });
  }
  for (const bool old : {false, true}) {
    AddManagement(
        routes, http::verb::get, old ? "/api/v1/hist-withdrawals" : "/api/v1/withdrawals",
        Permission::kGeneral, 20, [&loop, &markets, old](const std::shared_ptr<Call>& call) {
          const auto uid = Caller(call);
          if (!uid) return;
          auto page = ReadPage(*call, 50, 500);
          if (!page) return call->Fail(page.error());
          auto filter = ReadHistoryFilter(*call, markets);
          if (!filter) return call->Fail(filter.error());
          if (filter->matches_nothing) return call->Respond(Ok(PagedList(*page, 0, {})));
          QueryEngine(
              loop, call,
              [uid = *uid, f = *filter, page = *page](const engine::Exchange& exchange) {
                WithdrawalCopy copy;
                for (const engine::Withdrawal& w : exchange.Withdrawals(uid)) {
                  if (!f.Accepts(w.currency, engine::ToString(w.status), w.created_at)) continue;
                  if (copy.total >= page.offset() && copy.total < page.offset() + page.limit()) {
                    copy.items.push_back(w);
                  }
                  ++copy.total;
                }
                return copy;
              },
              [&markets, page = *page, old](WithdrawalCopy copy) {
                json::array items;
                for (const engine::Withdrawal& w : copy.items) {
                  json::object item = WithdrawalJson(w, markets);
                  if (old) {
                    item = json::object{
                        {"currency", item["currency"]},     {"createAt", Ms(w.created_at) / 1000},
                        {"amount", item["amount"]},         {"address", item["address"]},
                        {"walletTxId", item["walletTxId"]}, {"isInner", w.inner},
                        {"status", item["status"]}};
                  }
                  items.push_back(std::move(item));
                }
                return Ok(PagedList(page, copy.total, std::move(items)));
              });
        });
  }
  AddManagement(routes, http::verb::get, "/api/v1/withdrawals/{withdrawalId}", Permission::kGeneral,
                20, [&loop, &markets](const std::shared_ptr<Call>& call) {
                  const auto uid = Caller(call);
                  if (!uid) return;
                  const auto id = engine::OrderId::Parse(call->PathParam("withdrawalId"));
                  if (!id) return Refuse(call, kWithdrawalNotExist);
                  QueryEngine(
                      loop, call,
                      [uid = *uid, id = *id](const engine::Exchange& exchange) {
                        return exchange.FindWithdrawal(uid, id);
                      },
                      [&markets](std::optional<engine::Withdrawal> w) {
                        if (!w) return BusinessResponse(kWithdrawalNotExist);
                        return Ok(WithdrawalDetailJson(*w, markets));
                      });
                });
  AddManagement(
      routes, http::verb::delete_, "/api/v1/withdrawals/{withdrawalId}", Permission::kTransfer, 20,
      [&loop](const std::shared_ptr<Call>& call) {
        const auto uid = Caller(call);
        if (!uid) return;
        const auto id = engine::OrderId::Parse(call->PathParam("withdrawalId"));
        if (!id) return Refuse(call, kWithdrawalNotCancelable);
        SubmitCommand(
            loop, call, engine::CancelWithdrawal{*uid, *id},
            [](const engine::CommandResult& result, const engine::Exchange&) { return result; },
            [](engine::CommandResult result) {
              if (!result.ok()) return Refusal(result.reject).ToResponse();
              return Ok(nullptr);
            });
      });
  // What the user may withdraw now. kcgate enforces no daily quota: the
  // limits shown are KuCoin's VIP-0 figures, and only availableAmount and
  // lockedAmount (the main account's balance and what withdrawals hold)
  // change. The official SDK always adds tag=BTC-USDT, which means nothing here.
  AddManagement(routes, http::verb::get, "/api/v1/withdrawals/quotas", Permission::kGeneral, 20,
                [&loop, &markets](const std::shared_ptr<Call>& call) {
                  const auto uid = Caller(call);
                  if (!uid) return;
                  auto id = RequireCurrency(*call, markets);
                  if (!id) return Refuse(call, id.error());
                  const CurrencySpec& c = markets.currency(*id);
                  const engine::ChainSpec* chain = PickChain(c, call->QueryParam("chain"));
                  if (chain == nullptr) {
                    return Refuse(call,
                                  c.chains.empty() ? kWithdrawalsDisabled : kChainNotSupported);
                  }
                  QueryEngine(
                      loop, call,
                      [uid = *uid, currency = *id](const engine::Exchange& exchange) {
                        const engine::Account* a =
                            exchange.accounts().Find(uid, currency, engine::AccountType::kMain);
                        return a == nullptr ? engine::Account{} : *a;
                      },
                      [&c, chain](engine::Account main) {
                        const int p = c.precision;
                        // The most that can leave with its fee beside it, at the chain's precision.
                        engine::Units available = 0;
                        for (engine::Units lo = 0, hi = main.available; lo <= hi;) {
                          const engine::Units mid = lo + (hi - lo) / 2;
                          if (mid + WithdrawalFee(*chain, mid) <= main.available) {
                            available = mid;
                            lo = mid + 1;
                          } else {
                            hi = mid - 1;
                          }
                        }
                        available -= available % Pow10(p - chain->withdraw_precision);
                        return Ok(json::object{
                            {"currency", c.currency},
                            {"limitBTCAmount", "15"},
                            {"usedBTCAmount", "0"},
                            {"quotaCurrency", "USDT"},
                            {"limitQuotaCurrencyAmount", "999999"},
                            {"usedQuotaCurrencyAmount", "0"},
                            {"remainAmount", Amount(available, p)},
                            {"availableAmount", Amount(available, p)},
                            {"withdrawMinFee", Amount(chain->withdrawal_min_fee, p)},
                            {"innerWithdrawMinFee", "0"},
                            {"withdrawMinSize", Amount(chain->withdrawal_min_size, p)},
                            {"isWithdrawEnabled", chain->withdraw_enabled},
                            {"precision", chain->withdraw_precision},
                            {"chain", chain->chain_name},
                            {"reason", nullptr},
                            {"lockedAmount", Amount(main.holds, p)},
                        });
                      });
                });
}

}  // namespace

void AddFundingRoutes(gateway::RouteTable& routes, engine::CommandLoop& loop,
                      FundingOptions options) {
  const MarketConfig& markets = loop.exchange().markets();
  AddDepositRoutes(routes, loop, markets);
  AddWithdrawalRoutes(routes, loop, markets, options);
}

}  // namespace kc::api
