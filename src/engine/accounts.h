// Balances: one account per (user, currency, main|trade) with available and
// held amounts, and the ledger of every change. Each mutation remembers the
// accounts it touched so that the Exchange emits one BalanceEvent per account
// per command. Owned by the Exchange; engine thread only.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/events.h"
#include "engine/flat_map.h"
#include "engine/ring.h"
#include "engine/types.h"

namespace kc::engine {

using AccountId = OrderId;  // KuCoin's account ids have the same 24-hex shape

struct Account {
  AccountId id;
  Uid uid = 0;
  CurrencyId currency = 0;
  AccountType type = AccountType::kMain;
  Units available = 0;
  Units holds = 0;
  Timestamp created_at = 0;
  Units balance() const { return available + holds; }
};

enum class BizType : std::uint8_t { kDeposit, kTransfer, kExchange, kWithdrawal };
enum class Direction : std::uint8_t { kIn, kOut };
std::string_view ToString(BizType type);         // "Deposit", "Transfer", "Exchange", "Withdrawal"
std::string_view ToString(Direction direction);  // "in", "out"

struct LedgerEntry {
  OrderId id;
  Uid uid = 0;
  CurrencyId currency = 0;
  AccountType account_type = AccountType::kMain;
  Units amount = 0;  // positive; direction says which way
  Units fee = 0;
  Units balance = 0;  // the account's balance after this entry
  BizType biz_type = BizType::kDeposit;
  Direction direction = Direction::kIn;
  Timestamp created_at = 0;
  // Context (KuCoin's "context" JSON): order and trade when biz_type is Exchange.
  bool has_trade = false;
  SymbolId symbol = 0;
  OrderId order_id;
  std::uint64_t trade_id = 0;
};

struct LedgerFilter {
  Uid uid = 0;
  std::optional<CurrencyId> currency = std::nullopt;
  std::optional<Direction> direction = std::nullopt;
  std::optional<BizType> biz_type = std::nullopt;
  std::optional<AccountType> account_type = std::nullopt;
  Timestamp start = 0;  // inclusive; 0 = unbounded
  Timestamp end = 0;    // inclusive; 0 = unbounded
};

// Why a mutation happens, for the balance event it ends up in.
struct BalanceContext {
  BalanceCause cause = BalanceCause::kDeposit;
  SymbolId symbol = 0;
  OrderId order_id;
};

class Accounts {
  friend class SnapshotAccess;  // engine/snapshot.cc saves and restores the state

 public:
  explicit Accounts(std::size_t ledger_capacity) : ledger_(ledger_capacity) {}

  const Account* Find(Uid uid, CurrencyId currency, AccountType type) const;
  // Finds or opens (KuCoin opens accounts on first use).
  Account& Open(Uid uid, CurrencyId currency, AccountType type, Timestamp ts);
  std::vector<const Account*> OfUser(Uid uid) const;  // in opening order
  // Accounts never move in the index order, so an index can stand for one.
  Account& at(std::uint32_t index) { return accounts_[index]; }
  std::uint32_t IndexOf(const Account& a) const {
    return static_cast<std::uint32_t>(&a - accounts_.data());
  }

  // Mutations. Each aborts rather than let a balance go negative: the caller
  // checks availability first, so a failure here is a bug, not bad input.
  void Credit(Account& a, Units amount, const BalanceContext& ctx);
  void Debit(Account& a, Units amount, const BalanceContext& ctx);
  bool TryHold(Account& a, Units amount, const BalanceContext& ctx);  // false: insufficient
  void Release(Account& a, Units amount, const BalanceContext& ctx);
  void SpendHeld(Account& a, Units amount, const BalanceContext& ctx);

  void Record(const LedgerEntry& entry);  // assigns entry.id
  // Newest first, skipping `offset` matches, at most `limit`; returns the total matches.
  std::size_t Ledger(const LedgerFilter& filter, std::size_t offset, std::size_t limit,
                     std::vector<LedgerEntry>* out) const;

  // Emits one BalanceEvent per account touched since the last call.
  void FlushEvents(EventSink& sink, Timestamp ts);

  // Sum over every account of a currency (conservation checks).
  Units Total(CurrencyId currency) const;
  const std::vector<Account>& all() const { return accounts_; }

 private:
  struct Touch {
    std::uint32_t account;
    Units available_before;
    Units holds_before;
    BalanceContext ctx;
  };
  static std::uint64_t Key(Uid uid, CurrencyId currency, AccountType type) {
    return (uid << 12) ^ (static_cast<std::uint64_t>(currency) << 1) ^
           static_cast<std::uint64_t>(type) ^ (1ull << 63);
  }
  void Touched(const Account& a, const BalanceContext& ctx);

  std::vector<Account> accounts_;
  FlatMap index_;
  std::unordered_map<Uid, std::vector<std::uint32_t>> by_user_;
  Ring<LedgerEntry> ledger_;
  std::vector<Touch> touched_;
  std::uint64_t next_account_seq_ = 1;
  std::uint64_t next_ledger_seq_ = 1;
  std::uint64_t next_event_id_ = 1;
};

// The mutations run several times per fill: inline, not calls into accounts.cc.
inline void Accounts::Touched(const Account& a, const BalanceContext& ctx) {
  const auto index = static_cast<std::uint32_t>(&a - accounts_.data());
  for (const Touch& t : touched_) {
    if (t.account == index) return;
  }
  touched_.push_back({index, a.available, a.holds, ctx});
}

inline void Accounts::Credit(Account& a, Units amount, const BalanceContext& ctx) {
  if (amount < 0) std::abort();
  Touched(a, ctx);
  a.available += amount;
}

inline void Accounts::Debit(Account& a, Units amount, const BalanceContext& ctx) {
  if (amount < 0 || amount > a.available) std::abort();
  Touched(a, ctx);
  a.available -= amount;
}

inline bool Accounts::TryHold(Account& a, Units amount, const BalanceContext& ctx) {
  if (amount < 0) std::abort();
  if (amount > a.available) return false;
  Touched(a, ctx);
  a.available -= amount;
  a.holds += amount;
  return true;
}

inline void Accounts::Release(Account& a, Units amount, const BalanceContext& ctx) {
  if (amount < 0 || amount > a.holds) std::abort();
  if (amount == 0) return;
  Touched(a, ctx);
  a.holds -= amount;
  a.available += amount;
}

inline void Accounts::SpendHeld(Account& a, Units amount, const BalanceContext& ctx) {
  if (amount < 0 || amount > a.holds) std::abort();
  Touched(a, ctx);
  a.holds -= amount;
}

}  // namespace kc::engine
