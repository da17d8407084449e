// A compact binary form of TimedCommands for the journal. Each record is
//   u32 body length | u32 checksum of body | body
// and a body is a version byte, the timestamp, a command tag and the
// command's fields, little-endian, fixed width (strings: u8 length + bytes).
// Version 2 (written now) checksums with CRC-32C, in hardware where the CPU
// has it; version 1 (read still) with CRC-32. The fields are the same.
// Decoding never trusts its input (it reads files after crashes): a torn tail,
// a bad checksum, an unknown tag or enum value, an over-long string or
// trailing bytes are reported, never crash. Pure functions: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/commands.h"

namespace kc::engine {

// Appends the body of one command (no framing).
void EncodeCommand(const TimedCommand& command, std::string* out);
// false when `body` is not exactly one well-formed command.
bool DecodeCommand(std::string_view body, TimedCommand* out);

// Appends one framed record.
void AppendRecord(const TimedCommand& command, std::string* out);

// CRC-32C (Castagnoli): SSE4.2 when the CPU has it, else a table.
std::uint32_t Crc32c(std::string_view data);
std::uint32_t Crc32cPortable(std::string_view data);

enum class ReadStatus {
  kOk,         // *out holds the next command; *in advanced past it
  kEnd,        // no bytes left
  kTruncated,  // a partial record at the end (a write torn by a crash)
  kCorrupt,    // checksum or content wrong
};
ReadStatus ReadRecord(std::string_view* in, TimedCommand* out);

}  // namespace kc::engine
