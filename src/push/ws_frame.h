// RFC 6455 framing for established push sessions: parsing the (masked)
// frames a client sends and encoding the (unmasked) headers the server sends.
// Pure functions over bytes, no I/O, so they are unit-tested and fuzzed alone.
//
// Why by hand and not Beast's websocket::stream for the session itself: the
// fan-out must put many small messages on one socket with one write (a gather
// of header+payload pairs), and Beast writes one message per write; its stream
// also keeps a read buffer per connection, where sessions here borrow one
// per event loop. Beast still performs the opening handshake (session.cc).
// Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace kc::push::ws {

enum class Opcode : uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

inline constexpr size_t kMaxHeaderBytes = 10;

// Writes the header of a final, unmasked server frame carrying `payload_size`
// bytes into `out`; returns its length (2, 4 or 10).
size_t EncodeHeader(Opcode opcode, size_t payload_size, uint8_t* out);
// The length EncodeHeader writes for `payload_size`.
constexpr size_t HeaderSize(size_t payload_size) {
  return payload_size < 126 ? 2 : payload_size <= 0xffff ? 4 : 10;
}

enum class ParseResult {
  kFrame,          // one frame parsed; `consumed` bytes used
  kNeedMore,       // the frame is not complete yet
  kProtocolError,  // not a valid client frame: fail the connection (1002)
  kTooBig,         // payload over the limit: fail the connection (1009)
};

struct Frame {
  Opcode opcode = Opcode::kText;
  bool fin = true;
  std::string_view payload;  // unmasked, inside the caller's buffer
};

// Parses the first frame of `data`, unmasking its payload in place. Enforces
// what RFC 6455 asks of a server: frames must be masked, reserved bits and
// opcodes unused, control frames final and at most 125 bytes.
ParseResult ParseClientFrame(std::span<char> data, size_t max_payload, Frame* frame,
                             size_t* consumed);

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF). A text message that is not must close
// the connection with 1007 (RFC 6455 §8.1).
bool IsValidUtf8(std::string_view text);

}  // namespace kc::push::ws
