#include "engine/command_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "engine/journal.h"

namespace kc::engine {
namespace {

std::vector<TimedCommand> Samples() {
  PlaceOrder p;
  p.uid = 42;
  p.symbol = 3;
  p.side = Side::kSell;
  p.price = 123456789;
  p.size = 987654321;
  p.time_in_force = TimeInForce::kGtt;
  p.cancel_after = 60;
  p.iceberg = true;
  p.visible_size = 1000;
  p.stp = Stp::kDc;
  p.client_oid.Assign("5c52e11203aa677f33e493fb");
  p.remark.Assign("order remarks");
  AmendOrder a;
  a.uid = 7;
  a.order_id = OrderId{0x6705f5c3, 0x11545b000157d3ebull};
  a.new_size = 5;
  return {
      {1, Deposit{1, 2, AccountType::kTrade, 100}},
      {2, InnerTransfer{1, 2, AccountType::kMain, AccountType::kTrade, 5, {}}},
      {3, p},
      {4, CancelOrder{9, OrderId{1, 2}}},
      {5, CancelByClientOid{9, *ClientOid::From("abc")}},
      {6, CancelAll{9, std::nullopt}},
      {7, CancelAll{9, 4}},
      {8, a},
      {-9, ExpireOrders{123}},
  };
}

std::string Encoded(const TimedCommand& c) {
  std::string s;
  EncodeCommand(c, &s);
  return s;
}

TEST(CommandCodec, RoundTripsEveryCommand) {
  std::string log;
  for (const auto& c : Samples()) AppendRecord(c, &log);
  std::string_view in = log;
  for (const auto& want : Samples()) {
    TimedCommand got;
    ASSERT_EQ(ReadRecord(&in, &got), ReadStatus::kOk);
    EXPECT_EQ(got.ts, want.ts);
    EXPECT_EQ(got.command.index(), want.command.index());
    EXPECT_EQ(Encoded(got), Encoded(want));
  }
  TimedCommand end;
  EXPECT_EQ(ReadRecord(&in, &end), ReadStatus::kEnd);
}

TEST(CommandCodec, ReportsTornTailsAndCorruption) {
  std::string log;
  AppendRecord(Samples()[2], &log);
  for (std::size_t cut = 1; cut < log.size(); ++cut) {
    std::string_view in(log.data(), cut);
    TimedCommand c;
    EXPECT_EQ(ReadRecord(&in, &c), ReadStatus::kTruncated) << cut;
  }
  for (std::size_t i = 8; i < log.size(); ++i) {
    std::string bad = log;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    std::string_view in = bad;
    TimedCommand c;
    EXPECT_EQ(ReadRecord(&in, &c), ReadStatus::kCorrupt) << i;
  }
}

TEST(CommandCodec, DecodeRejectsGarbageWithoutCrashing) {
  std::mt19937 rng(3);
  for (const auto& sample : Samples()) {
    const std::string body = Encoded(sample);
    TimedCommand c;
    EXPECT_TRUE(DecodeCommand(body, &c));
    EXPECT_FALSE(DecodeCommand(body + "x", &c));  // trailing bytes
    EXPECT_FALSE(DecodeCommand(body.substr(0, body.size() - 1), &c));
    for (int i = 0; i < 500; ++i) {
      std::string fuzz = body;
      fuzz[rng() % fuzz.size()] = static_cast<char>(rng());
      DecodeCommand(fuzz, &c);  // any answer, no crash
    }
  }
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 64, '\0');
    for (char& ch : junk) ch = static_cast<char>(rng());
    std::string_view in = junk;
    TimedCommand c;
    while (ReadRecord(&in, &c) == ReadStatus::kOk) {
    }
  }
  // Enum values out of range are refused.
  std::string body = Encoded(Samples()[0]);
  body[body.size() - 9] = 7;  // the account type byte
  TimedCommand c;
  EXPECT_FALSE(DecodeCommand(body, &c));
}

TEST(MemoryJournal, ReadsBackWhatWasAppended) {
  MemoryJournal j;
  const auto samples = Samples();
  j.Append(samples);
  EXPECT_TRUE(j.Sync());
  std::vector<TimedCommand> back;
  ASSERT_TRUE(j.ReadAll(&back));
  ASSERT_EQ(back.size(), samples.size());
  for (std::size_t i = 0; i < back.size(); ++i) EXPECT_EQ(Encoded(back[i]), Encoded(samples[i]));
}

}  // namespace
}  // namespace kc::engine
