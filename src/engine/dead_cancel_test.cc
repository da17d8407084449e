// Dead-cancel-all (KuCoin's DCP): a SetDeadCancel arms a trigger that
// ExpireOrders fires once its time passes, canceling the user's active orders
// on the listed pairs; setting it again postpones it, -1 clears it.
#include <gtest/gtest.h>

#include "engine/exchange.h"
#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::ExchangeFixture;
using testing::U;

class DeadCancelTest : public ExchangeFixture {
 protected:
  SetDeadCancel Dcp(Uid uid, std::int32_t timeout, std::vector<std::string_view> symbols = {}) {
    SetDeadCancel c;
    c.uid = uid;
    c.timeout = timeout;
    for (std::string_view s : symbols)
      c.symbols[c.symbol_count++] = static_cast<std::uint16_t>(Sym(s));
    return c;
  }
  CommandResult At(Timestamp ts, Command c) { return ex_.Apply(TimedCommand{ts, std::move(c)}); }
  OrderStatus Status(Uid uid, OrderId id) const { return Get(uid, id).status; }

  void SetUp() override {
    Fund(1, "USDT", "10000");
    Fund(1, "BTC", "1");
    Fund(2, "USDT", "10000");
  }
};

TEST_F(DeadCancelTest, FiresAtTheTriggerTimeOnTheListedPairsOnly) {
  const auto btc = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  const auto eth = Run(Limit(1, Side::kBuy, "20", "1", "SOL-USDT"));
  const auto other = Run(Limit(2, Side::kBuy, "40000", "0.01"));
  ASSERT_TRUE(btc.ok() && eth.ok() && other.ok());
  const Timestamp t0 = now_ += kNanosPerSecond;
  const auto set = At(t0, Dcp(1, 5, {"BTC-USDT"}));
  ASSERT_TRUE(set.ok()) << ToString(set.reject);
  EXPECT_EQ(set.at, t0);
  const auto d = ex_.DeadCancelOf(1);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->timeout, 5);
  EXPECT_EQ(d->trigger_at, t0 + 5 * kNanosPerSecond);
  EXPECT_EQ(d->symbols, std::vector<SymbolId>{Sym("BTC-USDT")});
  EXPECT_EQ(ex_.NextExpiry(), t0 + 5 * kNanosPerSecond);
  EXPECT_FALSE(ex_.DeadCancelOf(2).has_value());

  // A nanosecond early: nothing.
  EXPECT_TRUE(At(t0 + 5 * kNanosPerSecond - 1, ExpireOrders{t0 + 5 * kNanosPerSecond - 1})
                  .canceled.empty());
  EXPECT_EQ(Status(1, btc.order_id), OrderStatus::kOpen);
  const auto fired = At(t0 + 5 * kNanosPerSecond, ExpireOrders{t0 + 5 * kNanosPerSecond});
  EXPECT_EQ(fired.canceled, std::vector<OrderId>{btc.order_id});
  EXPECT_EQ(Status(1, btc.order_id), OrderStatus::kDone);
  EXPECT_TRUE(Get(1, btc.order_id).canceled);
  EXPECT_EQ(Status(1, eth.order_id), OrderStatus::kOpen);    // another pair
  EXPECT_EQ(Status(2, other.order_id), OrderStatus::kOpen);  // another user
  EXPECT_EQ(Held(1, "USDT"), U("20.02"));                    // only the SOL-USDT order holds now
  // Fired once, then cleared.
  EXPECT_FALSE(ex_.DeadCancelOf(1).has_value());
  EXPECT_FALSE(ex_.NextExpiry().has_value());
  ex_.CheckInvariants();
}

TEST_F(DeadCancelTest, NoPairsMeansEveryPairOldestFirst) {
  const auto a = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  const auto b = Run(Limit(1, Side::kBuy, "20", "1", "SOL-USDT"));
  const Timestamp t0 = now_ += kNanosPerSecond;
  ASSERT_TRUE(At(t0, Dcp(1, 10)).ok());
  EXPECT_TRUE(ex_.DeadCancelOf(1)->symbols.empty());
  const auto fired = At(t0 + 11 * kNanosPerSecond, ExpireOrders{t0 + 11 * kNanosPerSecond});
  EXPECT_EQ(fired.canceled, (std::vector<OrderId>{a.order_id, b.order_id}));
  EXPECT_TRUE(ex_.ActiveOrders(1).empty());
}

TEST_F(DeadCancelTest, RenewingPostponesAndMinusOneClears) {
  const auto a = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  const Timestamp t0 = now_ += kNanosPerSecond;
  ASSERT_TRUE(At(t0, Dcp(1, 5)).ok());
  ASSERT_TRUE(At(t0 + 4 * kNanosPerSecond, Dcp(1, 5)).ok());  // renewed before it fires
  EXPECT_EQ(ex_.NextExpiry(), t0 + 9 * kNanosPerSecond);
  EXPECT_TRUE(
      At(t0 + 6 * kNanosPerSecond, ExpireOrders{t0 + 6 * kNanosPerSecond}).canceled.empty());
  EXPECT_EQ(Status(1, a.order_id), OrderStatus::kOpen);

  const auto cleared = At(t0 + 7 * kNanosPerSecond, Dcp(1, -1));
  EXPECT_TRUE(cleared.ok());
  EXPECT_FALSE(ex_.DeadCancelOf(1).has_value());
  EXPECT_FALSE(ex_.NextExpiry().has_value());
  EXPECT_TRUE(
      At(t0 + 100 * kNanosPerSecond, ExpireOrders{t0 + 100 * kNanosPerSecond}).canceled.empty());
  EXPECT_EQ(Status(1, a.order_id), OrderStatus::kOpen);
  // Clearing what is not set is fine too.
  EXPECT_TRUE(Run(Dcp(1, -1)).ok());
}

TEST_F(DeadCancelTest, NextExpiryIsTheEarlierOfGttAndDeadCancel) {
  auto gtt = Limit(1, Side::kBuy, "40000", "0.01");
  gtt.time_in_force = TimeInForce::kGtt;
  gtt.cancel_after = 20;
  const Timestamp t0 = now_ += kNanosPerSecond;
  const auto g = At(t0, gtt);
  ASSERT_TRUE(g.ok());
  ASSERT_TRUE(At(t0, Dcp(1, 30)).ok());
  EXPECT_EQ(ex_.NextExpiry(), t0 + 20 * kNanosPerSecond);
  ASSERT_TRUE(At(t0, Dcp(1, 8)).ok());
  EXPECT_EQ(ex_.NextExpiry(), t0 + 8 * kNanosPerSecond);
}

TEST_F(DeadCancelTest, RefusesBadTimeoutsAndUnknownPairsChangingNothing) {
  ASSERT_TRUE(Run(Dcp(1, 60)).ok());
  const auto before = ex_.StateDigest();
  for (std::int32_t t : {0, 4, -2, 86'401}) {
    EXPECT_EQ(Run(Dcp(1, t)).reject, RejectReason::kInvalidTimeout) << t;
  }
  auto bad = Dcp(1, 10);
  bad.symbols[bad.symbol_count++] = 999;
  EXPECT_EQ(Run(bad).reject, RejectReason::kUnknownSymbol);
  EXPECT_EQ(ex_.DeadCancelOf(1)->timeout, 60);
  EXPECT_EQ(Run(Dcp(1, 86'400)).reject, RejectReason::kNone);
  EXPECT_NE(ex_.StateDigest(), before);  // the setting is part of the state
}

TEST_F(DeadCancelTest, ReplayAndSnapshotRebuildTheSetting) {
  const auto a = Run(Limit(1, Side::kBuy, "40000", "0.01"));
  const Timestamp t0 = now_ += kNanosPerSecond;
  ASSERT_TRUE(At(t0, Dcp(1, 7, {"BTC-USDT", "ETH-BTC"})).ok());
  std::string bytes;
  ex_.SaveSnapshot(&bytes);
  EventBuffer events;
  Exchange copy(DefaultMarkets(), &events);
  std::string error;
  ASSERT_TRUE(copy.LoadSnapshot(bytes, &error)) << error;
  EXPECT_EQ(copy.StateDigest(), ex_.StateDigest());
  const auto d = copy.DeadCancelOf(1);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->symbols, (std::vector<SymbolId>{Sym("BTC-USDT"), Sym("ETH-BTC")}));
  EXPECT_EQ(copy.NextExpiry(), t0 + 7 * kNanosPerSecond);
  const TimedCommand fire{t0 + 7 * kNanosPerSecond, ExpireOrders{t0 + 7 * kNanosPerSecond}};
  EXPECT_EQ(copy.Apply(fire).canceled, std::vector<OrderId>{a.order_id});
  EXPECT_EQ(ex_.Apply(fire).canceled, std::vector<OrderId>{a.order_id});
  EXPECT_EQ(copy.StateDigest(), ex_.StateDigest());
}

}  // namespace
}  // namespace kc::engine
