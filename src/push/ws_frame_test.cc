#include "push/ws_frame.h"

#include <gtest/gtest.h>

#include <string>

namespace kc::push::ws {
namespace {

// A client frame as RFC 6455 has clients send it: masked.
std::string ClientFrame(uint8_t first_byte, std::string_view payload,
                        const uint8_t mask[4] = nullptr) {
  static const uint8_t kMask[4] = {0x12, 0x34, 0x56, 0x78};
  if (!mask) mask = kMask;
  std::string out;
  out += static_cast<char>(first_byte);
  if (payload.size() < 126) {
    out += static_cast<char>(0x80 | payload.size());
  } else if (payload.size() <= 0xffff) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(payload.size() >> 8);
    out += static_cast<char>(payload.size() & 0xff);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) out += static_cast<char>((payload.size() >> (8 * i)) & 0xff);
  }
  for (int i = 0; i < 4; ++i) out += static_cast<char>(mask[i]);
  for (size_t i = 0; i < payload.size(); ++i) out += static_cast<char>(payload[i] ^ mask[i & 3]);
  return out;
}

TEST(WsFrame, EncodesServerHeadersOfEverySize) {
  uint8_t header[kMaxHeaderBytes];
  EXPECT_EQ(EncodeHeader(Opcode::kText, 125, header), 2u);
  EXPECT_EQ(header[0], 0x81);
  EXPECT_EQ(header[1], 125);
  EXPECT_EQ(EncodeHeader(Opcode::kText, 126, header), 4u);
  EXPECT_EQ(header[1], 126);
  EXPECT_EQ((header[2] << 8) | header[3], 126);
  EXPECT_EQ(EncodeHeader(Opcode::kPong, 70000, header), 10u);
  EXPECT_EQ(header[0], 0x8A);
  EXPECT_EQ(header[1], 127);
  EXPECT_EQ((header[7] << 16) | (header[8] << 8) | header[9], 70000);
}

TEST(WsFrame, ParsesAndUnmasksClientFrames) {
  for (size_t size : {0u, 5u, 125u, 126u, 1000u, 70000u}) {
    std::string payload(size, 'x');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string bytes = ClientFrame(0x81, payload);
    Frame frame;
    size_t used = 0;
    ASSERT_EQ(ParseClientFrame(bytes, 1 << 20, &frame, &used), ParseResult::kFrame) << size;
    EXPECT_EQ(used, bytes.size());
    EXPECT_EQ(frame.opcode, Opcode::kText);
    EXPECT_TRUE(frame.fin);
    EXPECT_EQ(frame.payload, payload);
  }
}

TEST(WsFrame, AsksForMoreUntilTheFrameIsComplete) {
  const std::string whole = ClientFrame(0x81, std::string(300, 'q'));
  for (size_t cut = 0; cut < whole.size(); ++cut) {
    std::string part = whole.substr(0, cut);
    Frame frame;
    size_t used = 0;
    EXPECT_EQ(ParseClientFrame(part, 1 << 20, &frame, &used), ParseResult::kNeedMore) << cut;
  }
}

TEST(WsFrame, RefusesWhatAServerMustRefuse) {
  Frame frame;
  size_t used = 0;
  std::string unmasked = "\x81\x02hi";
  EXPECT_EQ(ParseClientFrame(unmasked, 100, &frame, &used), ParseResult::kProtocolError);
  std::string reserved = ClientFrame(0xC1, "hi");
  EXPECT_EQ(ParseClientFrame(reserved, 100, &frame, &used), ParseResult::kProtocolError);
  std::string unknown_opcode = ClientFrame(0x83, "hi");
  EXPECT_EQ(ParseClientFrame(unknown_opcode, 100, &frame, &used), ParseResult::kProtocolError);
  std::string fragmented_ping = ClientFrame(0x09, "hi");
  EXPECT_EQ(ParseClientFrame(fragmented_ping, 100, &frame, &used), ParseResult::kProtocolError);
  std::string long_ping = ClientFrame(0x89, std::string(126, 'p'));
  EXPECT_EQ(ParseClientFrame(long_ping, 1000, &frame, &used), ParseResult::kProtocolError);
  std::string big = ClientFrame(0x81, std::string(101, 'b'));
  EXPECT_EQ(ParseClientFrame(big, 100, &frame, &used), ParseResult::kTooBig);
  // A huge declared length is refused from the header alone.
  std::string huge = "\x81\xff\x7f\xff\xff\xff\xff\xff\xff\xff";
  EXPECT_EQ(ParseClientFrame(huge, 100, &frame, &used), ParseResult::kTooBig);
}

TEST(WsFrame, ChecksUtf8AsRfc3629Defines) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8(R"({"type":"ping"})"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // a continuation byte alone
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xe2\x82"));
}

}  // namespace
}  // namespace kc::push::ws
