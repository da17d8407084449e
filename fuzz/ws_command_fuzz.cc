// Fuzzes the parser of push-session commands (subscribe, unsubscribe, ping).
#include <cstdint>
#include <string_view>

#include "push/client_command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto command = kc::push::ParseClientCommand(text);
  if (command && command->topic.size() > size) __builtin_trap();
  if (!command && command.error().id.size() > size + 20) __builtin_trap();
  return 0;
}
