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
    if (const auto owner = ClientOidOwner(p.uid, p.client_oid.view())) {
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
  r.order_id = s.id;
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
    auto node = stops_.extract(seq);
    const StopOrder& s = node.mapped();
    UnindexStop(s);
    ReleaseStopHold(s, ts);
    r.canceled.push_back(s.id);
  }
  if (one) r.order_id = r.canceled.front();
  return r;
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
      auto node = stops_.extract(seq);
      const StopOrder& s = node.mapped();
      UnindexStop(s);
      ReleaseStopHold(s, ts);
      // amend=true: the clientOid was checked when the stop order was placed.
      // A refusal now (balance moved away, order limit) just ends it.
      DoPlace(s.order, ts, /*amend=*/true, s.id);
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
  const auto it = stops_.find(id.seq);
  if (!id.valid() || it == stops_.end() || it->second.order.uid != uid) return std::nullopt;
  return it->second;
}

std::vector<StopOrder> Exchange::StopOrders(Uid uid) const {
  std::vector<StopOrder> out;
  for (const auto& [seq, s] : stops_) {
    if (s.order.uid == uid) out.push_back(s);
  }
  return out;
}

}  // namespace kc::engine
