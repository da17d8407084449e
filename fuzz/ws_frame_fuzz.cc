// Fuzzes the WebSocket frame parser that reads every byte a push client sends:
// frames are parsed one after another, as the session does, until the input
// runs out or the parser refuses it; text payloads are checked as UTF-8.
#include <cstdint>
#include <cstring>
#include <vector>

#include "push/ws_frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<char> buffer(data, data + size);
  std::span<char> rest(buffer);
  while (!rest.empty()) {
    kc::push::ws::Frame frame;
    size_t consumed = 0;
    const auto result = kc::push::ws::ParseClientFrame(rest, 4096, &frame, &consumed);
    if (result != kc::push::ws::ParseResult::kFrame) break;
    if (consumed == 0 || consumed > rest.size() || frame.payload.size() > 4096) __builtin_trap();
    if (frame.payload.data() < rest.data() ||
        frame.payload.data() + frame.payload.size() > rest.data() + consumed) {
      __builtin_trap();
    }
    // Text payloads go through the UTF-8 check (1007) before any parsing.
    if (frame.opcode == kc::push::ws::Opcode::kText) {
      volatile bool valid = kc::push::ws::IsValidUtf8(frame.payload);
      (void)valid;
    }
    rest = rest.subspan(consumed);
  }
  return 0;
}
