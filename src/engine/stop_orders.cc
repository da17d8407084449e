// Stop orders (KuCoin's /api/v1/stop-order): held apart from the books with
// their funds held, and placed when a trade on their pair reaches their stop
// price. Execute() notes every trade while stop orders exist; after the
// command, TriggerStops walks those trades in order, triggers the stop orders
// each one reaches (in placement order) and places them, whose own trades
// join the end of the walk. All of it within the command: replay repeats it.
#include <algorithm>
#include <limits>

#include "engine/exchange.h"

namespace kc::engine {
namespace {

std::uint32_t Seconds(Timestamp ts) { return static_cast<std::uint32_t>(ts / kNanosPerSecond); }

}  // namespace

CommandResult Exchange::DoPlaceStop(const PlaceStopOrder& c, Timestamp ts) {
  CommandResult r;
  const PlaceOrder& p = c.order;
  r.reject = Validate(p);
  if (!r.ok()) return r;
  const SymbolSpec& spec = markets_.symbol(p.symbol);
  if (c.stop_price <= 0) {
    r.reject = RejectReason::kInvalidPrice;
    return r;
  }
  if (c.stop_price % spec.price_increment != 0) {
    r.reject = RejectReason::kPriceIncrement;
    return r;
  }
  // Holding "all available" until some later trade would lock the account:
  // a market stop buys by funds and sells by size.
  if (p.type == OrderType::kMarket && (p.side == Side::kBuy ? p.funds == 0 : p.size == 0)) {
    r.reject = RejectReason::kInvalidSize;
    return r;
  }
  if (!p.client_oid.empty()) {
    // KuCoin's rule: a clientOid must not name an active order (finished ones may repeat).
    if (const auto owner = ClientOidOwner(p.uid, p.client_oid.view());
        owner && active_.Find(owner->seq)) {
      r.reject = RejectReason::kDuplicateClientOid;
      r.existing_order_id = *owner;
      return r;
    }
    for (const auto& [seq, s] : stops_) {
      if (s.order.uid == p.uid && s.order.client_oid == p.client_oid) {
        r.reject = RejectReason::kDuplicateClientOid;
        r.existing_order_id = s.id;
        return r;
      }
    }
  }
  // Untriggered stop orders count toward the active-order limit.
  if (const UserOrders* user = users_.find(p.uid);
      user != nullptr && user->active + user->stops >= options_.max_active_orders_per_user) {
    r.reject = RejectReason::kTooManyOrders;
    return r;
  }
  const CurrencyId currency = p.side == Side::kBuy ? spec.quote : spec.base;
  const Account* existing = accounts_.Find(p.uid, currency, AccountType::kTrade);
  const auto hold = HoldFor(p, existing ? *existing : Account{});
  if (!hold) {
    r.reject = RejectReason::kAboveMaxFunds;
    return r;
  }
  if (*hold <= 0 || existing == nullptr || existing->available < *hold) {
    r.reject = RejectReason::kBalanceInsufficient;
    return r;
  }
  StopOrder s;
  s.id = OrderId{Seconds(ts), next_order_seq_++};
  s.order = p;
  s.stop = c.stop;
  s.stop_price = c.stop_price;
  s.hold = *hold;
  s.created_at = ts;
  Account& account = const_cast<Account&>(*existing);
  if (!accounts_.TryHold(account, s.hold, {BalanceCause::kTradeHold, p.symbol, s.id})) {
    std::abort();  // checked above
  }
  IndexStop(s);
  ++users_[p.uid].stops;
  r.order_id = s.id;
  EmitStop(s, StopEventType::kOpen, ts);
  stops_.emplace(s.id.seq, std::move(s));
  return r;
}

CommandResult Exchange::DoCancelStops(const CancelStopOrders& c, Timestamp ts) {
  CommandResult r;
  if (c.symbol && *c.symbol >= markets_.symbols.size()) {
    r.reject = RejectReason::kUnknownSymbol;
    return r;
  }
  const bool one = c.order_id.valid() || !c.client_oid.empty();
  std::vector<std::uint64_t> victims;
  for (const auto& [seq, s] : stops_) {
    if (s.order.uid != c.uid || (c.symbol && s.order.symbol != *c.symbol)) continue;
    if (c.order_id.valid() ? s.id.seq != c.order_id.seq
                           : !c.client_oid.empty() && s.order.client_oid != c.client_oid) {
      continue;
    }
    victims.push_back(seq);
  }
  if (one && victims.empty()) {
    r.reject = RejectReason::kOrderNotFound;
    return r;
  }
  for (std::uint64_t seq : victims) {
    const StopOrder s = RemoveStop(seq, ts);
    EmitStop(s, StopEventType::kCancel, ts);
    r.canceled.push_back(s.id);
  }
  if (one) r.order_id = r.canceled.front();
  return r;
}

StopOrder Exchange::RemoveStop(std::uint64_t seq, Timestamp ts) {
  auto node = stops_.extract(seq);
  StopOrder s = std::move(node.mapped());
  UnindexStop(s);
  ReleaseStopHold(s, ts);
  UserOrders& user = users_[s.order.uid];
  if (user.stops == 0) std::abort();  // counted at placement
  --user.stops;
  return s;
}

void Exchange::CancelStopsOf(Uid uid, const std::vector<SymbolId>& symbols, Timestamp ts,
                             std::vector<OrderId>* canceled) {
  std::vector<std::uint64_t> victims;
  for (const auto& [seq, s] : stops_) {
    if (s.order.uid != uid) continue;
    if (!symbols.empty() &&
        std::find(symbols.begin(), symbols.end(), s.order.symbol) == symbols.end()) {
      continue;
    }
    victims.push_back(seq);
  }
  for (std::uint64_t seq : victims) {
    const StopOrder s = RemoveStop(seq, ts);
    EmitStop(s, StopEventType::kCancel, ts);
    canceled->push_back(s.id);
  }
}

void Exchange::EmitStop(const StopOrder& s, StopEventType type, Timestamp ts) {
  StopEvent e;
  e.type = type;
  e.ts = ts;
  e.uid = s.order.uid;
  e.symbol = s.order.symbol;
  e.order_id = s.id;
  e.side = s.order.side;
  e.order_type = s.order.type;
  e.stop = s.stop;
  e.price = s.order.price;
  e.size = s.order.size;
  e.funds = s.order.funds;
  e.stop_price = s.stop_price;
  e.created_at = s.created_at;
  sink_->OnStop(e);
}

void Exchange::TriggerStops(Timestamp ts) {
  constexpr Units kLowest = std::numeric_limits<Units>::min();
  std::vector<std::uint64_t> due;
  // Placing a triggered order may trade and append to stop_trades_.
  for (std::size_t i = 0; i < stop_trades_.size() && !stops_.empty(); ++i) {
    const auto [symbol, price] = stop_trades_[i];
    due.clear();
    for (auto it = rising_stops_.lower_bound({symbol, kLowest, 0});
         it != rising_stops_.end() && std::get<0>(*it) == symbol && std::get<1>(*it) <= price;
         ++it) {
      due.push_back(std::get<2>(*it));
    }
    for (auto it = falling_stops_.lower_bound({symbol, kLowest, 0});
         it != falling_stops_.end() && std::get<0>(*it) == symbol && std::get<1>(*it) <= -price;
         ++it) {
      due.push_back(std::get<2>(*it));
    }
    std::sort(due.begin(), due.end());
    for (std::uint64_t seq : due) {
      StopOrder s = RemoveStop(seq, ts);
      s.hold = 0;
      s.triggered_at = ts;
      EmitStop(s, StopEventType::kTriggered, ts);
      // Kept as a triggered stop order, the oldest forgotten first.
      const PlaceOrder order = s.order;
      const OrderId id = s.id;
      triggered_stops_.emplace(seq, std::move(s));
      while (triggered_stops_.size() > options_.done_order_capacity) {
        triggered_stops_.erase(triggered_stops_.begin());
      }
      // amend=true: the clientOid was checked when the stop order was placed.
      // A refusal now (balance moved away, order limit) just ends it.
      DoPlace(order, ts, /*amend=*/true, id);
    }
  }
  stop_trades_.clear();
}

void Exchange::IndexStop(const StopOrder& s) {
  if (s.falling()) {
    falling_stops_.insert({s.order.symbol, -s.stop_price, s.id.seq});
  } else {
    rising_stops_.insert({s.order.symbol, s.stop_price, s.id.seq});
  }
}

void Exchange::UnindexStop(const StopOrder& s) {
  if (s.falling()) {
    falling_stops_.erase({s.order.symbol, -s.stop_price, s.id.seq});
  } else {
    rising_stops_.erase({s.order.symbol, s.stop_price, s.id.seq});
  }
}

void Exchange::ReleaseStopHold(const StopOrder& s, Timestamp ts) {
  const SymbolSpec& spec = markets_.symbol(s.order.symbol);
  Account& account = accounts_.Open(
      s.order.uid, s.order.side == Side::kBuy ? spec.quote : spec.base, AccountType::kTrade, ts);
  accounts_.Release(account, s.hold, {BalanceCause::kTradeRelease, s.order.symbol, s.id});
}

std::optional<StopOrder> Exchange::FindStopOrder(Uid uid, OrderId id) const {
  if (!id.valid()) return std::nullopt;
  for (const auto* map : {&stops_, &triggered_stops_}) {
    const auto it = map->find(id.seq);
    if (it != map->end() && it->second.order.uid == uid) return it->second;
  }
  return std::nullopt;
}

std::optional<StopOrder> Exchange::FindStopOrderByClientOid(Uid uid,
                                                            const ClientOid& client_oid) const {
  const StopOrder* found = nullptr;
  for (const auto* map : {&stops_, &triggered_stops_}) {
    for (const auto& [seq, s] : *map) {
      if (s.order.uid == uid && s.order.client_oid == client_oid &&
          (found == nullptr || found->id.seq < seq)) {
        found = &s;
      }
    }
  }
  if (found == nullptr) return std::nullopt;
  return *found;
}

std::vector<StopOrder> Exchange::StopOrders(Uid uid) const {
  std::vector<StopOrder> out;
  for (const auto& [seq, s] : stops_) {
    if (s.order.uid == uid) out.push_back(s);
  }
  return out;
}

}  // namespace kc::engine
