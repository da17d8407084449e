#include "engine/exchange.h"

#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::ExchangeFixture;
using testing::U;

class ExchangeTest : public ExchangeFixture {};

TEST_F(ExchangeTest, LimitBuyHoldsFundsPlusFeeAndRests) {
  Fund(1, "USDT", "1000");
  const auto r = Run(Limit(1, Side::kBuy, "50000", "0.01"));
  ASSERT_TRUE(r.ok()) << ToString(r.reject);
  // 500 + 0.1% fee, as KuCoin holds it.
  EXPECT_EQ(Held(1, "USDT"), U("500.5"));
  EXPECT_EQ(Avail(1, "USDT"), U("499.5"));
  const Order o = Get(1, r.order_id);
  EXPECT_EQ(o.status, OrderStatus::kOpen);
  EXPECT_EQ(r.order_id.ToString().size(), 24u);
  const auto book = ex_.Book(Sym("BTC-USDT"), 0);
  ASSERT_EQ(book.bids.size(), 1u);
  EXPECT_EQ(book.bids[0].price, U("50000"));
  EXPECT_EQ(book.bids[0].size, U("0.01"));
  EXPECT_EQ(book.sequence, 1u);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, RejectsBadParameters) {
  Fund(1, "USDT", "1000");
  auto p = Limit(1, Side::kBuy, "50000.05", "0.01");
  EXPECT_EQ(Run(p).reject, RejectReason::kPriceIncrement);
  p = Limit(1, Side::kBuy, "50000", "0.00000001");  // an increment, below baseMinSize
  EXPECT_EQ(Run(p).reject, RejectReason::kBelowMinSize);
  p = Limit(1, Side::kBuy, "1", "0.00001");
  EXPECT_EQ(Run(p).reject, RejectReason::kBelowMinFunds);
  p = Limit(1, Side::kBuy, "0", "0.01");
  EXPECT_EQ(Run(p).reject, RejectReason::kInvalidPrice);
  p = Limit(1, Side::kBuy, "50000", "0.1");
  EXPECT_EQ(Run(p).reject, RejectReason::kBalanceInsufficient);
  p = Limit(1, Side::kBuy, "50000", "0.01");
  p.symbol = 99;
  EXPECT_EQ(Run(p).reject, RejectReason::kUnknownSymbol);
  p = Limit(1, Side::kBuy, "50000", "0.01");
  p.post_only = true;
  p.time_in_force = TimeInForce::kIoc;
  EXPECT_EQ(Run(p).reject, RejectReason::kInvalidTimeInForce);
  p = Limit(1, Side::kBuy, "50000", "0.01");
  p.time_in_force = TimeInForce::kGtt;
  EXPECT_EQ(Run(p).reject, RejectReason::kInvalidCancelAfter);
  p = Limit(1, Side::kBuy, "50000", "0.01");
  p.iceberg = true;
  p.visible_size = U("0.02");
  EXPECT_EQ(Run(p).reject, RejectReason::kInvalidVisibleSize);
  auto m = Market(1, Side::kBuy, "0.01", "10");
  EXPECT_EQ(Run(m).reject, RejectReason::kInvalidSize);
  m = Market(1, Side::kBuy, "", "0.0000001");
  EXPECT_EQ(Run(m).reject, RejectReason::kFundsIncrement);
  EXPECT_EQ(Avail(1, "USDT"), U("1000"));
  EXPECT_EQ(Held(1, "USDT"), 0);
}

TEST_F(ExchangeTest, MatchesAtMakerPriceWithFeesAndPriceTimePriority) {
  Fund(1, "BTC", "1");
  Fund(2, "BTC", "1");
  Fund(3, "USDT", "10000");
  const auto a = Run(Limit(1, Side::kSell, "50000", "0.01"));
  const auto b = Run(Limit(2, Side::kSell, "50000", "0.01"));
  const auto c = Run(Limit(1, Side::kSell, "49000", "0.01"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  events_.clear();
  const auto t = Run(Limit(3, Side::kBuy, "50000", "0.015"));
  ASSERT_TRUE(t.ok());
  // Best price first (49000), then the oldest at 50000 (a) for the rest.
  EXPECT_EQ(Get(1, c.order_id).status, OrderStatus::kDone);
  EXPECT_EQ(Get(1, a.order_id).deal_size, U("0.005"));
  EXPECT_EQ(Get(2, b.order_id).deal_size, 0);
  const Order taker = Get(3, t.order_id);
  EXPECT_EQ(taker.status, OrderStatus::kDone);
  EXPECT_EQ(taker.deal_size, U("0.015"));
  EXPECT_EQ(taker.deal_funds, U("740"));  // 490 + 250
  EXPECT_EQ(taker.fee, U("0.74"));
  // The buyer paid 740.74; the rest of the hold (50000*0.015*1.001 = 750.75) is back.
  EXPECT_EQ(Avail(3, "USDT"), U("10000") - U("740.74"));
  EXPECT_EQ(Held(3, "USDT"), 0);
  EXPECT_EQ(Avail(3, "BTC"), U("0.015"));
  // Seller 1 received funds minus maker fee.
  EXPECT_EQ(Avail(1, "USDT"), U("490") - U("0.49") + U("250") - U("0.25"));
  EXPECT_EQ(ex_.fees_collected(Cur("USDT")), U("0.74") + U("0.74"));
  const auto trades = Events<TradeEvent>();
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].price, U("49000"));
  EXPECT_EQ(trades[1].price, U("50000"));
  EXPECT_EQ(trades[0].taker_side, Side::kBuy);
  EXPECT_LT(trades[0].trade_id, trades[1].trade_id);
  std::vector<Fill> fills;
  EXPECT_EQ(ex_.Fills(FillFilter{.uid = 3}, 0, 10, &fills), 2u);
  EXPECT_EQ(fills[0].liquidity, Liquidity::kTaker);
  EXPECT_EQ(fills[0].price, U("50000"));  // newest first
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, OrderEventsFollowKucoinLifecycle) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "10000");
  Run(Limit(1, Side::kSell, "50000", "0.02"));
  events_.clear();
  Run(Limit(2, Side::kBuy, "50000", "0.01"));
  std::vector<std::pair<Uid, OrderEventType>> seen;
  for (const auto& e : Events<OrderEvent>()) seen.push_back({e.uid, e.type});
  const std::vector<std::pair<Uid, OrderEventType>> want = {{2, OrderEventType::kReceived},
                                                            {1, OrderEventType::kMatch},
                                                            {2, OrderEventType::kMatch},
                                                            {2, OrderEventType::kFilled}};
  EXPECT_EQ(seen, want);
  const auto balances = Events<BalanceEvent>();
  ASSERT_FALSE(balances.empty());
  for (const auto& b : balances) EXPECT_EQ(b.total, b.available + b.hold);
}

TEST_F(ExchangeTest, BookSequenceIsGaplessAcrossChanges) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "100000");
  Run(Limit(1, Side::kSell, "50000", "0.02"));
  Run(Limit(1, Side::kSell, "50001", "0.02"));
  Run(Limit(2, Side::kBuy, "50001", "0.03"));
  Run(Limit(2, Side::kBuy, "40000", "0.03"));
  std::uint64_t expect = 1;
  for (const auto& e : Events<BookEvent>()) EXPECT_EQ(e.sequence, expect++);
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).sequence, expect - 1);
}

TEST_F(ExchangeTest, MarketBuyByFundsAndBySize) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "10000");
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  Run(Limit(1, Side::kSell, "60000", "0.01"));
  auto r = Run(Market(2, Side::kBuy, "", "800"));
  ASSERT_TRUE(r.ok());
  Order o = Get(2, r.order_id);
  EXPECT_EQ(o.status, OrderStatus::kDone);
  EXPECT_EQ(o.deal_size, U("0.01") + U("0.005"));  // 500 at 50000, 300 at 60000
  EXPECT_EQ(o.deal_funds, U("800"));
  EXPECT_EQ(Held(2, "USDT"), 0);
  EXPECT_EQ(Avail(2, "USDT"), U("10000") - U("800.8"));
  r = Run(Market(2, Side::kBuy, "0.002", ""));
  ASSERT_TRUE(r.ok());
  o = Get(2, r.order_id);
  EXPECT_EQ(o.deal_size, U("0.002"));
  EXPECT_EQ(o.deal_funds, U("120"));
  EXPECT_EQ(Held(2, "USDT"), 0);
  // Nothing left to buy: the rest of a market order is canceled, not rested.
  r = Run(Market(2, Side::kBuy, "1", ""));
  ASSERT_TRUE(r.ok());
  o = Get(2, r.order_id);
  EXPECT_EQ(o.deal_size, U("0.003"));
  EXPECT_TRUE(o.canceled);
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).asks.size(), 0u);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, MarketSellBySizeAndByFunds) {
  Fund(1, "USDT", "10000");
  Fund(2, "BTC", "1");
  Run(Limit(1, Side::kBuy, "50000", "0.01"));
  Run(Limit(1, Side::kBuy, "40000", "0.05"));
  auto r = Run(Market(2, Side::kSell, "0.015", ""));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Get(2, r.order_id).deal_funds, U("700"));  // 500 + 200
  r = Run(Market(2, Side::kSell, "", "400"));
  ASSERT_TRUE(r.ok());
  const Order o = Get(2, r.order_id);
  EXPECT_EQ(o.deal_funds, U("400"));
  EXPECT_EQ(o.deal_size, U("0.01"));
  EXPECT_EQ(Held(2, "BTC"), 0);
  EXPECT_EQ(Avail(2, "BTC"), U("1") - U("0.025"));
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, IocCancelsRemainderFokIsAllOrNothing) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "10000");
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  auto p = Limit(2, Side::kBuy, "50000", "0.02");
  p.time_in_force = TimeInForce::kFok;
  const auto killed = Run(p);  // accepted, then canceled untouched (as KuCoin does)
  ASSERT_TRUE(killed.ok());
  const Order k = Get(2, killed.order_id);
  EXPECT_EQ(k.status, OrderStatus::kDone);
  EXPECT_TRUE(k.canceled);
  EXPECT_EQ(k.deal_size, 0);
  EXPECT_EQ(k.canceled_size, U("0.02"));
  EXPECT_EQ(Held(2, "USDT"), 0);
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).asks.size(), 1u);
  p.time_in_force = TimeInForce::kIoc;
  const auto r = Run(p);
  ASSERT_TRUE(r.ok());
  const Order o = Get(2, r.order_id);
  EXPECT_EQ(o.deal_size, U("0.01"));
  EXPECT_EQ(o.canceled_size, U("0.01"));
  EXPECT_TRUE(o.canceled);
  EXPECT_EQ(Held(2, "USDT"), 0);
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  p.size = U("0.01");
  p.time_in_force = TimeInForce::kFok;
  EXPECT_TRUE(Run(p).ok());
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).asks.size(), 0u);
}

TEST_F(ExchangeTest, PostOnlyThatWouldTakeIsCanceledNotMatched) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "10000");
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  auto p = Limit(2, Side::kBuy, "50000", "0.01");
  p.post_only = true;
  const auto killed = Run(p);
  ASSERT_TRUE(killed.ok());
  const Order k = Get(2, killed.order_id);
  EXPECT_TRUE(k.canceled);
  EXPECT_EQ(k.deal_size, 0);
  EXPECT_EQ(Held(2, "USDT"), 0);
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).asks.size(), 1u);
  p.price = U("49999.9");
  const auto rests = Run(p);
  ASSERT_TRUE(rests.ok());
  EXPECT_EQ(Get(2, rests.order_id).status, OrderStatus::kOpen);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, ReduceTakesSizeOffARestingOrderAndReleasesItsHold) {
  Fund(1, "USDT", "10000");
  const auto placed = Run(Limit(1, Side::kBuy, "50000", "0.05"));
  ASSERT_TRUE(placed.ok());
  const OrderId id = placed.order_id;
  const SymbolId btc = Sym("BTC-USDT");
  const Units held = Held(1, "USDT");
  EXPECT_EQ(Run(ReduceOrder{1, id, Sym("ETH-USDT"), U("0.01")}).reject,
            RejectReason::kOrderNotFound);
  EXPECT_EQ(Run(ReduceOrder{2, id, btc, U("0.01")}).reject, RejectReason::kOrderNotFound);
  EXPECT_EQ(Run(ReduceOrder{1, id, btc, 0}).reject, RejectReason::kInvalidSize);
  EXPECT_EQ(Run(ReduceOrder{1, id, btc, -1}).reject, RejectReason::kInvalidSize);
  if (const Units lot = ex_.markets().symbol(btc).base_increment; lot > 1) {
    EXPECT_EQ(Run(ReduceOrder{1, id, btc, lot + 1}).reject, RejectReason::kSizeIncrement);
  }
  const auto r = Run(ReduceOrder{1, id, btc, U("0.02")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.reduced, U("0.02"));
  const Order o = Get(1, id);
  EXPECT_EQ(o.status, OrderStatus::kOpen);
  EXPECT_EQ(o.remaining(), U("0.03"));
  EXPECT_EQ(o.canceled_size, U("0.02"));
  EXPECT_LT(Held(1, "USDT"), held);
  EXPECT_EQ(ex_.Book(btc, 0).bids.at(0).size, U("0.03"));
  ex_.CheckInvariants();
  // Reaching the remainder cancels the order.
  const auto all = Run(ReduceOrder{1, id, btc, U("1")});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.reduced, U("0.03"));
  EXPECT_TRUE(Get(1, id).canceled);
  EXPECT_EQ(Held(1, "USDT"), 0);
  EXPECT_TRUE(ex_.Book(btc, 0).bids.empty());
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, HiddenOrdersMatchButDoNotShow) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "10000");
  auto p = Limit(1, Side::kSell, "50000", "0.01");
  p.hidden = true;
  ASSERT_TRUE(Run(p).ok());
  EXPECT_TRUE(ex_.Book(Sym("BTC-USDT"), 0).asks.empty());
  EXPECT_TRUE(Events<BookEvent>().empty());
  const auto r = Run(Limit(2, Side::kBuy, "50000", "0.01"));
  EXPECT_EQ(Get(2, r.order_id).deal_size, U("0.01"));
}

TEST_F(ExchangeTest, IcebergShowsSliceAndLosesPriorityOnRefresh) {
  Fund(1, "BTC", "1");
  Fund(3, "BTC", "1");
  Fund(2, "USDT", "10000");
  auto p = Limit(1, Side::kSell, "50000", "0.05");
  p.iceberg = true;
  p.visible_size = U("0.01");
  const auto ice = Run(p);
  ASSERT_TRUE(ice.ok());
  const auto other = Run(Limit(3, Side::kSell, "50000", "0.01"));
  auto book = ex_.Book(Sym("BTC-USDT"), 0);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_EQ(book.asks[0].size, U("0.02"));
  // Takes the iceberg's slice, then the other order (the iceberg went to the back).
  Run(Limit(2, Side::kBuy, "50000", "0.015"));
  EXPECT_EQ(Get(1, ice.order_id).deal_size, U("0.01"));
  EXPECT_EQ(Get(3, other.order_id).deal_size, U("0.005"));
  book = ex_.Book(Sym("BTC-USDT"), 0);
  EXPECT_EQ(book.asks[0].size, U("0.015"));
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, SelfTradePrevention) {
  Fund(1, "BTC", "1");
  Fund(1, "USDT", "10000");
  const auto maker = Run(Limit(1, Side::kSell, "50000", "0.02"));
  auto p = Limit(1, Side::kBuy, "50000", "0.01");
  p.stp = Stp::kCn;
  auto r = Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Get(1, r.order_id).canceled);
  EXPECT_EQ(Get(1, maker.order_id).status, OrderStatus::kOpen);

  p.stp = Stp::kDc;
  r = Run(p);
  EXPECT_TRUE(Get(1, r.order_id).canceled);
  EXPECT_EQ(Get(1, maker.order_id).remaining(), U("0.01"));
  EXPECT_EQ(Get(1, maker.order_id).deal_size, 0);

  p.stp = Stp::kCo;
  r = Run(p);
  EXPECT_EQ(Get(1, maker.order_id).status, OrderStatus::kDone);
  EXPECT_EQ(Get(1, r.order_id).status, OrderStatus::kOpen);  // rests: nothing left to cross
  ASSERT_TRUE(Run(CancelOrder{1, r.order_id}).ok());

  const auto maker2 = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  auto s = Limit(1, Side::kSell, "40000", "0.01");
  s.stp = Stp::kCb;
  r = Run(s);
  EXPECT_EQ(Get(1, r.order_id).status, OrderStatus::kDone);
  EXPECT_EQ(Get(1, maker2.order_id).status, OrderStatus::kDone);
  // Without stp a user may trade with itself.
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  EXPECT_EQ(Avail(1, "BTC") + Held(1, "BTC"), U("1"));
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, ClientOidIsUniquePerUserAndCancelsByIt) {
  Fund(1, "USDT", "10000");
  Fund(2, "USDT", "10000");
  auto p = Limit(1, Side::kBuy, "50000", "0.01");
  p.client_oid.Assign("my-order-1");
  const auto first = Run(p);
  ASSERT_TRUE(first.ok());
  const auto dup = Run(p);
  EXPECT_EQ(dup.reject, RejectReason::kDuplicateClientOid);
  EXPECT_EQ(dup.existing_order_id, first.order_id);
  p.uid = 2;
  EXPECT_TRUE(Run(p).ok());  // another user's namespace
  EXPECT_EQ(ex_.FindOrderByClientOid(1, "my-order-1")->id, first.order_id);
  CancelByClientOid c;
  c.uid = 1;
  c.client_oid.Assign("my-order-1");
  EXPECT_TRUE(Run(c).ok());
  EXPECT_EQ(Run(c).reject, RejectReason::kOrderNotFound);
  // KuCoin enforces uniqueness among active orders only: once the first is
  // done its clientOid may name a new order, which lookups then find.
  p.uid = 1;
  const auto again = Run(p);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again.order_id, first.order_id);
  EXPECT_EQ(ex_.FindOrderByClientOid(1, "my-order-1")->id, again.order_id);
  EXPECT_EQ(Run(p).reject, RejectReason::kDuplicateClientOid);  // active again
  EXPECT_EQ(Get(1, first.order_id).status, OrderStatus::kDone);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, AmendOfPostOnlyToATakingPriceIsPlacedThenCanceled) {
  Fund(1, "USDT", "10000");
  Fund(2, "BTC", "1");
  ASSERT_TRUE(Run(Limit(2, Side::kSell, "50000", "0.01")).ok());
  auto p = Limit(1, Side::kBuy, "49000", "0.01");
  p.post_only = true;
  const auto placed = Run(p);
  ASSERT_TRUE(placed.ok());
  AmendOrder a;
  a.uid = 1;
  a.order_id = placed.order_id;
  a.new_price = U("50000");
  const auto amended = Run(a);
  ASSERT_TRUE(amended.ok()) << ToString(amended.reject);
  ASSERT_TRUE(amended.order_id.valid());
  const Order o = Get(1, amended.order_id);
  EXPECT_EQ(o.status, OrderStatus::kDone);
  EXPECT_TRUE(o.canceled);
  EXPECT_EQ(o.deal_size, 0);  // never took
  EXPECT_EQ(Get(1, placed.order_id).status, OrderStatus::kDone);
  EXPECT_TRUE(ex_.ActiveOrders(1).empty());
  EXPECT_EQ(Held(1, "USDT"), 0);
  EXPECT_EQ(ex_.Book(Sym("BTC-USDT"), 0).asks.size(), 1u);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, CancelByIdChecksOwnerAndCancelAllPerSymbol) {
  Fund(1, "USDT", "100000");
  const auto a = Run(Limit(1, Side::kBuy, "50000", "0.01"));
  const auto b = Run(Limit(1, Side::kBuy, "3000", "0.1", "ETH-USDT"));
  const auto c = Run(Limit(1, Side::kBuy, "49000", "0.01"));
  EXPECT_EQ(Run(CancelOrder{2, a.order_id}).reject, RejectReason::kOrderNotFound);
  EXPECT_EQ(ex_.ActiveOrders(1).size(), 3u);
  EXPECT_EQ(ex_.ActiveOrders(1, Sym("ETH-USDT")).size(), 1u);
  const auto all = Run(CancelAll{1, Sym("BTC-USDT")});
  ASSERT_EQ(all.canceled.size(), 2u);
  EXPECT_EQ(all.canceled[0], a.order_id);
  EXPECT_EQ(all.canceled[1], c.order_id);
  EXPECT_EQ(ex_.ActiveOrders(1).size(), 1u);
  EXPECT_TRUE(Run(CancelOrder{1, b.order_id}).ok());
  EXPECT_EQ(Held(1, "USDT"), 0);
  std::vector<Order> done;
  EXPECT_EQ(ex_.DoneOrders(OrderFilter{.uid = 1}, 0, 2, &done), 3u);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].id, b.order_id);  // newest first
}

TEST_F(ExchangeTest, AmendCancelsAndRecreatesWithNewId) {
  Fund(1, "USDT", "10000");
  Fund(2, "BTC", "1");
  auto p = Limit(1, Side::kBuy, "50000", "0.02");
  p.client_oid.Assign("amend-me");
  const auto placed = Run(p);
  Run(Limit(2, Side::kSell, "50000", "0.005"));  // fills 0.005
  AmendOrder a;
  a.uid = 1;
  a.order_id = placed.order_id;
  a.new_price = U("49000");
  a.new_size = U("0.03");
  const auto r = Run(a);
  ASSERT_TRUE(r.ok()) << ToString(r.reject);
  EXPECT_NE(r.order_id, placed.order_id);
  const Order n = Get(1, r.order_id);
  EXPECT_EQ(n.price, U("49000"));
  EXPECT_EQ(n.size, U("0.025"));  // new total minus what was filled
  EXPECT_EQ(n.client_oid.view(), "amend-me");
  EXPECT_EQ(Get(1, placed.order_id).status, OrderStatus::kDone);
  // Too large for the balance: nothing changes.
  a.order_id = r.order_id;
  a.new_size = U("1");
  EXPECT_EQ(Run(a).reject, RejectReason::kBalanceInsufficient);
  EXPECT_EQ(Get(1, r.order_id).status, OrderStatus::kOpen);
  // At or below the filled size (0 for this new order) the order is only canceled.
  a.new_size = 0;
  a.new_price.reset();
  const auto c = Run(a);
  EXPECT_TRUE(c.ok());
  EXPECT_FALSE(c.order_id.valid());
  EXPECT_EQ(Held(1, "USDT"), 0);
  ex_.CheckInvariants();
}

TEST_F(ExchangeTest, GttOrdersExpire) {
  Fund(1, "USDT", "10000");
  auto p = Limit(1, Side::kBuy, "50000", "0.01");
  p.time_in_force = TimeInForce::kGtt;
  p.cancel_after = 10;
  const auto r = Run(p);
  ASSERT_TRUE(r.ok());
  const Timestamp at = *ex_.NextExpiry();
  EXPECT_TRUE(Run(ExpireOrders{at - 1}).canceled.empty());
  const auto e = Run(ExpireOrders{at});
  ASSERT_EQ(e.canceled.size(), 1u);
  EXPECT_EQ(e.canceled[0], r.order_id);
  EXPECT_FALSE(ex_.NextExpiry().has_value());
  EXPECT_EQ(Held(1, "USDT"), 0);
}

TEST_F(ExchangeTest, TransfersAndLedger) {
  ASSERT_TRUE(Run(Deposit{1, Cur("USDT"), AccountType::kMain, U("100")}).ok());
  EXPECT_EQ(
      Run(InnerTransfer{1, Cur("USDT"), AccountType::kMain, AccountType::kTrade, U("101"), {}})
          .reject,
      RejectReason::kBalanceInsufficient);
  EXPECT_EQ(
      Run(InnerTransfer{1, Cur("USDT"), AccountType::kMain, AccountType::kMain, U("1"), {}}).reject,
      RejectReason::kSameAccount);
  EXPECT_TRUE(
      Run(InnerTransfer{1, Cur("USDT"), AccountType::kMain, AccountType::kTrade, U("40"), {}})
          .ok());
  EXPECT_EQ(Avail(1, "USDT"), U("40"));
  EXPECT_EQ(ex_.accounts().Find(1, Cur("USDT"), AccountType::kMain)->available, U("60"));
  std::vector<LedgerEntry> ledger;
  LedgerFilter f;
  f.uid = 1;
  EXPECT_EQ(ex_.accounts().Ledger(f, 0, 10, &ledger), 3u);
  EXPECT_EQ(ledger[0].biz_type, BizType::kTransfer);
  EXPECT_EQ(ledger[0].direction, Direction::kIn);
  EXPECT_EQ(ledger[0].balance, U("40"));
  EXPECT_EQ(ledger[2].biz_type, BizType::kDeposit);
  f.direction = Direction::kOut;
  ledger.clear();
  EXPECT_EQ(ex_.accounts().Ledger(f, 0, 10, &ledger), 1u);
  EXPECT_EQ(ledger[0].balance, U("60"));
  EXPECT_EQ(Run(Deposit{1, Cur("USDT"), AccountType::kMain, 0}).reject,
            RejectReason::kInvalidAmount);
}

TEST_F(ExchangeTest, MarketDataFromTrades) {
  Fund(1, "BTC", "1");
  Fund(2, "USDT", "100000");
  Run(Limit(1, Side::kSell, "50000", "0.01"));
  Run(Limit(1, Side::kSell, "51000", "0.01"));
  Run(Limit(2, Side::kBuy, "51000", "0.02"));
  const MarketData& md = ex_.market_data(Sym("BTC-USDT"));
  std::vector<PublicTrade> trades;
  md.RecentTrades(&trades);
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].price, U("51000"));
  const Stats24h s = md.Stats(now_);
  EXPECT_EQ(s.open, U("50000"));
  EXPECT_EQ(s.last, U("51000"));
  EXPECT_EQ(s.high, U("51000"));
  EXPECT_EQ(s.low, U("50000"));
  EXPECT_EQ(s.vol, U("0.02"));
  EXPECT_EQ(s.vol_value, U("1010"));
  EXPECT_EQ(s.change_price, U("1000"));
  EXPECT_EQ(s.change_rate, 200);  // 0.0200
  std::vector<Candle> candles;
  md.candles(CandleInterval::k1hour).Query(0, 0, 10, &candles);
  ASSERT_EQ(candles.size(), 1u);
  EXPECT_EQ(candles[0].open, U("50000"));
  EXPECT_EQ(candles[0].close, U("51000"));
  EXPECT_EQ(candles[0].start % 3600, 0);
}

}  // namespace
}  // namespace kc::engine
