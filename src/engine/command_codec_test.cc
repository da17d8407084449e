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
  SetDeadCancel dcp;
  dcp.uid = 9;
  dcp.timeout = 86'400;
  dcp.symbol_count = 3;
  dcp.symbols = {4, 0, 65'535};
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
      {10, ReduceOrder{9, OrderId{0x6705f5c3, 77}, 2, 12345}},
      {11, dcp},
      {12, SetDeadCancel{9, -1, 0, {}}},
      {13, PlaceStopOrder{p, StopKind::kEntry, 4200}},
      {14, CancelStopOrders{9, OrderId{1, 2}, *ClientOid::From("x"), 3}},
      {15, CancelStopOrders{9, {}, {}, std::nullopt}},
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
  // A dead-cancel-all naming more pairs than KuCoin allows is refused.
  SetDeadCancel too_many;
  too_many.symbol_count = kMaxDeadCancelSymbols + 1;
  TimedCommand decoded;
  EXPECT_FALSE(DecodeCommand(Encoded({1, too_many}), &decoded));
  // Enum values out of range are refused.
  std::string body = Encoded(Samples()[0]);
  body[body.size() - 9] = 7;  // the account type byte
  TimedCommand c;
  EXPECT_FALSE(DecodeCommand(body, &c));
}

TEST(CommandCodec, Crc32cMatchesTheStandardVectors) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(""), 0u);
  std::mt19937 rng(5);
  for (std::size_t n = 0; n < 70; ++n) {  // every tail length after the 8-byte words
    std::string data(n, '\0');
    for (char& ch : data) ch = static_cast<char>(rng());
    EXPECT_EQ(Crc32c(data), Crc32cPortable(data)) << n;
  }
}

// Version 1 records (CRC-32), as the codec wrote them before version 2, still
// read back; a damaged one is still caught.
TEST(CommandCodec, ReadsVersionOneRecords) {
  std::string v1;
  for (const char* p =
           "6c000000b6ed73db010300000000000000032a0000000000000003000000010015cd5b0700000000b168"
           "de3a000000000000000000000000013c00000000000000000001e8030000000000000418356335326531"
           "3132303361613637376633336534393366620d6f726465722072656d61726b731e000000311dcf580104"
           "00000000000000040900000000000000010000000200000000000000";
       *p != '\0'; p += 2) {
    v1.push_back(static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16)));
  }
  std::string_view in = v1;
  TimedCommand got;
  ASSERT_EQ(ReadRecord(&in, &got), ReadStatus::kOk);
  TimedCommand want = Samples()[2];
  EXPECT_EQ(got.ts, want.ts);
  EXPECT_EQ(Encoded(got), Encoded(want));
  ASSERT_EQ(ReadRecord(&in, &got), ReadStatus::kOk);
  EXPECT_EQ(Encoded(got), Encoded(Samples()[3]));
  EXPECT_EQ(ReadRecord(&in, &got), ReadStatus::kEnd);
  // Same fields, new version byte: new records are version 2.
  std::string body = Encoded(want);
  EXPECT_EQ(body[0], 2);
  EXPECT_EQ(body.substr(1), v1.substr(9, body.size() - 1));
  for (std::size_t i = 8; i < 0x6c + 8; ++i) {
    std::string bad = v1;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    std::string_view damaged = bad;
    EXPECT_EQ(ReadRecord(&damaged, &got), ReadStatus::kCorrupt) << i;
  }
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
