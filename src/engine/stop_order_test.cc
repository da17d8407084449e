// Stop orders: funds held at placement, outside the book; a trade on the pair
// at or past the stop price places the order (same id) within that trade's
// command; cancels release the hold; snapshots and replay keep them.
#include <gtest/gtest.h>

#include "engine/exchange.h"
#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::ExchangeFixture;
using testing::U;

class StopOrderTest : public ExchangeFixture {
 protected:
  void SetUp() override {
    Fund(1, "BTC", "1");
    Fund(1, "USDT", "10000");
    Fund(2, "BTC", "1");
    Fund(2, "USDT", "100000");
  }
  PlaceStopOrder Stop(PlaceOrder order, StopKind stop, std::string_view stop_price) const {
    return PlaceStopOrder{order, stop, U(stop_price)};
  }
  // One trade at `price`: user 2 rests a sell, user 3 (funded by the test) takes it.
  void Trade(std::string_view price, std::string_view size = "0.001") {
    ASSERT_TRUE(Run(Limit(2, Side::kSell, price, size)).ok());
    ASSERT_TRUE(Run(Limit(3, Side::kBuy, price, size)).ok());
  }
  // Untriggered (a triggered one is still found, as TRIGGERED).
  bool Pending(Uid uid, OrderId id) const {
    const auto s = ex_.FindStopOrder(uid, id);
    return s && !s->triggered();
  }
};

TEST_F(StopOrderTest, HoldsFundsOutsideTheBookAndCancelReleases) {
  const auto r = Run(Stop(Limit(1, Side::kBuy, "51000", "0.1"), StopKind::kLoss, "50500"));
  ASSERT_TRUE(r.ok()) << ToString(r.reject);
  EXPECT_EQ(Held(1, "USDT"), U("5105.1"));  // 5100 + 0.1% fee, as a limit buy holds
  EXPECT_TRUE(ex_.Book(Sym("BTC-USDT"), 0).bids.empty());
  EXPECT_TRUE(ex_.ActiveOrders(1).empty());
  EXPECT_FALSE(ex_.FindOrder(1, r.order_id).has_value());
  ASSERT_EQ(ex_.StopOrders(1).size(), 1u);
  EXPECT_EQ(ex_.StopOrders(1)[0].stop_price, U("50500"));
  EXPECT_FALSE(ex_.FindStopOrder(2, r.order_id).has_value());  // not the owner's
  ex_.CheckInvariants();
  EXPECT_EQ(Run(CancelStopOrders{2, r.order_id, {}, std::nullopt}).reject,
            RejectReason::kOrderNotFound);
  const auto c = Run(CancelStopOrders{1, r.order_id, {}, std::nullopt});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.canceled, std::vector<OrderId>{r.order_id});
  EXPECT_EQ(Held(1, "USDT"), 0);
  EXPECT_EQ(Avail(1, "USDT"), U("10000"));
  EXPECT_FALSE(Pending(1, r.order_id));
  EXPECT_EQ(Run(CancelStopOrders{1, r.order_id, {}, std::nullopt}).reject,
            RejectReason::kOrderNotFound);
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, LossSellTriggersAtOrBelowItsStopPriceUnderItsOwnId) {
  Fund(3, "USDT", "100000");
  const auto stop = Run(Stop(Limit(1, Side::kSell, "48000", "0.1"), StopKind::kLoss, "49000"));
  ASSERT_TRUE(stop.ok());
  EXPECT_EQ(Held(1, "BTC"), U("0.1"));
  Trade("49500");  // above: nothing
  EXPECT_TRUE(Pending(1, stop.order_id));
  Trade("49000");  // reached
  EXPECT_FALSE(Pending(1, stop.order_id));
  const Order o = Get(1, stop.order_id);  // the same id, now a limit order resting
  EXPECT_EQ(o.status, OrderStatus::kOpen);
  EXPECT_EQ(o.side, Side::kSell);
  EXPECT_EQ(o.price, U("48000"));
  EXPECT_EQ(Held(1, "BTC"), U("0.1"));  // held by the order now
  const auto book = ex_.Book(Sym("BTC-USDT"), 0);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_EQ(book.asks[0].price, U("48000"));
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, DirectionsOfLossAndEntry) {
  Fund(3, "USDT", "100000");
  // Rising: a loss buy and an entry sell; falling: an entry buy.
  const auto loss_buy = Run(Stop(Limit(1, Side::kBuy, "30000", "0.01"), StopKind::kLoss, "50100"));
  const auto entry_sell =
      Run(Stop(Limit(1, Side::kSell, "90000", "0.01"), StopKind::kEntry, "50200"));
  const auto entry_buy =
      Run(Stop(Limit(1, Side::kBuy, "30000", "0.01"), StopKind::kEntry, "49900"));
  ASSERT_TRUE(loss_buy.ok() && entry_sell.ok() && entry_buy.ok());
  Trade("50000");
  EXPECT_TRUE(Pending(1, loss_buy.order_id));
  EXPECT_TRUE(Pending(1, entry_sell.order_id));
  EXPECT_TRUE(Pending(1, entry_buy.order_id));
  Trade("50100");
  EXPECT_FALSE(Pending(1, loss_buy.order_id));
  EXPECT_TRUE(Pending(1, entry_sell.order_id));
  Trade("50300");
  EXPECT_FALSE(Pending(1, entry_sell.order_id));
  EXPECT_TRUE(Pending(1, entry_buy.order_id));
  Trade("49900");
  EXPECT_FALSE(Pending(1, entry_buy.order_id));
  EXPECT_EQ(ex_.ActiveOrders(1).size(), 3u);
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, TriggeredOrdersTradeAndTriggerMoreWithinTheSameCommand) {
  Fund(3, "USDT", "100000");
  Fund(4, "USDT", "100000");
  // Bids at 49000 (user 4) and 48000 (user 2); a stop market sell of user 1
  // at 49500 sweeps 49000, whose trade triggers user 1's next stop at 49000.
  ASSERT_TRUE(Run(Limit(4, Side::kBuy, "49000", "0.05")).ok());
  ASSERT_TRUE(Run(Limit(4, Side::kBuy, "48000", "0.05")).ok());
  const auto first = Run(Stop(Market(1, Side::kSell, "0.05", ""), StopKind::kLoss, "49500"));
  const auto second = Run(Stop(Market(1, Side::kSell, "0.05", ""), StopKind::kLoss, "49000"));
  const auto third = Run(Stop(Market(1, Side::kSell, "0.05", ""), StopKind::kLoss, "47000"));
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(Held(1, "BTC"), U("0.15"));
  const auto digest_before = ex_.StateDigest();
  Trade("49500");  // one command: the trade, then both stops in turn
  EXPECT_NE(ex_.StateDigest(), digest_before);
  EXPECT_EQ(Get(1, first.order_id).deal_size, U("0.05"));
  EXPECT_EQ(Get(1, first.order_id).status, OrderStatus::kDone);
  EXPECT_EQ(Get(1, second.order_id).deal_size, U("0.05"));  // at 48000
  EXPECT_GT(second.order_id.seq, first.order_id.seq);
  EXPECT_TRUE(Pending(1, third.order_id));  // 48000 > 47000
  EXPECT_EQ(Held(1, "BTC"), U("0.05"));
  EXPECT_TRUE(ex_.Book(Sym("BTC-USDT"), 0).bids.empty());
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, RefusalsChangeNothing) {
  auto p = Limit(1, Side::kBuy, "50000", "0.01");
  p.client_oid.Assign("dup");
  ASSERT_TRUE(Run(Stop(p, StopKind::kLoss, "51000")).ok());
  EXPECT_EQ(Run(Stop(p, StopKind::kLoss, "51000")).reject, RejectReason::kDuplicateClientOid);
  p.client_oid.Assign("other");
  EXPECT_EQ(Run(Stop(p, StopKind::kLoss, "0")).reject, RejectReason::kInvalidPrice);
  EXPECT_EQ(Run(Stop(p, StopKind::kLoss, "51000.001")).reject, RejectReason::kPriceIncrement);
  EXPECT_EQ(Run(Stop(Market(1, Side::kBuy, "0.01", ""), StopKind::kLoss, "51000")).reject,
            RejectReason::kInvalidSize);  // market buy by size: nothing sensible to hold
  EXPECT_EQ(Run(Stop(Limit(1, Side::kBuy, "50000", "1"), StopKind::kLoss, "51000")).reject,
            RejectReason::kBalanceInsufficient);
  EXPECT_EQ(Run(CancelStopOrders{1, {}, *ClientOid::From("nope"), std::nullopt}).reject,
            RejectReason::kOrderNotFound);
  EXPECT_EQ(ex_.StopOrders(1).size(), 1u);
  EXPECT_EQ(Held(1, "USDT"), U("500.5"));
}

TEST_F(StopOrderTest, CancelByClientOidAndBySymbol) {
  auto a = Limit(1, Side::kBuy, "50000", "0.01");
  a.client_oid.Assign("a");
  const auto ra = Run(Stop(a, StopKind::kLoss, "51000"));
  const auto rb = Run(Stop(Limit(1, Side::kBuy, "50000", "0.01"), StopKind::kLoss, "51000"));
  const auto rc = Run(Stop(Limit(1, Side::kBuy, "20", "1", "SOL-USDT"), StopKind::kLoss, "21"));
  ASSERT_TRUE(ra.ok() && rb.ok() && rc.ok());
  const auto by_oid = Run(CancelStopOrders{1, {}, *ClientOid::From("a"), std::nullopt});
  EXPECT_EQ(by_oid.canceled, std::vector<OrderId>{ra.order_id});
  const auto by_symbol = Run(CancelStopOrders{1, {}, {}, Sym("BTC-USDT")});
  EXPECT_EQ(by_symbol.canceled, std::vector<OrderId>{rb.order_id});
  ASSERT_EQ(ex_.StopOrders(1).size(), 1u);
  const auto all = Run(CancelStopOrders{1, {}, {}, std::nullopt});
  EXPECT_EQ(all.canceled, std::vector<OrderId>{rc.order_id});
  EXPECT_EQ(Held(1, "USDT"), 0);
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, SnapshotAndReplayKeepThemAndTriggerAlike) {
  Fund(3, "USDT", "100000");
  std::vector<TimedCommand> log;
  const auto run = [&](Command c) {
    log.push_back(TimedCommand{now_ += 1000, std::move(c)});
    return ex_.Apply(log.back());
  };
  ASSERT_TRUE(run(Stop(Limit(1, Side::kSell, "48000", "0.1"), StopKind::kLoss, "49000")).ok());
  ASSERT_TRUE(run(Stop(Limit(1, Side::kBuy, "52000", "0.1"), StopKind::kLoss, "51000")).ok());
  std::string bytes;
  ex_.SaveSnapshot(&bytes);
  EventBuffer events;
  Exchange copy(DefaultMarkets(), &events);
  std::string error;
  ASSERT_TRUE(copy.LoadSnapshot(bytes, &error)) << error;
  EXPECT_EQ(copy.StateDigest(), ex_.StateDigest());
  EXPECT_EQ(copy.StopOrders(1).size(), 2u);
  copy.CheckInvariants();
  for (Command c : {Command{Limit(2, Side::kSell, "49000", "0.001")},
                    Command{Limit(3, Side::kBuy, "49000", "0.001")}}) {
    const TimedCommand tc{now_ += 1000, c};
    ex_.Apply(tc);
    copy.Apply(tc);
  }
  EXPECT_EQ(copy.StopOrders(1).size(), 1u);
  EXPECT_EQ(copy.StateDigest(), ex_.StateDigest());
  std::string again;
  copy.SaveSnapshot(&again);
  std::string original;
  ex_.SaveSnapshot(&original);
  EXPECT_EQ(again, original);
}

TEST_F(StopOrderTest, TriggeredIsKeptWithItsTimeAndTheOrderItPlaced) {
  Fund(3, "USDT", "100000");
  auto p = Limit(1, Side::kSell, "48000", "0.1");
  p.client_oid.Assign("tp-1");
  const auto stop = Run(Stop(p, StopKind::kLoss, "49000"));
  ASSERT_TRUE(stop.ok());
  events_.clear();
  const Timestamp before = now_;
  Trade("49000");
  const auto kept = ex_.FindStopOrder(1, stop.order_id);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->triggered());
  EXPECT_GT(kept->triggered_at, before);
  EXPECT_EQ(kept->hold, 0);
  EXPECT_TRUE(ex_.StopOrders(1).empty());  // the list is of untriggered ones
  EXPECT_EQ(ex_.FindStopOrderByClientOid(1, p.client_oid)->id, stop.order_id);
  EXPECT_EQ(Get(1, stop.order_id).price, U("48000"));  // the order it placed
  const auto stops = Events<StopEvent>();
  ASSERT_EQ(stops.size(), 1u);
  EXPECT_EQ(stops[0].type, StopEventType::kTriggered);
  EXPECT_EQ(stops[0].order_id, stop.order_id);
  EXPECT_EQ(stops[0].stop_price, U("49000"));
  // Canceling it now is refused: it is no longer a stop order waiting.
  EXPECT_EQ(Run(CancelStopOrders{1, stop.order_id, {}, std::nullopt}).reject,
            RejectReason::kOrderNotFound);
  ex_.CheckInvariants();
  // Snapshots keep it.
  std::string bytes;
  ex_.SaveSnapshot(&bytes);
  EventBuffer sink;
  Exchange restored(DefaultMarkets(), &sink);
  std::string error;
  ASSERT_TRUE(restored.LoadSnapshot(bytes, &error)) << error;
  EXPECT_EQ(restored.StateDigest(), ex_.StateDigest());
  EXPECT_EQ(restored.FindStopOrder(1, stop.order_id)->triggered_at, kept->triggered_at);
  restored.CheckInvariants();
}

TEST_F(StopOrderTest, OpenAndCancelAreReported) {
  events_.clear();
  const auto stop = Run(Stop(Limit(1, Side::kBuy, "51000", "0.1"), StopKind::kEntry, "50500"));
  ASSERT_TRUE(stop.ok());
  ASSERT_TRUE(Run(CancelStopOrders{1, stop.order_id, {}, std::nullopt}).ok());
  const auto stops = Events<StopEvent>();
  ASSERT_EQ(stops.size(), 2u);
  EXPECT_EQ(stops[0].type, StopEventType::kOpen);
  EXPECT_EQ(stops[0].stop, StopKind::kEntry);
  EXPECT_EQ(stops[0].price, U("51000"));
  EXPECT_EQ(stops[1].type, StopEventType::kCancel);
  EXPECT_EQ(stops[1].order_id, stop.order_id);
}

TEST_F(StopOrderTest, DeadCancelAllCancelsUntriggeredStopOrdersToo) {
  const auto btc = Run(Stop(Limit(1, Side::kBuy, "51000", "0.01"), StopKind::kLoss, "50500"));
  const auto eth =
      Run(Stop(Limit(1, Side::kBuy, "3000", "0.1", "ETH-USDT"), StopKind::kLoss, "3100"));
  const auto order = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  ASSERT_TRUE(btc.ok() && eth.ok() && order.ok());
  SetDeadCancel d;
  d.uid = 1;
  d.timeout = 5;
  d.symbol_count = 1;
  d.symbols[0] = static_cast<std::uint16_t>(Sym("BTC-USDT"));
  ASSERT_TRUE(Run(d).ok());
  const auto fired = Run(ExpireOrders{now_ + 10 * kNanosPerSecond});
  ASSERT_TRUE(fired.ok());
  EXPECT_EQ(fired.canceled, (std::vector<OrderId>{order.order_id, btc.order_id}));
  EXPECT_FALSE(Pending(1, btc.order_id));
  EXPECT_TRUE(Pending(1, eth.order_id));  // another pair
  EXPECT_EQ(Held(1, "USDT"), ex_.StopOrders(1)[0].hold);
  ex_.CheckInvariants();
}

TEST_F(StopOrderTest, StopOrdersCountTowardTheActiveOrderLimit) {
  EventBuffer sink;
  ExchangeOptions options;
  options.max_active_orders_per_user = 2;
  Exchange ex(DefaultMarkets(), &sink, options);
  Timestamp t = now_;
  ex.Apply({++t, Deposit{1, Cur("USDT"), AccountType::kTrade, U("10000")}});
  ASSERT_TRUE(ex.Apply({++t, Limit(1, Side::kBuy, "40000", "0.01")}).ok());
  const auto stop =
      ex.Apply({++t, Stop(Limit(1, Side::kBuy, "51000", "0.01"), StopKind::kLoss, "50500")});
  ASSERT_TRUE(stop.ok());
  EXPECT_EQ(ex.Apply({++t, Limit(1, Side::kBuy, "40000", "0.01")}).reject,
            RejectReason::kTooManyOrders);
  EXPECT_EQ(
      ex.Apply({++t, Stop(Limit(1, Side::kBuy, "51000", "0.01"), StopKind::kLoss, "50500")}).reject,
      RejectReason::kTooManyOrders);
  ASSERT_TRUE(ex.Apply({++t, CancelStopOrders{1, stop.order_id, {}, std::nullopt}}).ok());
  EXPECT_TRUE(ex.Apply({++t, Limit(1, Side::kBuy, "40000", "0.01")}).ok());
  ex.CheckInvariants();
}

TEST_F(StopOrderTest, ClientOidOfAFinishedOrderMayBeUsedAgainButNotOfAWaitingStop) {
  auto p = Limit(1, Side::kBuy, "40000", "0.01");
  p.client_oid.Assign("again");
  const auto first = Run(p);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Run(Stop(p, StopKind::kLoss, "50500")).reject, RejectReason::kDuplicateClientOid);
  ASSERT_TRUE(Run(CancelOrder{1, first.order_id}).ok());
  const auto stop = Run(Stop(p, StopKind::kLoss, "50500"));
  ASSERT_TRUE(stop.ok());                                       // the order is done
  EXPECT_EQ(Run(p).reject, RejectReason::kDuplicateClientOid);  // a stop order waits with it
  EXPECT_EQ(Run(p).existing_order_id, stop.order_id);
  ex_.CheckInvariants();
}

}  // namespace
}  // namespace kc::engine
