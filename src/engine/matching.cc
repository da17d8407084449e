// The matching walk: a taker against the opposite side of its book, best price
// first and oldest first within a price, until it is filled, its limit price is
// reached, it can afford no more, or self-trade prevention stops it. Each
// match settles both orders at once (funds, fees, holds), reduces the maker in
// the book, and reports order, trade and fill records; no allocation happens
// here once the histories and accounts exist.
#include <algorithm>
#include <cstdlib>

#include "core/decimal.h"
#include "engine/exchange.h"
#include "engine/money.h"

namespace kc::engine {

bool Exchange::Match(std::uint32_t taker, Timestamp ts) {
  const SymbolId symbol = pool_[taker].symbol;
  OrderBook& book = books_[symbol];
  const Side other = Opposite(pool_[taker].side);
  for (;;) {
    const Order& t = pool_[taker];
    const Units want = t.by_funds() ? std::numeric_limits<Units>::max() : t.remaining();
    if (want <= 0 || (t.by_funds() && t.remaining_funds() <= 0)) return true;
    const Level* level = book.Best(other);
    if (level == nullptr) return true;
    if (t.type == OrderType::kLimit &&
        (t.side == Side::kBuy ? level->price > t.price : level->price < t.price)) {
      return true;
    }
    const std::uint32_t maker = level->head;
    const Order& m = pool_[maker];
    if (m.uid == t.uid && t.stp != Stp::kNone) {
      if (SelfTrade(taker, maker, ts) == StpOutcome::kTakerDone) return false;
      continue;
    }
    const Units qty = AffordableSize(t, level->price, std::min(want, book.Matchable(m)));
    if (qty <= 0) return true;
    Execute(taker, maker, qty, ts);
  }
}

Exchange::StpOutcome Exchange::SelfTrade(std::uint32_t taker, std::uint32_t maker, Timestamp ts) {
  Order& t = pool_[taker];
  Stp stp = t.stp;
  if (stp == Stp::kDc && t.by_funds()) stp = Stp::kCn;
  switch (stp) {
    case Stp::kCn:
      CancelActive(taker, ts);
      return StpOutcome::kTakerDone;
    case Stp::kCo:
      CancelActive(maker, ts);
      return StpOutcome::kContinue;
    case Stp::kCb:
      CancelActive(maker, ts);
      CancelActive(taker, ts);
      return StpOutcome::kTakerDone;
    case Stp::kDc: {
      const Units taker_left = t.remaining();
      const Units maker_left = pool_[maker].remaining();
      if (maker_left <= taker_left) {
        CancelActive(maker, ts);
      } else {
        Decrease(maker, taker_left, ts);
      }
      if (taker_left <= maker_left) {
        CancelActive(taker, ts);
        return StpOutcome::kTakerDone;
      }
      Decrease(taker, maker_left, ts);
      return StpOutcome::kContinue;
    }
    case Stp::kNone:
      break;
  }
  std::abort();
}

void Exchange::Decrease(std::uint32_t index, Units qty, Timestamp ts) {
  Order& o = pool_[index];
  const Units old_size = o.size - o.canceled_size;
  o.canceled_size += qty;
  o.updated_at = ts;
  if (o.status == OrderStatus::kOpen) books_[o.symbol].Reduce(index, qty, ts);
  OrderEvent e = MakeEvent(o, OrderEventType::kUpdate, ts);
  e.old_size = old_size;
  e.size = o.size - o.canceled_size;
  sink_->OnOrder(e);
}

Units Exchange::AffordableSize(const Order& t, Units price, Units want) const {
  const SymbolSpec& s = markets_.symbol(t.symbol);
  const int bs = BaseScale(t.symbol);
  const std::int64_t base_one = Pow10(bs);
  auto round = [&](Units q) { return q - q % s.base_increment; };
  if (t.side == Side::kSell) {
    if (!t.by_funds()) return want;
    // Sell until the funds received reach the order's funds.
    const Units q = FastMulDiv(t.remaining_funds(), base_one, price, Rounding::kFloor).value_or(0);
    return round(std::min({want, q, t.hold}));
  }
  if (t.type == OrderType::kLimit) return want;  // the hold covers the limit price
  if (t.by_funds()) {
    const Units q = FastMulDiv(t.remaining_funds(), base_one, price, Rounding::kFloor).value_or(0);
    return round(std::min(want, q));
  }
  // Market buy by size: what the held balance still pays for, fee included.
  const std::int64_t rate_one = Pow10(kRateScale);
  const Units funds =
      FastMulDiv(t.hold, rate_one, rate_one + s.taker_fee_rate, Rounding::kFloor).value_or(0);
  const Units q = FastMulDiv(funds, base_one, price, Rounding::kFloor).value_or(0);
  return round(std::min(want, q));
}

void Exchange::Settle(Order& o, const Order& counter, Liquidity liquidity, Units qty, Units funds,
                      Units fee, std::int64_t fee_rate, Timestamp ts, std::uint64_t trade_id) {
  const SymbolSpec& s = markets_.symbol(o.symbol);
  const BalanceContext ctx{BalanceCause::kTradeSettled, o.symbol, o.id};
  const CurrencyId pay_currency = o.side == Side::kBuy ? s.quote : s.base;
  const CurrencyId get_currency = o.side == Side::kBuy ? s.base : s.quote;
  const Units pay = o.side == Side::kBuy ? funds + fee : qty;
  const Units get = o.side == Side::kBuy ? qty : funds - fee;
  if (pay > o.hold || get < 0) std::abort();  // holds are sized so that this cannot happen
  o.hold -= pay;
  // Accounts are looked up one at a time: opening one may move the others.
  Account& payer = HoldAccount(o, ts);  // what an order pays in is what it holds
  accounts_.SpendHeld(payer, pay, ctx);
  const Units pay_balance = payer.balance();
  Account& getter = accounts_.Open(o.uid, get_currency, AccountType::kTrade, ts);
  accounts_.Credit(getter, get, ctx);
  const Units get_balance = getter.balance();
  o.deal_size += qty;
  o.deal_funds += funds;
  o.fee += fee;
  o.updated_at = ts;
  fees_[s.quote] += fee;

  LedgerEntry e;
  e.uid = o.uid;
  e.account_type = AccountType::kTrade;
  e.biz_type = BizType::kExchange;
  e.created_at = ts;
  e.has_trade = true;
  e.symbol = o.symbol;
  e.order_id = o.id;
  e.trade_id = trade_id;
  e.currency = pay_currency;
  e.amount = pay;
  e.fee = o.side == Side::kBuy ? fee : 0;
  e.balance = pay_balance;
  e.direction = Direction::kOut;
  accounts_.Record(e);
  e.currency = get_currency;
  e.amount = get;
  e.fee = o.side == Side::kSell ? fee : 0;
  e.balance = get_balance;
  e.direction = Direction::kIn;
  accounts_.Record(e);

  Fill f;
  f.id = next_fill_id_++;
  f.trade_id = trade_id;
  f.uid = o.uid;
  f.symbol = o.symbol;
  f.order_id = o.id;
  f.counter_order_id = counter.id;
  f.side = o.side;
  f.liquidity = liquidity;
  f.order_type = o.type;
  f.price = liquidity == Liquidity::kTaker ? counter.price : o.price;  // the maker's price
  f.size = qty;
  f.funds = funds;
  f.fee = fee;
  f.fee_rate = fee_rate;
  f.created_at = ts;
  fills_.Push(f);
}

void Exchange::Execute(std::uint32_t taker, std::uint32_t maker, Units qty, Timestamp ts) {
  Order& t = pool_[taker];
  Order& m = pool_[maker];
  const SymbolSpec& s = markets_.symbol(t.symbol);
  const int bs = BaseScale(t.symbol);
  const int qs = QuoteScale(t.symbol);
  const Units price = m.price;
  const auto funds = FastMulDecimal(price, qs, qty, bs, qs, Rounding::kDown);
  if (!funds) std::abort();  // bounded by quoteMaxSize-checked holds
  const std::int64_t rate_one = Pow10(kRateScale);
  const Units taker_fee = *FastMulDiv(*funds, s.taker_fee_rate, rate_one, Rounding::kFloor);
  const Units maker_fee = *FastMulDiv(*funds, s.maker_fee_rate, rate_one, Rounding::kFloor);
  const std::uint64_t trade_id = next_trade_id_++;

  Settle(m, t, Liquidity::kMaker, qty, *funds, maker_fee, s.maker_fee_rate, ts, trade_id);
  Settle(t, m, Liquidity::kTaker, qty, *funds, taker_fee, s.taker_fee_rate, ts, trade_id);
  OrderBook& book = books_[t.symbol];
  book.Reduce(maker, qty, ts);
  const std::uint64_t sequence = book.sequence();

  sink_->OnTrade(TradeEvent{ts, t.symbol, sequence, trade_id, t.side, price, qty, *funds, m.id,
                            t.id, m.uid, t.uid});
  market_data_[t.symbol].AddTrade(PublicTrade{sequence, trade_id, price, qty, *funds, t.side, ts});
  if (!stops_.empty()) stop_trades_.push_back({t.symbol, price});  // stop_orders.cc
  for (const Order* o : {&m, &t}) {
    OrderEvent e = MakeEvent(*o, OrderEventType::kMatch, ts);
    e.match_price = price;
    e.match_size = qty;
    e.trade_id = trade_id;
    e.liquidity = o == &t ? Liquidity::kTaker : Liquidity::kMaker;
    e.fee = o == &t ? taker_fee : maker_fee;
    sink_->OnOrder(e);
  }
  if (m.remaining() == 0) {
    sink_->OnOrder(MakeEvent(m, OrderEventType::kFilled, ts));
    Finish(maker, ts);
  }
}

}  // namespace kc::engine
