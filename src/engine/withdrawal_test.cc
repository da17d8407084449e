// Deposits and withdrawals: a deposit is recorded; a withdrawal holds amount +
// fee on the main account, completes at its time through ExpireOrders (the
// funds leave through the recorded outflow, the fee is collected), can be
// canceled while processing, and snapshots and replay keep all of it.
#include <gtest/gtest.h>

#include "engine/command_codec.h"
#include "engine/exchange.h"
#include "engine/test_util.h"

namespace kc::engine {
namespace {

using testing::ExchangeFixture;
using testing::U;

class WithdrawalTest : public ExchangeFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Run(Deposit{1, Cur("BTC"), AccountType::kMain, U("1")}).ok());
  }
  Withdraw Out(std::string_view amount, std::string_view fee, std::int32_t after_ms = 1000,
               FeeDeduct deduct = FeeDeduct::kAuto) const {
    Withdraw w;
    w.uid = 1;
    w.currency = Cur("BTC");
    w.chain = 0;
    w.amount = U(amount);
    w.fee = U(fee);
    w.complete_after_ms = after_ms;
    w.fee_deduct = deduct;
    w.address.Assign("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
    w.remark.Assign("rent");
    return w;
  }
  const Account& Main(Uid uid) const {
    return *ex_.accounts().Find(uid, Cur("BTC"), AccountType::kMain);
  }
  // Everything in the system plus what left it: never changes.
  Units Total() const {
    const CurrencyId c = Cur("BTC");
    return ex_.accounts().Total(c) + ex_.fees_collected(c) + ex_.withdrawn(c);
  }
  CommandResult Expire(Timestamp at) { return Run(ExpireOrders{at}); }
};

TEST_F(WithdrawalTest, DepositsAreRecordedNewestFirst) {
  ASSERT_TRUE(Run(Deposit{1, Cur("USDT"), AccountType::kTrade, U("50")}).ok());
  ASSERT_TRUE(Run(Deposit{2, Cur("USDT"), AccountType::kMain, U("7")}).ok());
  const auto deposits = ex_.Deposits(1);
  ASSERT_EQ(deposits.size(), 2u);
  EXPECT_EQ(deposits[0].currency, Cur("USDT"));
  EXPECT_EQ(deposits[0].account, AccountType::kTrade);
  EXPECT_EQ(deposits[0].amount, U("50"));
  EXPECT_EQ(deposits[1].amount, U("1"));
  EXPECT_GT(deposits[0].id.seq, deposits[1].id.seq);
  EXPECT_EQ(ex_.Deposits(2).size(), 1u);
}

TEST_F(WithdrawalTest, HoldsThenCompletesThroughTheOutflow) {
  const Units total = Total();
  const Timestamp start = now_;
  const auto r = Run(Out("0.1", "0.0005"));
  ASSERT_TRUE(r.ok()) << ToString(r.reject);
  EXPECT_EQ(Main(1).holds, U("0.1005"));  // fee beside the amount (main can pay both)
  EXPECT_EQ(Main(1).available, U("0.8995"));
  auto w = ex_.FindWithdrawal(1, r.order_id);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->status, WithdrawalStatus::kProcessing);
  EXPECT_EQ(w->amount, U("0.1"));
  EXPECT_EQ(w->fee, U("0.0005"));
  EXPECT_EQ(w->address.view(), "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh");
  EXPECT_FALSE(ex_.FindWithdrawal(2, r.order_id));  // not the owner's
  ex_.CheckInvariants();
  ASSERT_TRUE(ex_.NextExpiry());
  EXPECT_GE(*ex_.NextExpiry(), start + kNanosPerSecond);

  ASSERT_TRUE(Expire(*ex_.NextExpiry() - 1).ok());  // not yet
  EXPECT_EQ(ex_.FindWithdrawal(1, r.order_id)->status, WithdrawalStatus::kProcessing);
  ASSERT_TRUE(Expire(*ex_.NextExpiry()).ok());
  w = ex_.FindWithdrawal(1, r.order_id);
  EXPECT_EQ(w->status, WithdrawalStatus::kSuccess);
  EXPECT_FALSE(ex_.NextExpiry());
  EXPECT_EQ(Main(1).holds, 0);
  EXPECT_EQ(Main(1).available, U("0.8995"));
  EXPECT_EQ(ex_.withdrawn(Cur("BTC")), U("0.1"));
  EXPECT_EQ(ex_.fees_collected(Cur("BTC")), U("0.0005"));
  EXPECT_EQ(Total(), total);
  ex_.CheckInvariants();
  // A finished withdrawal cannot be canceled.
  EXPECT_EQ(Run(CancelWithdrawal{1, r.order_id}).reject, RejectReason::kWithdrawalNotFound);
  // The ledger shows it.
  std::vector<LedgerEntry> ledger;
  LedgerFilter filter;
  filter.uid = 1;
  filter.biz_type = BizType::kWithdrawal;
  ASSERT_EQ(ex_.accounts().Ledger(filter, 0, 10, &ledger), 1u);
  EXPECT_EQ(ledger[0].amount, U("0.1005"));
  EXPECT_EQ(ledger[0].fee, U("0.0005"));
  EXPECT_EQ(ledger[0].direction, Direction::kOut);
}

TEST_F(WithdrawalTest, FeeComesOutOfTheAmountWhenAskedOrWhenMainCannotPayBoth) {
  const auto internal = Run(Out("0.1", "0.0005", 1000, FeeDeduct::kInternal));
  ASSERT_TRUE(internal.ok());
  EXPECT_EQ(ex_.FindWithdrawal(1, internal.order_id)->amount, U("0.0995"));
  EXPECT_EQ(Main(1).holds, U("0.1"));
  // Auto with 0.9 left: 0.9 + fee does not fit, so the fee comes out of it.
  const auto all = Run(Out("0.9", "0.0005"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(ex_.FindWithdrawal(1, all.order_id)->amount, U("0.8995"));
  EXPECT_EQ(Main(1).available, 0);
  ex_.CheckInvariants();
}

TEST_F(WithdrawalTest, RefusalsChangeNothing) {
  EXPECT_EQ(Run(Out("1", "0.0005", 1000, FeeDeduct::kExternal)).reject,
            RejectReason::kBalanceInsufficient);
  EXPECT_EQ(Run(Out("2", "0.0005")).reject, RejectReason::kBalanceInsufficient);
  EXPECT_EQ(Run(Out("0.0005", "0.0005", 1000, FeeDeduct::kInternal)).reject,
            RejectReason::kInvalidAmount);
  EXPECT_EQ(Run(Out("0", "0")).reject, RejectReason::kInvalidAmount);
  Withdraw bad_chain = Out("0.1", "0");
  bad_chain.chain = 9;
  EXPECT_EQ(Run(bad_chain).reject, RejectReason::kUnknownChain);
  Withdraw bad_currency = Out("0.1", "0");
  bad_currency.currency = 99;
  EXPECT_EQ(Run(bad_currency).reject, RejectReason::kUnknownCurrency);
  Withdraw other = Out("0.1", "0");
  other.uid = 2;  // has nothing on main
  EXPECT_EQ(Run(other).reject, RejectReason::kBalanceInsufficient);
  // The trade account's funds are not the main account's.
  Fund(3, "BTC", "1");
  other.uid = 3;
  EXPECT_EQ(Run(other).reject, RejectReason::kBalanceInsufficient);
  EXPECT_EQ(Main(1).available, U("1"));
  EXPECT_TRUE(ex_.Withdrawals(1).empty());
  ex_.CheckInvariants();
}

TEST_F(WithdrawalTest, CancelWhileProcessingReleasesTheHold) {
  const Units total = Total();
  const auto r = Run(Out("0.2", "0.0005", -1));  // stays processing
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(ex_.NextExpiry());
  ASSERT_TRUE(Expire(now_ + 1000 * kNanosPerSecond).ok());
  EXPECT_EQ(ex_.FindWithdrawal(1, r.order_id)->status, WithdrawalStatus::kProcessing);
  EXPECT_EQ(Run(CancelWithdrawal{2, r.order_id}).reject, RejectReason::kWithdrawalNotFound);
  const auto c = Run(CancelWithdrawal{1, r.order_id});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.order_id, r.order_id);
  const auto w = ex_.FindWithdrawal(1, r.order_id);
  EXPECT_EQ(w->status, WithdrawalStatus::kFailure);
  EXPECT_TRUE(w->canceled);
  EXPECT_EQ(Main(1).holds, 0);
  EXPECT_EQ(Main(1).available, U("1"));
  EXPECT_EQ(ex_.withdrawn(Cur("BTC")), 0);
  EXPECT_EQ(Total(), total);
  EXPECT_EQ(Run(CancelWithdrawal{1, r.order_id}).reject, RejectReason::kWithdrawalNotFound);
  ex_.CheckInvariants();
}

TEST_F(WithdrawalTest, CodecSnapshotAndReplayKeepThem) {
  const Withdraw w = Out("0.3", "0.0005", 5000, FeeDeduct::kExternal);
  std::string bytes;
  EncodeCommand(TimedCommand{42, w}, &bytes);
  TimedCommand back;
  ASSERT_TRUE(DecodeCommand(bytes, &back));
  const auto& decoded = std::get<Withdraw>(back.command);
  EXPECT_EQ(decoded.amount, w.amount);
  EXPECT_EQ(decoded.fee, w.fee);
  EXPECT_EQ(decoded.complete_after_ms, 5000);
  EXPECT_EQ(decoded.fee_deduct, FeeDeduct::kExternal);
  EXPECT_EQ(decoded.address, w.address);
  EXPECT_EQ(decoded.remark, w.remark);
  bytes.clear();
  EncodeCommand(TimedCommand{43, CancelWithdrawal{7, OrderId{1, 99}}}, &bytes);
  ASSERT_TRUE(DecodeCommand(bytes, &back));
  EXPECT_EQ(std::get<CancelWithdrawal>(back.command).withdrawal_id, (OrderId{1, 99}));

  const auto done = Run(w);
  ASSERT_TRUE(Expire(now_ + 10 * kNanosPerSecond).ok());
  const auto pending = Run(Out("0.1", "0.0005", 5000));
  const auto kept = Run(Out("0.1", "0.0005", -1));
  ASSERT_TRUE(done.ok() && pending.ok() && kept.ok());
  std::string snapshot;
  ex_.SaveSnapshot(&snapshot);
  EventBuffer sink;
  Exchange restored(DefaultMarkets(), &sink);
  std::string error;
  ASSERT_TRUE(restored.LoadSnapshot(snapshot, &error)) << error;
  EXPECT_EQ(restored.StateDigest(), ex_.StateDigest());
  restored.CheckInvariants();
  EXPECT_EQ(restored.FindWithdrawal(1, done.order_id)->status, WithdrawalStatus::kSuccess);
  EXPECT_EQ(restored.Deposits(1).size(), 1u);
  EXPECT_EQ(restored.withdrawn(Cur("BTC")), U("0.3"));
  ASSERT_TRUE(restored.NextExpiry());
  EXPECT_EQ(restored.NextExpiry(), ex_.NextExpiry());
  // Both complete the pending one alike.
  const Timestamp later = now_ + 10 * kNanosPerSecond;
  ex_.Apply(TimedCommand{later, ExpireOrders{later}});
  restored.Apply(TimedCommand{later, ExpireOrders{later}});
  EXPECT_EQ(restored.FindWithdrawal(1, pending.order_id)->status, WithdrawalStatus::kSuccess);
  EXPECT_EQ(restored.StateDigest(), ex_.StateDigest());
}

TEST_F(WithdrawalTest, FinishedOnesBeyondTheCapacityAreForgotten) {
  EventBuffer sink;
  ExchangeOptions options;
  options.funding_capacity = 2;
  Exchange small(DefaultMarkets(), &sink, options);
  Timestamp t = now_;
  small.Apply(TimedCommand{++t, Deposit{1, Cur("BTC"), AccountType::kMain, U("1")}});
  std::vector<OrderId> ids;
  const CommandResult kept = small.Apply(TimedCommand{++t, Out("0.01", "0", -1)});
  for (int i = 0; i < 4; ++i) {
    const CommandResult r = small.Apply(TimedCommand{++t, Out("0.01", "0", 0)});
    ASSERT_TRUE(r.ok());
    ids.push_back(r.order_id);
    small.Apply(TimedCommand{t + 10, ExpireOrders{t + 10}});
    t += 10;
  }
  const auto list = small.Withdrawals(1);
  ASSERT_EQ(list.size(), 3u);  // the processing one and the two newest finished
  EXPECT_EQ(list[0].id, ids[3]);
  EXPECT_EQ(list[1].id, ids[2]);
  EXPECT_EQ(list[2].id, kept.order_id);
  small.CheckInvariants();
}

}  // namespace
}  // namespace kc::engine
