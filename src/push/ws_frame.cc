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

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const uint8_t lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    size_t length = 0;
    uint8_t low = 0x80;  // the second byte's range (narrowed against overlongs and surrogates)
    uint8_t high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < length) return false;
    if (p[1] < low || p[1] > high) return false;
    for (size_t i = 2; i < length; ++i) {
      if (p[i] < 0x80 || p[i] > 0xBF) return false;
    }
    p += length;
  }
  return true;
}

}  // namespace kc::push::ws
