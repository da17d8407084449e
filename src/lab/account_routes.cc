#include "lab/account_routes.h"

#include <boost/json.hpp>
#include <charconv>
#include <chrono>
#include <future>
#include <thread>

#include "admin/body.h"
#include "core/decimal.h"
#include "engine/exchange.h"
#include "store/admin_inbox.h"
#include "store/key_admin.h"

namespace kc::lab {
namespace {

namespace json = boost::json;
using admin::AdminReply;
using admin::AdminRequest;
using admin::BadRequest;
using admin::Fields;

std::vector<std::string> IpList(const Fields& fields) {
  std::vector<std::string> out;
  if (auto list = fields.Array("ip")) {
    for (const json::value& item : *list) {
      if (!item.is_string()) fields.Refuse("ip", "must be a list of strings");
      out.emplace_back(item.get_string());
    }
    return out;
  }
  if (auto text = fields.String("ip")) {
    std::string item;
    for (char c : *text + ",") {
      if (c == ',') {
        if (!item.empty()) out.push_back(item);
        item.clear();
      } else if (c != ' ') {
        item += c;
      }
    }
  }
  return out;
}

AdminReply CreateKey(const AccountParts& parts, const AdminRequest& request) {
  const json::object body = request.JsonBody();
  Fields fields(body);
  fields.OnlyKnown({"uid", "sub", "parent", "unverified", "version", "permissions", "passphrase",
                    "ip", "remark"});
  store::NewKey key;
  key.uid = fields.RequireInt("uid");
  key.is_sub = fields.Bool("sub").value_or(false);
  key.parent_uid = fields.Int("parent").value_or(0);
  key.kyc_verified = !fields.Bool("unverified").value_or(false);
  key.version = static_cast<int>(fields.Int("version").value_or(3));
  if (key.version < 1 || key.version > 3) fields.Refuse("version", "must be 1, 2 or 3");
  const std::string permissions = fields.String("permissions").value_or("General");
  auto parsed = gateway::Permissions::Parse(permissions);
  if (!parsed) fields.Refuse("permissions", "has an unknown permission: " + permissions);
  key.permissions = *parsed;
  key.passphrase = fields.String("passphrase").value_or("");
  key.ip_whitelist = IpList(fields);
  key.remark = fields.String("remark").value_or("");
  store::KeyAdmin keys(parts.database_path, parts.box, parts.clock);
  store::CreatedKey created;
  try {
    created = keys.Create(key);
  } catch (const std::invalid_argument& e) {
    throw BadRequest("uid", e.what());  // the store names what it refused
  }
  parts.keys.Refresh();
  return AdminReply::Json(json::object{{"apiKey", created.api_key},
                                       {"secret", created.secret},
                                       {"passphrase", created.passphrase},
                                       {"uid", created.uid}});
}

AdminReply RevokeKey(const AccountParts& parts, const AdminRequest& request) {
  const std::string api_key(request.Param("apiKey"));
  store::KeyAdmin keys(parts.database_path, parts.box, parts.clock);
  if (!keys.Revoke(api_key)) throw admin::NotFound("no enabled key " + api_key);
  parts.keys.Refresh();
  return AdminReply::Json(json::object{{"apiKey", api_key}, {"revoked", true}});
}

// Exactly once: the inbox row is the deposit; a retried call with the same
// requestId finds the row instead of adding one.
AdminReply Deposit(const AccountParts& parts, const AdminRequest& request) {
  const json::object body = request.JsonBody();
  Fields fields(body);
  fields.OnlyKnown({"uid", "currency", "amount", "account", "requestId"});
  store::DepositRequest deposit;
  deposit.uid = fields.RequireInt("uid");
  deposit.currency = fields.RequireString("currency");
  deposit.amount = fields.RequireString("amount");
  deposit.account = fields.String("account").value_or("main");
  if (deposit.account != "main" && deposit.account != "trade") {
    fields.Refuse("account", "must be \"main\" or \"trade\"");
  }
  if (auto id = fields.String("requestId")) deposit.idempotency_key = "admin:" + *id;
  store::AdminInbox inbox(parts.journal_path);
  store::AdminInbox::Enqueued queued;
  try {
    queued = inbox.Enqueue(deposit, parts.engine.exchange().markets());
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    const char* field = what.find("currency") != std::string::npos  ? "currency"
                        : what.find("uid") != std::string::npos     ? "uid"
                        : what.find("account") != std::string::npos ? "account"
                                                                    : "amount";
    throw BadRequest(field, what);
  }
  // The server's inbox poller applies it within its poll; answer once durable.
  auto row = inbox.Find(queued.id);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (row && row->status == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    row = inbox.Find(queued.id);
  }
  const std::string status = row ? row->status : "pending";
  return AdminReply::Json(json::object{{"requestId", queued.id},
                                       {"duplicate", queued.existed},
                                       {"status", status},
                                       {"journalSeq", row ? row->journal_seq : 0},
                                       {"detail", row ? row->detail : ""}},
                          status == "rejected" ? 400 : 200);
}

// Runs `submit` (which submits to the engine with the Reply it is given) and
// waits for that Reply: the admin loop may block, trading loops never do.
// The promise is shared: a Reply released after a timeout still finds it.
template <typename T>
using Done = std::shared_ptr<std::promise<T>>;

template <typename T>
T Wait(engine::CommandLoop& engine, const std::function<bool(const Done<T>&)>& submit) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  if (!submit(promise)) throw std::runtime_error("engine busy or stopping (503000)");
  if (future.wait_for(engine.reply_deadline()) != std::future_status::ready) {
    throw std::runtime_error("engine did not answer in time (504000)");
  }
  return future.get();
}

struct Balance {
  engine::CurrencyId currency = 0;
  engine::Units main = 0;   // available
  engine::Units trade = 0;  // available
  engine::Units held = 0;   // still held after the cancels (withdrawals in flight)
};

AdminReply Reset(const AccountParts& parts, const AdminRequest& request) {
  const std::string_view text = request.Param("uid");
  engine::Uid uid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), uid);
  if (ec != std::errc() || end != text.data() + text.size() || uid == 0) {
    throw BadRequest("uid", "uid must be a positive integer");
  }
  engine::CommandLoop& engine = parts.engine;
  // 1. Cancel its orders and untriggered stop orders.
  const std::vector<engine::Command> cancels = {engine::CancelAll{uid},
                                                engine::CancelStopOrders{uid}};
  auto canceled = std::make_shared<std::atomic<size_t>>(0);
  Wait<bool>(engine, [&](const Done<bool>& done) {
    auto remaining = std::make_shared<std::atomic<int>>(2);
    return engine.Submit(cancels, [done, canceled, remaining](const engine::CommandResult& result,
                                                              const engine::Exchange&) {
      canceled->fetch_add(result.canceled.size());
      return engine::CommandLoop::Reply([done, remaining] {
        if (remaining->fetch_sub(1) == 1) done->set_value(true);
      });
    });
  });
  // 2. What it holds now.
  const auto balances =
      Wait<std::vector<Balance>>(engine, [&](const Done<std::vector<Balance>>& done) {
        return engine.SubmitQuery([done, uid](const engine::Exchange& exchange) {
          std::vector<Balance> out;
          const auto& currencies = exchange.markets().currencies;
          for (engine::CurrencyId id = 0; id < currencies.size(); ++id) {
            Balance b{id};
            for (auto type : {engine::AccountType::kMain, engine::AccountType::kTrade}) {
              if (const engine::Account* account = exchange.accounts().Find(uid, id, type)) {
                (type == engine::AccountType::kMain ? b.main : b.trade) = account->available;
                b.held += account->holds;
              }
            }
            if (b.main || b.trade || b.held) out.push_back(b);
          }
          return engine::CommandLoop::Reply(
              [done, out = std::move(out)]() mutable { done->set_value(std::move(out)); });
        });
      });
  // 3. Everything to main, then out through a recorded withdrawal (the
  // exchange's outflow), so the books still balance.
  const engine::MarketConfig& markets = engine.exchange().markets();
  std::vector<engine::Command> moves;
  json::array withdrawn;
  json::array kept;
  for (const Balance& b : balances) {
    const engine::CurrencySpec& spec = markets.currency(b.currency);
    const engine::Units total = b.main + b.trade;
    if (total == 0) continue;
    if (spec.chains.empty()) {
      kept.push_back(json::object{{"currency", spec.currency},
                                  {"amount", FormatDecimal(total, spec.precision)},
                                  {"reason", "the currency has no chain to withdraw on"}});
      continue;
    }
    if (b.trade > 0) {
      moves.push_back(engine::InnerTransfer{uid, b.currency, engine::AccountType::kTrade,
                                            engine::AccountType::kMain, b.trade});
    }
    engine::Withdraw withdraw;
    withdraw.uid = uid;
    withdraw.currency = b.currency;
    withdraw.amount = total;
    withdraw.fee = 0;
    withdraw.fee_deduct = engine::FeeDeduct::kExternal;
    withdraw.inner = true;
    withdraw.complete_after_ms = 0;
    withdraw.remark = *engine::Remark::From("kcgate lab reset");
    moves.push_back(withdraw);
    withdrawn.push_back(json::object{{"currency", spec.currency},
                                     {"amount", FormatDecimal(total, spec.precision)}});
  }
  size_t refused = 0;
  if (!moves.empty()) {
    auto rejects = std::make_shared<std::atomic<size_t>>(0);
    Wait<bool>(engine, [&](const Done<bool>& done) {
      auto remaining = std::make_shared<std::atomic<size_t>>(moves.size());
      return engine.Submit(moves, [done, rejects, remaining](const engine::CommandResult& result,
                                                             const engine::Exchange&) {
        if (!result.ok()) rejects->fetch_add(1);
        return engine::CommandLoop::Reply([done, remaining] {
          if (remaining->fetch_sub(1) == 1) done->set_value(true);
        });
      });
    });
    refused = rejects->load();
  }
  if (refused > 0) throw std::runtime_error("the engine refused part of the reset");
  return AdminReply::Json(json::object{{"uid", uid},
                                       {"canceledOrders", canceled->load()},
                                       {"withdrawn", std::move(withdrawn)},
                                       {"kept", std::move(kept)}});
}

}  // namespace

void AddAccountRoutes(admin::Router& router, const AccountParts& parts) {
  router.Add(admin::http::verb::post, "/admin/v1/keys",
             [parts](const AdminRequest& request) { return CreateKey(parts, request); });
  router.Add(admin::http::verb::delete_, "/admin/v1/keys/{apiKey}",
             [parts](const AdminRequest& request) { return RevokeKey(parts, request); });
  router.Add(admin::http::verb::post, "/admin/v1/deposits",
             [parts](const AdminRequest& request) { return Deposit(parts, request); });
  router.Add(admin::http::verb::post, "/admin/v1/users/{uid}/reset",
             [parts](const AdminRequest& request) { return Reset(parts, request); });
}

}  // namespace kc::lab
