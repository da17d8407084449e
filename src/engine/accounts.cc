#include "engine/accounts.h"

#include <cstdlib>

namespace kc::engine {

std::string_view ToString(BizType type) {
  switch (type) {
    case BizType::kDeposit:
      return "Deposit";
    case BizType::kTransfer:
      return "Transfer";
    case BizType::kExchange:
      return "Exchange";
    case BizType::kWithdrawal:
      return "Withdrawal";
  }
  return "";
}

std::string_view ToString(Direction direction) {
  return direction == Direction::kIn ? "in" : "out";
}

const Account* Accounts::Find(Uid uid, CurrencyId currency, AccountType type) const {
  const auto i = index_.Find(Key(uid, currency, type));
  if (!i) return nullptr;
  const Account& a = accounts_[static_cast<std::size_t>(*i)];
  // The key packs uid into 51 bits; a collision beyond that is treated as absent.
  if (a.uid != uid || a.currency != currency || a.type != type) return nullptr;
  return &a;
}

Account& Accounts::Open(Uid uid, CurrencyId currency, AccountType type, Timestamp ts) {
  if (const Account* a = Find(uid, currency, type)) return const_cast<Account&>(*a);
  if (uid >= (1ull << 51) || currency >= 2048) std::abort();  // outside the key's packing
  Account a;
  a.id = OrderId{static_cast<std::uint32_t>(ts / kNanosPerSecond), next_account_seq_++};
  a.uid = uid;
  a.currency = currency;
  a.type = type;
  a.created_at = ts;
  accounts_.push_back(a);
  const auto index = static_cast<std::uint32_t>(accounts_.size() - 1);
  index_.Put(Key(uid, currency, type), index);
  by_user_[uid].push_back(index);
  return accounts_.back();
}

std::vector<const Account*> Accounts::OfUser(Uid uid) const {
  std::vector<const Account*> out;
  const auto it = by_user_.find(uid);
  if (it == by_user_.end()) return out;
  for (std::uint32_t i : it->second) out.push_back(&accounts_[i]);
  return out;
}

void Accounts::Record(const LedgerEntry& entry) {
  ledger_.Push(entry);  // one copy; the id is set in place
  ledger_.Newest().id =
      OrderId{static_cast<std::uint32_t>(entry.created_at / kNanosPerSecond), next_ledger_seq_++};
}

std::size_t Accounts::Ledger(const LedgerFilter& f, std::size_t offset, std::size_t limit,
                             std::vector<LedgerEntry>* out) const {
  std::size_t matches = 0;
  ledger_.ForEachNewest([&](const LedgerEntry& e) {
    if (e.uid != f.uid) return true;
    if (f.currency && e.currency != *f.currency) return true;
    if (f.direction && e.direction != *f.direction) return true;
    if (f.biz_type && e.biz_type != *f.biz_type) return true;
    if (f.account_type && e.account_type != *f.account_type) return true;
    if (f.start != 0 && e.created_at < f.start) return true;
    if (f.end != 0 && e.created_at > f.end) return true;
    if (matches >= offset && matches < offset + limit) out->push_back(e);
    ++matches;
    return true;
  });
  return matches;
}

void Accounts::FlushEvents(EventSink& sink, Timestamp ts) {
  for (const Touch& t : touched_) {
    const Account& a = accounts_[t.account];
    const Units available_change = a.available - t.available_before;
    const Units hold_change = a.holds - t.holds_before;
    if (available_change == 0 && hold_change == 0) continue;
    sink.OnBalance(BalanceEvent{ts, a.uid, a.id, a.currency, a.type, a.balance(), a.available,
                                a.holds, available_change, hold_change, t.ctx.cause, t.ctx.symbol,
                                t.ctx.order_id, next_event_id_++});
  }
  touched_.clear();
}

Units Accounts::Total(CurrencyId currency) const {
  Units sum = 0;
  for (const Account& a : accounts_) {
    if (a.available < 0 || a.holds < 0) std::abort();
    if (a.currency == currency) sum += a.balance();
  }
  return sum;
}

}  // namespace kc::engine
