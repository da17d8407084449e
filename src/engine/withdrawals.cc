// Deposits and withdrawals, simulated. Deposits are the admin's credits
// (Deposit), kept in a bounded history. A withdrawal holds amount + fee on
// the user's main account; ExpireOrders at its complete_at (engine time, so
// replay repeats it) marks it SUCCESS: the held funds leave the account, the
// amount through the exchange's recorded outflow (withdrawn_) and the fee
// into the fees collected, so every unit stays accounted for. A cancel while
// processing releases the hold and marks it FAILURE.
#include <limits>

#include "core/decimal.h"
#include "engine/exchange.h"

namespace kc::engine {
namespace {

std::uint32_t Seconds(Timestamp ts) { return static_cast<std::uint32_t>(ts / kNanosPerSecond); }

}  // namespace

std::string_view ToString(WithdrawalStatus status) {
  switch (status) {
    case WithdrawalStatus::kProcessing:
      return "PROCESSING";
    case WithdrawalStatus::kSuccess:
      return "SUCCESS";
    case WithdrawalStatus::kFailure:
      return "FAILURE";
  }
  return "";
}

void Exchange::RecordDeposit(const Deposit& c, OrderId id, Timestamp ts) {
  deposits_.Push(DepositRecord{id, c.uid, c.currency, c.account, c.amount, ts});
}

CommandResult Exchange::DoWithdraw(const Withdraw& c, Timestamp ts) {
  CommandResult r;
  if (c.currency >= markets_.currencies.size()) {
    r.reject = RejectReason::kUnknownCurrency;
    return r;
  }
  if (c.chain >= markets_.currency(c.currency).chains.size()) {
    r.reject = RejectReason::kUnknownChain;
    return r;
  }
  if (c.amount <= 0 || c.fee < 0 || c.fee > std::numeric_limits<Units>::max() - c.amount ||
      c.complete_after_ms < -1) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  const Account* main = accounts_.Find(c.uid, c.currency, AccountType::kMain);
  const Units available = main == nullptr ? 0 : main->available;
  FeeDeduct deduct = c.fee_deduct;
  if (deduct == FeeDeduct::kAuto) {
    deduct = available >= c.amount + c.fee ? FeeDeduct::kExternal : FeeDeduct::kInternal;
  }
  // INTERNAL: the fee comes out of the amount, which must cover it.
  const Units received = deduct == FeeDeduct::kInternal ? c.amount - c.fee : c.amount;
  if (received <= 0) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  Withdrawal w;
  w.id = OrderId{Seconds(ts), next_order_seq_};
  w.amount = received;
  w.fee = c.fee;
  if (main == nullptr || available < w.hold()) {
    r.reject = RejectReason::kBalanceInsufficient;
    return r;
  }
  ++next_order_seq_;
  w.uid = c.uid;
  w.currency = c.currency;
  w.chain = c.chain;
  w.inner = c.inner;
  w.address = c.address;
  w.memo = c.memo;
  w.remark = c.remark;
  w.created_at = w.updated_at = ts;
  if (c.complete_after_ms >= 0) {
    // At least 1 ns after: a withdrawal is PROCESSING once, even with no delay.
    w.complete_at = ts + std::max<Timestamp>(1, c.complete_after_ms * kNanosPerMilli);
    withdrawal_due_.insert({w.complete_at, w.id.seq});
  }
  Account& account = const_cast<Account&>(*main);
  if (!accounts_.TryHold(account, w.hold(), {BalanceCause::kWithdrawHold, 0, w.id})) {
    std::abort();  // checked above
  }
  r.order_id = w.id;
  withdrawals_.emplace(w.id.seq, w);
  return r;
}

CommandResult Exchange::DoCancelWithdrawal(const CancelWithdrawal& c, Timestamp ts) {
  CommandResult r;
  const auto it = withdrawals_.find(c.withdrawal_id.seq);
  if (!c.withdrawal_id.valid() || it == withdrawals_.end() || it->second.uid != c.uid ||
      it->second.status != WithdrawalStatus::kProcessing) {
    r.reject = RejectReason::kWithdrawalNotFound;
    return r;
  }
  Withdrawal& w = it->second;
  Account& account = accounts_.Open(w.uid, w.currency, AccountType::kMain, ts);
  accounts_.Release(account, w.hold(), {BalanceCause::kWithdrawHold, 0, w.id});
  if (w.complete_at != 0) withdrawal_due_.erase({w.complete_at, w.id.seq});
  w.status = WithdrawalStatus::kFailure;
  w.canceled = true;
  w.updated_at = ts;
  ++finished_withdrawals_;
  r.order_id = w.id;
  ForgetOldWithdrawals();
  return r;
}

void Exchange::CompleteWithdrawals(Timestamp now, Timestamp ts) {
  while (!withdrawal_due_.empty() && withdrawal_due_.begin()->first <= now) {
    Withdrawal& w = withdrawals_.at(withdrawal_due_.begin()->second);
    withdrawal_due_.erase(withdrawal_due_.begin());
    Account& account = accounts_.Open(w.uid, w.currency, AccountType::kMain, ts);
    accounts_.SpendHeld(account, w.hold(), {BalanceCause::kWithdrawDone, 0, w.id});
    withdrawn_[w.currency] += w.amount;
    fees_[w.currency] += w.fee;
    w.status = WithdrawalStatus::kSuccess;
    w.updated_at = ts;
    ++finished_withdrawals_;
    LedgerEntry e;
    e.uid = w.uid;
    e.currency = w.currency;
    e.account_type = AccountType::kMain;
    e.amount = w.hold();
    e.fee = w.fee;
    e.balance = account.balance();
    e.biz_type = BizType::kWithdrawal;
    e.direction = Direction::kOut;
    e.created_at = ts;
    accounts_.Record(e);
  }
  ForgetOldWithdrawals();
}

void Exchange::ForgetOldWithdrawals() {
  // Oldest finished first; processing ones are never forgotten.
  for (auto it = withdrawals_.begin();
       finished_withdrawals_ > options_.funding_capacity && it != withdrawals_.end();) {
    if (it->second.status == WithdrawalStatus::kProcessing) {
      ++it;
      continue;
    }
    it = withdrawals_.erase(it);
    --finished_withdrawals_;
  }
}

std::vector<DepositRecord> Exchange::Deposits(Uid uid) const {
  std::vector<DepositRecord> out;
  deposits_.ForEachNewest([&](const DepositRecord& d) {
    if (d.uid == uid) out.push_back(d);
    return true;
  });
  return out;
}

std::vector<Withdrawal> Exchange::Withdrawals(Uid uid) const {
  std::vector<Withdrawal> out;
  for (auto it = withdrawals_.rbegin(); it != withdrawals_.rend(); ++it) {
    if (it->second.uid == uid) out.push_back(it->second);
  }
  return out;
}

std::optional<Withdrawal> Exchange::FindWithdrawal(Uid uid, OrderId id) const {
  const auto it = withdrawals_.find(id.seq);
  if (!id.valid() || it == withdrawals_.end() || it->second.uid != uid) return std::nullopt;
  return it->second;
}

}  // namespace kc::engine
