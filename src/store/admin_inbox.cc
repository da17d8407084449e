#include "store/admin_inbox.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <stdexcept>

#include "core/decimal.h"

namespace kc::store {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

InboxRow ReadRow(const Statement& s) {
  InboxRow row;
  row.id = s.Int(0);
  row.request.uid = s.Int(1);
  row.request.currency = s.Text(2);
  row.request.account = s.Text(3);
  row.request.amount = s.Text(4);
  row.request.idempotency_key = s.Text(5);
  row.created_at_ms = s.Int(6);
  row.status = s.Text(7);
  row.journal_seq = s.Int(8);
  row.applied_at_ms = s.Int(9);
  row.detail = s.Text(10);
  return row;
}

constexpr std::string_view kColumns =
    "SELECT id, uid, currency, account, amount, COALESCE(idempotency_key, ''), created_at, "
    "status, COALESCE(journal_seq, 0), COALESCE(applied_at, 0), detail FROM admin_inbox ";

}  // namespace

std::optional<engine::Deposit> ParseDeposit(const DepositRequest& request,
                                            const engine::MarketConfig& markets,
                                            std::string* error) {
  engine::Deposit deposit;
  if (request.uid <= 0) {
    *error = "uid must be a positive integer";
    return std::nullopt;
  }
  deposit.uid = static_cast<engine::Uid>(request.uid);
  const auto currency = markets.FindCurrency(request.currency);
  if (!currency) {
    std::string known;
    for (const auto& c : markets.currencies) known += (known.empty() ? "" : ", ") + c.currency;
    *error = "unknown currency '" + request.currency + "' (known: " + known + ")";
    return std::nullopt;
  }
  deposit.currency = *currency;
  if (request.account == "main") {
    deposit.account = engine::AccountType::kMain;
  } else if (request.account == "trade") {
    deposit.account = engine::AccountType::kTrade;
  } else {
    *error = "account must be main or trade, not '" + request.account + "'";
    return std::nullopt;
  }
  const int precision = markets.currency(*currency).precision;
  const auto amount = ParseDecimal(request.amount, precision);
  if (!amount) {
    *error = "amount '" + request.amount + "' is not a decimal amount of " + request.currency +
             " (" + std::string(ToString(amount.error())) + "; at most " +
             std::to_string(precision) + " decimal places)";
    return std::nullopt;
  }
  if (*amount <= 0) {
    *error = "amount must be positive";
    return std::nullopt;
  }
  deposit.amount = *amount;
  return deposit;
}

AdminInbox::AdminInbox(const std::string& journal_path) : db_(PrepareJournalFile(journal_path)) {
  EnsureJournalSchema(db_);
}

AdminInbox::Enqueued AdminInbox::Enqueue(const DepositRequest& request,
                                         const engine::MarketConfig& markets) {
  std::string error;
  if (!ParseDeposit(request, markets, &error)) throw std::invalid_argument(error);
  // The row keeps the operator's text; the poller parses it again, so a row
  // edited by hand is checked too.
  db_.Exec("BEGIN IMMEDIATE");
  try {
    Enqueued out;
    if (!request.idempotency_key.empty()) {
      auto existing = db_.Prepare("SELECT id FROM admin_inbox WHERE idempotency_key = ?");
      existing.Bind(1, request.idempotency_key);
      if (existing.Step()) {
        out = {existing.Int(0), true};
      }
    }
    if (!out.existed) {
      auto insert = db_.Prepare(
          "INSERT INTO admin_inbox (uid, currency, account, amount, idempotency_key, created_at) "
          "VALUES (?, ?, ?, ?, NULLIF(?, ''), ?)");
      insert.Bind(1, request.uid)
          .Bind(2, request.currency)
          .Bind(3, request.account)
          .Bind(4, request.amount)
          .Bind(5, request.idempotency_key)
          .Bind(6, NowMs());
      insert.Run();
      out.id = sqlite3_last_insert_rowid(db_.handle());
    }
    db_.Exec("COMMIT");
    return out;
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

std::optional<InboxRow> AdminInbox::Find(int64_t id) {
  auto s = db_.Prepare(std::string(kColumns) + "WHERE id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadRow(s);
}

std::vector<InboxRow> AdminInbox::Pending(std::size_t limit) {
  auto s = db_.Prepare(std::string(kColumns) + "WHERE status = 'pending' ORDER BY id LIMIT ?");
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<InboxRow> rows;
  while (s.Step()) rows.push_back(ReadRow(s));
  return rows;
}

void AdminInbox::Reject(int64_t id, const std::string& detail) {
  auto s = db_.Prepare(
      "UPDATE admin_inbox SET status = 'rejected', applied_at = ?, detail = ? "
      "WHERE id = ? AND status = 'pending'");
  s.Bind(1, NowMs()).Bind(2, detail).Bind(3, id);
  s.Run();
}

void AdminInbox::Annotate(int64_t id, const std::string& status, const std::string& detail) {
  auto s = db_.Prepare(
      "UPDATE admin_inbox SET status = ?, detail = ? WHERE id = ? AND status != 'pending'");
  s.Bind(1, status).Bind(2, detail).Bind(3, id);
  s.Run();
}

InboxPoller::InboxPoller(const std::string& journal_path, const engine::MarketConfig& markets,
                         SqliteJournal& journal, engine::CommandLoop& loop)
    : inbox_(journal_path), markets_(markets), journal_(journal), loop_(loop) {}

InboxPoller::~InboxPoller() { Stop(); }

std::size_t InboxPoller::ApplyPending() {
  std::size_t submitted = 0;
  for (;;) {
    const auto rows = inbox_.Pending(64);
    if (rows.empty()) return submitted;
    for (const InboxRow& row : rows) {
      std::string error;
      const auto deposit = ParseDeposit(row.request, markets_, &error);
      if (!deposit) {
        spdlog::warn("admin inbox: request {} rejected: {}", row.id, error);
        inbox_.Reject(row.id, error);
        continue;
      }
      journal_.ExpectInboxDeposit(row.id, *deposit);
      std::promise<engine::RejectReason> done;
      auto answer = done.get_future();
      const bool accepted = loop_.Submit(
          *deposit, [&done](const engine::CommandResult& result, const engine::Exchange&) {
            return [&done, reject = result.reject] { done.set_value(reject); };
          });
      if (!accepted) {
        // Not queued, so never journaled: the row stays pending for the next poll.
        journal_.CancelInboxDeposit(row.id);
        return submitted;
      }
      // The reply runs after the batch (and the row's mark) is durable.
      const engine::RejectReason reject = answer.get();
      ++submitted;
      if (const auto after = inbox_.Find(row.id); !after || after->status == "pending") {
        // The journal did not match the claim to the Deposit: resubmitting
        // would pay twice, continuing would lose the mark. Stop.
        spdlog::critical("admin inbox: request {} was journaled without its mark", row.id);
        std::abort();
      }
      if (reject != engine::RejectReason::kNone) {
        inbox_.Annotate(row.id, "rejected", std::string(engine::ToString(reject)));
      }
      spdlog::info("admin inbox: request {} applied: {} {} to uid {} ({}){}", row.id,
                   row.request.amount, row.request.currency, row.request.uid, row.request.account,
                   reject == engine::RejectReason::kNone
                       ? ""
                       : " rejected by the engine: " + std::string(engine::ToString(reject)));
    }
  }
}

void InboxPoller::Start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    std::unique_lock lock(mu_);
    for (;;) {
      lock.unlock();
      try {
        const int64_t version = inbox_.DataVersion();
        if (version != seen_version_) {
          ApplyPending();
          // Only now: rows a refused submit left pending are retried next time.
          if (inbox_.Pending(1).empty()) seen_version_ = version;
        }
      } catch (const std::exception& e) {
        spdlog::warn("admin inbox poll failed: {}", e.what());
      }
      lock.lock();
      if (cv_.wait_for(lock, interval, [this] { return stopping_; })) return;
    }
  });
}

void InboxPoller::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace kc::store
