#include "push/ws_frame.h"

namespace kc::push::ws {

size_t EncodeHeader(Opcode opcode, size_t payload_size, uint8_t* out) {
  out[0] = static_cast<uint8_t>(0x80 | static_cast<uint8_t>(opcode));
  if (payload_size < 126) {
    out[1] = static_cast<uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xffff) {
    out[1] = 126;
    out[2] = static_cast<uint8_t>(payload_size >> 8);
    out[3] = static_cast<uint8_t>(payload_size & 0xff);
    return 4;
  }
  out[1] = 127;
  uint64_t size = payload_size;
  for (int i = 9; i >= 2; --i) {
    out[i] = static_cast<uint8_t>(size & 0xff);
    size >>= 8;
  }
  return 10;
}

ParseResult ParseClientFrame(std::span<char> data, size_t max_payload, Frame* frame,
                             size_t* consumed) {
  if (data.size() < 2) return ParseResult::kNeedMore;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const bool fin = (bytes[0] & 0x80) != 0;
  if ((bytes[0] & 0x70) != 0) return ParseResult::kProtocolError;  // no extension negotiated
  const uint8_t op = bytes[0] & 0x0f;
  const bool control = (op & 0x08) != 0;
  if (op != 0x0 && op != 0x1 && op != 0x2 && op != 0x8 && op != 0x9 && op != 0xA) {
    return ParseResult::kProtocolError;
  }
  if ((bytes[1] & 0x80) == 0) return ParseResult::kProtocolError;  // clients must mask
  uint64_t size = bytes[1] & 0x7f;
  size_t header = 2;
  if (size == 126) {
    if (data.size() < 4) return ParseResult::kNeedMore;
    size = (uint64_t{bytes[2]} << 8) | bytes[3];
    header = 4;
  } else if (size == 127) {
    if (data.size() < 10) return ParseResult::kNeedMore;
    size = 0;
    for (int i = 2; i < 10; ++i) size = (size << 8) | bytes[i];
    header = 10;
  }
  if (control && (!fin || size > 125)) return ParseResult::kProtocolError;
  if (size > max_payload) return ParseResult::kTooBig;
  if (data.size() < header + 4) return ParseResult::kNeedMore;
  const uint8_t* mask = bytes + header;
  header += 4;
  if (data.size() - header < size) return ParseResult::kNeedMore;
  char* payload = data.data() + header;
  for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
  frame->opcode = static_cast<Opcode>(op);
  frame->fin = fin;
  frame->payload = std::string_view(payload, size);
  *consumed = header + size;
  return ParseResult::kFrame;
}

}  // namespace kc::push::ws
