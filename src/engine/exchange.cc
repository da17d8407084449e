#include "engine/exchange.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "core/decimal.h"
#include "engine/money.h"
#include "engine/order_rules.h"

namespace kc::engine {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::uint32_t Seconds(Timestamp ts) { return static_cast<std::uint32_t>(ts / kNanosPerSecond); }

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h * 0xff51afd7ed558ccdull;
}

}  // namespace

std::string_view ToString(OrderEventType type) {
  switch (type) {
    case OrderEventType::kReceived:
      return "received";
    case OrderEventType::kOpen:
      return "open";
    case OrderEventType::kMatch:
      return "match";
    case OrderEventType::kUpdate:
      return "update";
    case OrderEventType::kFilled:
      return "filled";
    case OrderEventType::kCanceled:
      return "canceled";
  }
  return "";
}

std::string_view ToString(StopEventType type) {
  switch (type) {
    case StopEventType::kOpen:
      return "open";
    case StopEventType::kTriggered:
      return "triggered";
    case StopEventType::kCancel:
      return "cancel";
  }
  return "";
}

std::string_view ToString(BalanceCause cause) {
  switch (cause) {
    case BalanceCause::kDeposit:
      return "deposit";
    case BalanceCause::kTransfer:
      return "transfer";
    case BalanceCause::kTradeHold:
      return "trade.hold";
    case BalanceCause::kTradeRelease:
      return "trade.release";
    case BalanceCause::kTradeSettled:
      return "trade.setted";
    case BalanceCause::kWithdrawHold:
      return "withdraw_hold";
    case BalanceCause::kWithdrawDone:
      return "withdraw_done";
  }
  return "";
}

void EventBuffer::FlushTo(EventSink& sink) {
  for (const Event& e : events_) {
    std::visit(Overloaded{[&](const OrderEvent& x) { sink.OnOrder(x); },
                          [&](const TradeEvent& x) { sink.OnTrade(x); },
                          [&](const BookEvent& x) { sink.OnBook(x); },
                          [&](const BalanceEvent& x) { sink.OnBalance(x); },
                          [&](const StopEvent& x) { sink.OnStop(x); }},
               e);
  }
  sink.OnEventsEnd();
  events_.clear();
}

Exchange::Exchange(MarketConfig markets, EventSink* sink, ExchangeOptions options)
    : markets_(std::move(markets)),
      sink_(sink),
      options_(options),
      accounts_(options.ledger_capacity),
      fees_(markets_.currencies.size(), 0),
      active_(1024),
      client_oids_(1024),
      done_(options.done_order_capacity),
      fills_(options.fill_capacity),
      withdrawn_(markets_.currencies.size(), 0),
      deposits_(options.funding_capacity) {
  std::size_t slots = 16;
  while (slots < 4 * done_.capacity()) slots *= 2;
  done_slots_.assign(slots, 0);
  books_.reserve(markets_.symbols.size());
  market_data_.reserve(markets_.symbols.size());
  for (std::size_t i = 0; i < markets_.symbols.size(); ++i) {
    books_.emplace_back(static_cast<SymbolId>(i), &pool_, sink_);
    market_data_.emplace_back(BaseScale(static_cast<SymbolId>(i)));
  }
}

CommandResult Exchange::Apply(const TimedCommand& command) {
  // Engine time never runs backwards, whatever the clock did.
  const Timestamp ts = std::max(command.ts, last_ts_);
  last_ts_ = ts;
  // get_if in turn, the hot commands first: libstdc++'s std::visit over more
  // than 11 alternatives dispatches through a table of function pointers,
  // which cost ~35 instructions per command here.
  const Command& c = command.command;
  CommandResult result = [&] {
    if (const auto* x = std::get_if<PlaceOrder>(&c)) return DoPlace(*x, ts, false);
    if (const auto* x = std::get_if<CancelOrder>(&c)) return DoCancel(x->uid, x->order_id, ts);
    if (const auto* x = std::get_if<Deposit>(&c)) return DoDeposit(*x, ts);
    if (const auto* x = std::get_if<InnerTransfer>(&c)) return DoTransfer(*x, ts);
    if (const auto* x = std::get_if<CancelByClientOid>(&c)) return DoCancelByClientOid(*x, ts);
    if (const auto* x = std::get_if<CancelAll>(&c)) return DoCancelAll(*x, ts);
    if (const auto* x = std::get_if<AmendOrder>(&c)) return DoAmend(*x, ts);
    if (const auto* x = std::get_if<ExpireOrders>(&c)) return DoExpire(*x, ts);
    if (const auto* x = std::get_if<ReduceOrder>(&c)) return DoReduce(*x, ts);
    if (const auto* x = std::get_if<SetDeadCancel>(&c)) return DoSetDeadCancel(*x, ts);
    if (const auto* x = std::get_if<PlaceStopOrder>(&c)) return DoPlaceStop(*x, ts);
    if (const auto* x = std::get_if<CancelStopOrders>(&c)) return DoCancelStops(*x, ts);
    if (const auto* x = std::get_if<Withdraw>(&c)) return DoWithdraw(*x, ts);
    return DoCancelWithdrawal(std::get<CancelWithdrawal>(c), ts);
  }();
  if (!stop_trades_.empty()) TriggerStops(ts);
  accounts_.FlushEvents(*sink_, ts);
  return result;
}

CommandResult Exchange::DoDeposit(const Deposit& c, Timestamp ts) {
  CommandResult r;
  if (c.currency >= markets_.currencies.size()) {
    r.reject = RejectReason::kUnknownCurrency;
    return r;
  }
  if (c.amount <= 0) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  Account& a = accounts_.Open(c.uid, c.currency, c.account, ts);
  if (a.available > std::numeric_limits<Units>::max() - c.amount - a.holds) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  accounts_.Credit(a, c.amount, {BalanceCause::kDeposit, 0, {}});
  LedgerEntry e;
  e.uid = c.uid;
  e.currency = c.currency;
  e.account_type = c.account;
  e.amount = c.amount;
  e.balance = a.balance();
  e.biz_type = BizType::kDeposit;
  e.direction = Direction::kIn;
  e.created_at = ts;
  accounts_.Record(e);
  r.order_id = OrderId{Seconds(ts), next_order_seq_++};
  RecordDeposit(c, r.order_id, ts);
  return r;
}

CommandResult Exchange::DoTransfer(const InnerTransfer& c, Timestamp ts) {
  CommandResult r;
  if (c.currency >= markets_.currencies.size()) {
    r.reject = RejectReason::kUnknownCurrency;
    return r;
  }
  if (c.amount <= 0) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  if (c.from == c.to) {
    r.reject = RejectReason::kSameAccount;
    return r;
  }
  const Account* src = accounts_.Find(c.uid, c.currency, c.from);
  if (src == nullptr || src->available < c.amount) {
    r.reject = RejectReason::kBalanceInsufficient;
    return r;
  }
  Account& to = accounts_.Open(c.uid, c.currency, c.to, ts);
  Account& from = const_cast<Account&>(*accounts_.Find(c.uid, c.currency, c.from));
  if (to.available > std::numeric_limits<Units>::max() - c.amount - to.holds) {
    r.reject = RejectReason::kInvalidAmount;
    return r;
  }
  const BalanceContext ctx{BalanceCause::kTransfer, 0, {}};
  accounts_.Debit(from, c.amount, ctx);
  accounts_.Credit(to, c.amount, ctx);
  for (const Account* a : {&from, &to}) {
    LedgerEntry e;
    e.uid = c.uid;
    e.currency = c.currency;
    e.account_type = a->type;
    e.amount = c.amount;
    e.balance = a->balance();
    e.biz_type = BizType::kTransfer;
    e.direction = a == &from ? Direction::kOut : Direction::kIn;
    e.created_at = ts;
    accounts_.Record(e);
  }
  r.order_id = OrderId{Seconds(ts), next_order_seq_++};
  return r;
}

RejectReason Exchange::Validate(const PlaceOrder& c) const { return ValidateOrder(c, markets_); }

std::optional<Units> Exchange::HoldFor(const PlaceOrder& c, const Account& hold_account) const {
  const SymbolSpec& s = markets_.symbol(c.symbol);
  const int bs = BaseScale(c.symbol);
  const int qs = QuoteScale(c.symbol);
  const std::int64_t rate_one = Pow10(kRateScale);
  if (c.side == Side::kSell) {
    if (c.type == OrderType::kMarket && c.funds != 0) return hold_account.available;
    return c.size;
  }
  if (c.type == OrderType::kMarket && c.size != 0) return hold_account.available;
  Units funds = c.funds;
  std::int64_t rate = s.taker_fee_rate;
  if (c.type == OrderType::kLimit) {
    const auto f = FastMulDecimal(c.price, qs, c.size, bs, qs, Rounding::kCeiling);
    if (!f) return std::nullopt;
    funds = *f;
    rate = std::max(s.maker_fee_rate, s.taker_fee_rate);
  }
  const auto fee = FastMulDiv(funds, rate, rate_one, Rounding::kCeiling);
  if (!fee || *fee > std::numeric_limits<Units>::max() - funds) return std::nullopt;
  return funds + *fee;
}

bool Exchange::WouldCross(const PlaceOrder& c) const {
  const auto best = books_[c.symbol].BestPrice(Opposite(c.side));
  if (!best) return false;
  return c.side == Side::kBuy ? c.price >= *best : c.price <= *best;
}

bool Exchange::FokFillable(const PlaceOrder& c) const {
  // A dry run of Match over the opposite side: only what this taker would
  // really fill counts; an own order in the way stops it under CN/CB/DC.
  const OrderBook& book = books_[c.symbol];
  const Side other = Opposite(c.side);
  Units need = c.size;
  for (std::size_t i = 0; i < book.level_count(other) && need > 0; ++i) {
    const Level& l = book.level(other, i);
    if (c.side == Side::kBuy ? l.price > c.price : l.price < c.price) break;
    for (std::uint32_t k = l.head; k != kNoOrder && need > 0; k = pool_[k].next) {
      const Order& m = pool_[k];
      if (m.uid == c.uid && c.stp != Stp::kNone) {
        if (c.stp == Stp::kCo) continue;
        return false;
      }
      // An iceberg refreshes behind its level, so it can fill its whole remainder.
      need -= std::min(need, m.remaining());
    }
  }
  return need == 0;
}

Account& Exchange::HoldAccount(const Order& o, Timestamp ts) {
  if (o.hold_account != kNoAccount) return accounts_.at(o.hold_account);
  const SymbolSpec& s = markets_.symbol(o.symbol);
  return accounts_.Open(o.uid, o.side == Side::kBuy ? s.quote : s.base, AccountType::kTrade, ts);
}

std::uint64_t Exchange::ClientOidKey(Uid uid, std::string_view client_oid) {
  std::uint64_t h = 1469598103934665603ull ^ uid;
  for (char ch : client_oid) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ull;
  return Mix(h, uid) | 1;  // never 0
}

std::optional<OrderId> Exchange::ClientOidOwner(Uid uid, std::string_view client_oid) const {
  if (client_oid.empty()) return std::nullopt;
  const auto seq = client_oids_.Find(ClientOidKey(uid, client_oid));
  if (!seq) return std::nullopt;
  const auto order = FindOrder(uid, OrderId{0, *seq});
  if (!order || order->client_oid.view() != client_oid) return std::nullopt;
  return order->id;
}

CommandResult Exchange::DoPlace(const PlaceOrder& c, Timestamp ts, bool amend, OrderId id) {
  CommandResult r;
  r.reject = Validate(c);
  if (!r.ok()) return r;
  if (!amend) {
    // KuCoin's rule: a clientOid must not name an active order (or an
    // untriggered stop order); one that finished may be used again, and
    // lookups by it then find the newest order.
    if (const auto owner = ClientOidOwner(c.uid, c.client_oid.view());
        owner && active_.Find(owner->seq)) {
      r.reject = RejectReason::kDuplicateClientOid;
      r.existing_order_id = *owner;
      return r;
    }
    if (!c.client_oid.empty() && !stops_.empty()) {
      for (const auto& [seq, s] : stops_) {
        if (s.order.uid == c.uid && s.order.client_oid == c.client_oid) {
          r.reject = RejectReason::kDuplicateClientOid;
          r.existing_order_id = s.id;
          return r;
        }
      }
    }
  }
  UserOrders& user = users_[c.uid];
  if (user.active + user.stops >= options_.max_active_orders_per_user) {
    r.reject = RejectReason::kTooManyOrders;
    return r;
  }
  // KuCoin accepts a post-only order that would take, or a FOK order that
  // cannot fill in full, and cancels it at once: the client gets an orderId
  // and sees the order done and canceled, never a rejection.
  const bool killed =
      c.type == OrderType::kLimit &&
      ((c.post_only && WouldCross(c)) || (c.time_in_force == TimeInForce::kFok && !FokFillable(c)));
  const SymbolSpec& s = markets_.symbol(c.symbol);
  const CurrencyId hold_currency = c.side == Side::kBuy ? s.quote : s.base;
  const Account* existing = accounts_.Find(c.uid, hold_currency, AccountType::kTrade);
  const Account empty;
  const auto hold = HoldFor(c, existing ? *existing : empty);
  if (!hold) {
    r.reject = RejectReason::kAboveMaxFunds;
    return r;
  }
  if (*hold <= 0 || existing == nullptr || existing->available < *hold) {
    r.reject = RejectReason::kBalanceInsufficient;
    return r;
  }

  const std::uint32_t index = pool_.Allocate();
  Order& o = pool_[index];
  o.id = id.valid() ? id : OrderId{Seconds(ts), next_order_seq_++};
  o.uid = c.uid;
  o.symbol = c.symbol;
  o.side = c.side;
  o.type = c.type;
  o.time_in_force = c.type == OrderType::kLimit ? c.time_in_force : TimeInForce::kGtc;
  o.stp = c.stp;
  o.post_only = c.post_only;
  o.hidden = c.type == OrderType::kLimit && c.hidden;
  o.iceberg = c.type == OrderType::kLimit && c.iceberg;
  o.price = c.type == OrderType::kLimit ? c.price : 0;
  o.size = c.size;
  o.funds = c.type == OrderType::kMarket ? c.funds : 0;
  o.visible_size = o.iceberg ? c.visible_size : 0;
  o.created_at = o.updated_at = ts;
  if (o.time_in_force == TimeInForce::kGtt) {
    o.cancel_after = c.cancel_after;
    o.expire_at = ts + c.cancel_after * kNanosPerSecond;
  }
  o.client_oid = c.client_oid;
  o.remark = c.remark;
  // The account checked above (nothing has opened an account since).
  Account& hold_account = const_cast<Account&>(*existing);
  if (!accounts_.TryHold(hold_account, *hold, {BalanceCause::kTradeHold, o.symbol, o.id})) {
    std::abort();  // checked above
  }
  o.hold = *hold;
  o.hold_account = accounts_.IndexOf(hold_account);
  active_.Put(o.id.seq, index);
  if (!o.client_oid.empty()) client_oids_.Put(ClientOidKey(o.uid, o.client_oid.view()), o.id.seq);
  o.user_next = user.head;
  if (user.head != kNoOrder) pool_[user.head].user_prev = index;
  user.head = index;
  ++user.active;
  r.order_id = o.id;
  sink_->OnOrder(MakeEvent(o, OrderEventType::kReceived, ts));
  if (killed) {
    CancelActive(index, ts);
    return r;
  }

  if (!Match(index, ts)) return r;

  Order& after = pool_[index];
  const bool rests =
      after.type == OrderType::kLimit && after.remaining() > 0 &&
      (after.time_in_force == TimeInForce::kGtc || after.time_in_force == TimeInForce::kGtt);
  if (rests) {
    after.status = OrderStatus::kOpen;
    books_[after.symbol].Add(index, ts);
    if (after.expire_at != 0) expiries_.insert({after.expire_at, after.id.seq});
    sink_->OnOrder(MakeEvent(after, OrderEventType::kOpen, ts));
    return r;
  }
  // IOC / FOK / market remainder, or nothing left to fill.
  if (after.type == OrderType::kMarket ? true : after.remaining() > 0) {
    if (after.by_funds()) {
      after.canceled_funds = after.remaining_funds();
    } else {
      after.canceled_size = after.remaining();
    }
    const bool filled = after.by_funds() ? after.deal_funds > 0 && after.canceled_funds == 0
                                         : after.canceled_size == 0;
    after.canceled = !filled;
    sink_->OnOrder(
        MakeEvent(after, filled ? OrderEventType::kFilled : OrderEventType::kCanceled, ts));
  } else {
    sink_->OnOrder(MakeEvent(after, OrderEventType::kFilled, ts));
  }
  Finish(index, ts);
  return r;
}

std::uint32_t Exchange::FindActive(Uid uid, OrderId id) const {
  if (!id.valid()) return kNoOrder;
  const auto index = active_.Find(id.seq);
  if (!index) return kNoOrder;
  const auto i = static_cast<std::uint32_t>(*index);
  if (pool_[i].uid != uid) return kNoOrder;
  return i;
}

void Exchange::CancelActive(std::uint32_t index, Timestamp ts) {
  Order& o = pool_[index];
  if (o.status == OrderStatus::kOpen) books_[o.symbol].Remove(index, ts);
  if (o.by_funds()) {
    o.canceled_funds = o.remaining_funds();
  } else {
    o.canceled_size += o.remaining();
  }
  o.canceled = true;
  o.updated_at = ts;
  sink_->OnOrder(MakeEvent(o, OrderEventType::kCanceled, ts));
  Finish(index, ts);
}

void Exchange::Finish(std::uint32_t index, Timestamp ts) {
  Order& o = pool_[index];
  if (o.status == OrderStatus::kOpen && o.remaining() != 0) std::abort();
  o.status = OrderStatus::kDone;
  o.updated_at = ts;
  if (o.hold > 0) {
    accounts_.Release(HoldAccount(o, ts), o.hold, {BalanceCause::kTradeRelease, o.symbol, o.id});
    o.hold = 0;
  }
  if (o.expire_at != 0) expiries_.erase({o.expire_at, o.id.seq});
  // Unlink from the user's active list.
  UserOrders& user = users_[o.uid];
  if (o.user_prev != kNoOrder) {
    pool_[o.user_prev].user_next = o.user_next;
  } else {
    user.head = o.user_next;
  }
  if (o.user_next != kNoOrder) pool_[o.user_next].user_prev = o.user_prev;
  --user.active;
  // Into the done history, forgetting the oldest done order if full.
  if (const Order* old = done_.Evicting()) {
    if (!old->client_oid.empty()) {
      const std::uint64_t key = ClientOidKey(old->uid, old->client_oid.view());
      const auto owner = client_oids_.Find(key);
      if (owner && *owner == old->id.seq) client_oids_.Erase(key);
    }
  }
  const std::uint64_t pos = done_.Push(o);  // one copy, unlinked in place
  Order& done = done_.Newest();
  done.prev = done.next = done.user_prev = done.user_next = kNoOrder;
  done.hold_account = kNoAccount;
  done_slots_[o.id.seq & (done_slots_.size() - 1)] = pos + 1;
  active_.Erase(o.id.seq);
  pool_.Free(index);
}

CommandResult Exchange::DoCancel(Uid uid, OrderId id, Timestamp ts) {
  CommandResult r;
  const std::uint32_t index = FindActive(uid, id);
  if (index == kNoOrder) {
    r.reject = RejectReason::kOrderNotFound;
    return r;
  }
  r.order_id = pool_[index].id;
  CancelActive(index, ts);
  return r;
}

CommandResult Exchange::DoCancelByClientOid(const CancelByClientOid& c, Timestamp ts) {
  const auto owner = ClientOidOwner(c.uid, c.client_oid.view());
  if (!owner) {
    CommandResult r;
    r.reject = RejectReason::kOrderNotFound;
    return r;
  }
  return DoCancel(c.uid, *owner, ts);
}

CommandResult Exchange::DoCancelAll(const CancelAll& c, Timestamp ts) {
  CommandResult r;
  if (c.symbol && *c.symbol >= markets_.symbols.size()) {
    r.reject = RejectReason::kUnknownSymbol;
    return r;
  }
  const UserOrders* user = users_.find(c.uid);
  if (user == nullptr) return r;
  // Oldest first, as KuCoin lists cancelled ids.
  std::vector<std::uint32_t> victims;
  for (std::uint32_t k = user->head; k != kNoOrder; k = pool_[k].user_next) {
    if (!c.symbol || pool_[k].symbol == *c.symbol) victims.push_back(k);
  }
  std::reverse(victims.begin(), victims.end());
  for (std::uint32_t k : victims) {
    r.canceled.push_back(pool_[k].id);
    CancelActive(k, ts);
  }
  return r;
}

CommandResult Exchange::DoReduce(const ReduceOrder& c, Timestamp ts) {
  CommandResult r;
  const std::uint32_t index = FindActive(c.uid, c.order_id);
  if (index == kNoOrder || pool_[index].symbol != c.symbol) {
    r.reject = RejectReason::kOrderNotFound;
    return r;
  }
  Order& o = pool_[index];
  const SymbolSpec& s = markets_.symbol(o.symbol);
  if (c.size <= 0 || o.by_funds()) {
    r.reject = RejectReason::kInvalidSize;
    return r;
  }
  if (c.size % s.base_increment != 0) {
    r.reject = RejectReason::kSizeIncrement;
    return r;
  }
  r.order_id = o.id;
  if (c.size >= o.remaining()) {
    r.reduced = o.remaining();
    CancelActive(index, ts);
    return r;
  }
  r.reduced = c.size;
  Decrease(index, c.size, ts);
  // Free the part of the hold the smaller order no longer needs.
  PlaceOrder rest;
  rest.symbol = o.symbol;
  rest.side = o.side;
  rest.type = o.type;
  rest.price = o.price;
  rest.size = o.remaining();
  const auto needed = HoldFor(rest, Account{});
  if (needed && *needed < o.hold) {
    accounts_.Release(HoldAccount(o, ts), o.hold - *needed,
                      {BalanceCause::kTradeRelease, o.symbol, o.id});
    o.hold = *needed;
  }
  return r;
}

CommandResult Exchange::DoAmend(const AmendOrder& c, Timestamp ts) {
  CommandResult r;
  if (!c.new_price && !c.new_size) {
    r.reject = RejectReason::kNothingToAmend;
    return r;
  }
  OrderId id = c.order_id;
  if (!id.valid()) {
    const auto owner = ClientOidOwner(c.uid, c.client_oid.view());
    if (owner) id = *owner;
  }
  const std::uint32_t index = FindActive(c.uid, id);
  if (index == kNoOrder) {
    r.reject = RejectReason::kOrderNotFound;
    return r;
  }
  const Order& old = pool_[index];
  const Units new_total = c.new_size.value_or(old.size - old.canceled_size);
  if (new_total <= old.deal_size) {
    // KuCoin: a new size at or below what is filled only cancels the order.
    CancelActive(index, ts);
    return r;
  }
  PlaceOrder n;
  n.uid = old.uid;
  n.symbol = old.symbol;
  n.side = old.side;
  n.type = OrderType::kLimit;
  n.price = c.new_price.value_or(old.price);
  n.size = new_total - old.deal_size;
  n.time_in_force = old.time_in_force;
  n.cancel_after = old.cancel_after;
  n.post_only = old.post_only;
  n.hidden = old.hidden;
  n.iceberg = old.iceberg;
  n.visible_size = std::min(old.visible_size, n.size);
  n.stp = old.stp;
  n.client_oid = old.client_oid;
  n.remark = old.remark;
  // All checks before the cancel, so that a refused amend changes nothing. A
  // post-only order amended to a price that would take is placed and
  // canceled at once, as a new post-only order would be (KuCoin's rule).
  if (RejectReason v = Validate(n); v != RejectReason::kNone) {
    r.reject = v;
    return r;
  }
  const Account& hold_account = HoldAccount(old, ts);
  const auto hold = HoldFor(n, hold_account);
  if (!hold) {
    r.reject = RejectReason::kAboveMaxFunds;
    return r;
  }
  if (*hold > hold_account.available + old.hold) {
    r.reject = RejectReason::kBalanceInsufficient;
    return r;
  }
  CancelActive(index, ts);
  CommandResult placed = DoPlace(n, ts, /*amend=*/true);
  if (!placed.ok()) std::abort();  // every check was made above
  r.order_id = placed.order_id;
  return r;
}

CommandResult Exchange::DoExpire(const ExpireOrders& c, Timestamp ts) {
  CommandResult r;
  while (!expiries_.empty() && expiries_.begin()->first <= c.now) {
    const std::uint64_t seq = expiries_.begin()->second;
    const auto index = active_.Find(seq);
    if (!index) std::abort();  // Finish() erases expiries of done orders
    r.canceled.push_back(pool_[static_cast<std::uint32_t>(*index)].id);
    CancelActive(static_cast<std::uint32_t>(*index), ts);
  }
  // Dead-cancel-all settings not renewed in time, earliest first.
  while (!dead_cancel_triggers_.empty() && dead_cancel_triggers_.begin()->first <= c.now) {
    const Uid uid = dead_cancel_triggers_.begin()->second;
    const DeadCancel setting = dead_cancels_.at(uid);
    ClearDeadCancel(uid);
    const UserOrders* user = users_.find(uid);
    if (user == nullptr) continue;
    std::vector<std::uint32_t> victims;
    for (std::uint32_t k = user->head; k != kNoOrder; k = pool_[k].user_next) {
      const SymbolId s = pool_[k].symbol;
      if (setting.symbols.empty() ||
          std::find(setting.symbols.begin(), setting.symbols.end(), s) != setting.symbols.end()) {
        victims.push_back(k);
      }
    }
    std::reverse(victims.begin(), victims.end());  // oldest first, as CancelAll
    for (std::uint32_t k : victims) {
      r.canceled.push_back(pool_[k].id);
      CancelActive(k, ts);
    }
    // Untriggered stop orders on those pairs too.
    CancelStopsOf(uid, setting.symbols, ts, &r.canceled);
  }
  CompleteWithdrawals(c.now, ts);
  return r;
}

CommandResult Exchange::DoSetDeadCancel(const SetDeadCancel& c, Timestamp ts) {
  CommandResult r;
  r.at = ts;
  if (c.timeout != -1 && (c.timeout < kDeadCancelMinTimeout || c.timeout > kDeadCancelMaxTimeout)) {
    r.reject = RejectReason::kInvalidTimeout;
    return r;
  }
  DeadCancel setting;
  setting.timeout = c.timeout;
  for (std::size_t i = 0; i < c.symbol_count && i < kMaxDeadCancelSymbols; ++i) {
    if (c.symbols[i] >= markets_.symbols.size()) {
      r.reject = RejectReason::kUnknownSymbol;
      return r;
    }
    setting.symbols.push_back(c.symbols[i]);
  }
  ClearDeadCancel(c.uid);
  if (c.timeout == -1) return r;
  setting.set_at = ts;
  setting.trigger_at = ts + c.timeout * kNanosPerSecond;
  dead_cancel_triggers_.insert({setting.trigger_at, c.uid});
  dead_cancels_.emplace(c.uid, std::move(setting));
  return r;
}

void Exchange::ClearDeadCancel(Uid uid) {
  const auto it = dead_cancels_.find(uid);
  if (it == dead_cancels_.end()) return;
  dead_cancel_triggers_.erase({it->second.trigger_at, uid});
  dead_cancels_.erase(it);
}

std::optional<DeadCancel> Exchange::DeadCancelOf(Uid uid) const {
  const auto it = dead_cancels_.find(uid);
  if (it == dead_cancels_.end()) return std::nullopt;
  return it->second;
}

std::optional<Timestamp> Exchange::NextExpiry() const {
  std::optional<Timestamp> next;
  if (!expiries_.empty()) next = expiries_.begin()->first;
  if (!dead_cancel_triggers_.empty() && (!next || dead_cancel_triggers_.begin()->first < *next)) {
    next = dead_cancel_triggers_.begin()->first;
  }
  if (!withdrawal_due_.empty() && (!next || withdrawal_due_.begin()->first < *next)) {
    next = withdrawal_due_.begin()->first;
  }
  return next;
}

OrderEvent Exchange::MakeEvent(const Order& o, OrderEventType type, Timestamp ts) const {
  // Not `e{}`: every field is set below or has a default, and zeroing all
  // 224 bytes first (a rep stos) cost more than the rest of the event.
  OrderEvent e;
  e.type = type;
  e.ts = ts;
  e.uid = o.uid;
  e.symbol = o.symbol;
  e.order_id = o.id;
  e.client_oid = o.client_oid;
  e.side = o.side;
  e.order_type = o.type;
  e.order_time = o.created_at;
  e.price = o.price;
  e.origin_size = o.size;
  e.origin_funds = o.funds;
  e.size = o.size;
  e.filled_size = o.deal_size;
  e.remain_size = o.status == OrderStatus::kDone || o.by_funds() ? 0 : o.remaining();
  e.canceled_size = o.canceled_size;
  e.remain_funds = o.by_funds() && o.status != OrderStatus::kDone ? o.remaining_funds() : 0;
  e.in_book = o.status == OrderStatus::kOpen;
  return e;
}

std::optional<Order> Exchange::FindOrder(Uid uid, OrderId id) const {
  if (!id.valid()) return std::nullopt;
  if (const auto index = active_.Find(id.seq)) {
    const Order& o = pool_[static_cast<std::uint32_t>(*index)];
    if (o.uid == uid) return o;
    return std::nullopt;
  }
  const std::uint64_t slot = done_slots_[id.seq & (done_slots_.size() - 1)];
  if (slot != 0 && done_.Holds(slot - 1)) {
    const Order& o = done_.At(slot - 1);
    if (o.id.seq == id.seq && o.uid == uid) return o;
  }
  return std::nullopt;
}

std::optional<Order> Exchange::FindOrderByClientOid(Uid uid, std::string_view client_oid) const {
  const auto owner = ClientOidOwner(uid, client_oid);
  if (!owner) return std::nullopt;
  return FindOrder(uid, *owner);
}

std::vector<Order> Exchange::ActiveOrders(Uid uid, std::optional<SymbolId> symbol) const {
  std::vector<Order> out;
  const UserOrders* user = users_.find(uid);
  if (user == nullptr) return out;
  for (std::uint32_t k = user->head; k != kNoOrder; k = pool_[k].user_next) {
    if (!symbol || pool_[k].symbol == *symbol) out.push_back(pool_[k]);
  }
  return out;
}

std::size_t Exchange::DoneOrders(const OrderFilter& f, std::size_t offset, std::size_t limit,
                                 std::vector<Order>* out) const {
  std::size_t matches = 0;
  done_.ForEachNewest([&](const Order& o) {
    if (o.uid != f.uid) return true;
    if (f.symbol && o.symbol != *f.symbol) return true;
    if (f.side && o.side != *f.side) return true;
    if (f.type && o.type != *f.type) return true;
    if (f.start != 0 && o.created_at < f.start) return true;
    if (f.end != 0 && o.created_at > f.end) return true;
    if (matches >= offset && matches < offset + limit) out->push_back(o);
    ++matches;
    return true;
  });
  return matches;
}

std::size_t Exchange::Fills(const FillFilter& f, std::size_t offset, std::size_t limit,
                            std::vector<Fill>* out) const {
  std::size_t matches = 0;
  fills_.ForEachNewest([&](const Fill& x) {
    if (x.uid != f.uid) return true;
    if (f.symbol && x.symbol != *f.symbol) return true;
    if (f.order_id && x.order_id != *f.order_id) return true;
    if (f.side && x.side != *f.side) return true;
    if (f.type && x.order_type != *f.type) return true;
    if (f.start != 0 && x.created_at < f.start) return true;
    if (f.end != 0 && x.created_at > f.end) return true;
    if (matches >= offset && matches < offset + limit) out->push_back(x);
    ++matches;
    return true;
  });
  return matches;
}

BookSnapshot Exchange::Book(SymbolId symbol, std::size_t depth) const {
  BookSnapshot s;
  const OrderBook& b = books_.at(symbol);
  s.sequence = b.sequence();
  b.Snapshot(depth, &s.bids, &s.asks);
  return s;
}

std::uint64_t Exchange::StateDigest() const {
  std::uint64_t h = 0;
  h = Mix(h, next_order_seq_);
  h = Mix(h, next_trade_id_);
  h = Mix(h, next_fill_id_);
  h = Mix(h, static_cast<std::uint64_t>(last_ts_));
  for (Units f : fees_) h = Mix(h, static_cast<std::uint64_t>(f));
  for (const Account& a : accounts_.all()) {
    h = Mix(h, a.id.seq);
    h = Mix(h, a.uid);
    h = Mix(h, static_cast<std::uint64_t>(a.available));
    h = Mix(h, static_cast<std::uint64_t>(a.holds));
  }
  for (const OrderBook& b : books_) {
    h = Mix(h, b.sequence());
    for (Side side : {Side::kBuy, Side::kSell}) {
      for (std::size_t i = 0; i < b.level_count(side); ++i) {
        const Level& l = b.level(side, i);
        for (std::uint32_t k = l.head; k != kNoOrder; k = pool_[k].next) {
          const Order& o = pool_[k];
          h = Mix(h, o.id.seq);
          h = Mix(h, static_cast<std::uint64_t>(o.price));
          h = Mix(h, static_cast<std::uint64_t>(o.remaining()));
          h = Mix(h, static_cast<std::uint64_t>(o.display));
          h = Mix(h, static_cast<std::uint64_t>(o.hold));
        }
      }
    }
  }
  for (const auto& [uid, d] : dead_cancels_) {
    h = Mix(h, uid);
    h = Mix(h, static_cast<std::uint64_t>(d.timeout));
    h = Mix(h, static_cast<std::uint64_t>(d.set_at));
    for (SymbolId s : d.symbols) h = Mix(h, s);
  }
  for (const auto* map : {&stops_, &triggered_stops_}) {
    for (const auto& [seq, st] : *map) {
      h = Mix(h, seq);
      h = Mix(h, static_cast<std::uint64_t>(st.stop_price));
      h = Mix(h, static_cast<std::uint64_t>(st.hold));
      h = Mix(h, static_cast<std::uint64_t>(st.triggered_at));
    }
  }
  for (Units w : withdrawn_) h = Mix(h, static_cast<std::uint64_t>(w));
  deposits_.ForEachNewest([&](const DepositRecord& d) {
    h = Mix(h, d.id.seq);
    h = Mix(h, static_cast<std::uint64_t>(d.amount));
    return true;
  });
  for (const auto& [seq, w] : withdrawals_) {
    h = Mix(h, seq);
    h = Mix(h, static_cast<std::uint64_t>(w.status));
    h = Mix(h, static_cast<std::uint64_t>(w.amount));
    h = Mix(h, static_cast<std::uint64_t>(w.fee));
    h = Mix(h, static_cast<std::uint64_t>(w.complete_at));
  }
  done_.ForEachNewest([&](const Order& o) {
    h = Mix(h, o.id.seq);
    h = Mix(h, static_cast<std::uint64_t>(o.deal_size));
    h = Mix(h, static_cast<std::uint64_t>(o.deal_funds));
    h = Mix(h, static_cast<std::uint64_t>(o.fee));
    return true;
  });
  return h;
}

void Exchange::CheckInvariants() const {
  for (const OrderBook& b : books_) b.CheckInvariants();
  // Every hold is owned by exactly the active orders that hold it.
  std::unordered_map<std::uint64_t, Units> holds;  // (uid, currency) -> sum
  for (const auto& [uid, user] : users_) {
    std::uint32_t count = 0;
    for (std::uint32_t k = user.head; k != kNoOrder; k = pool_[k].user_next) {
      const Order& o = pool_[k];
      if (o.uid != uid || o.status != OrderStatus::kOpen || o.hold < 0) std::abort();
      const SymbolSpec& s = markets_.symbol(o.symbol);
      holds[(uid << 12) | (o.side == Side::kBuy ? s.quote : s.base)] += o.hold;
      ++count;
    }
    if (count != user.active) std::abort();
  }
  std::unordered_map<Uid, std::uint32_t> stop_counts;
  for (const auto& [seq, st] : stops_) {
    const SymbolSpec& s = markets_.symbol(st.order.symbol);
    holds[(st.order.uid << 12) | (st.order.side == Side::kBuy ? s.quote : s.base)] += st.hold;
    ++stop_counts[st.order.uid];
  }
  for (const auto& [uid, user] : users_) {
    if (user.stops != stop_counts[uid]) std::abort();
  }
  // Main accounts hold only what processing withdrawals hold.
  std::unordered_map<std::uint64_t, Units> withdrawal_holds;
  std::size_t finished = 0;
  for (const auto& [seq, w] : withdrawals_) {
    if (w.status == WithdrawalStatus::kProcessing) {
      withdrawal_holds[(w.uid << 12) | w.currency] += w.hold();
    } else {
      ++finished;
    }
  }
  if (finished != finished_withdrawals_) std::abort();
  for (const Account& a : accounts_.all()) {
    if (a.available < 0 || a.holds < 0) std::abort();
    const Units expected = a.type == AccountType::kTrade
                               ? holds[(a.uid << 12) | a.currency]
                               : withdrawal_holds[(a.uid << 12) | a.currency];
    if (a.holds != expected) std::abort();
  }
}

}  // namespace kc::engine
