// Fuzzes the check a path passes before it is relayed to an upstream service
// (upstream/safe_path.h): whatever it accepts has no dot segment and no
// encoded separator once decoded.
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/query.h"
#include "upstream/safe_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view path(reinterpret_cast<const char*>(data), size);
  if (!kc::upstream::SafeUpstreamPath(path)) return 0;
  const std::string decoded = kc::gateway::PercentDecode(path);
  if (decoded.find("/../") != std::string::npos || decoded.find("/./") != std::string::npos ||
      decoded.ends_with("/..") || decoded.ends_with("/.")) {
    // A decoded '/' inside a segment would have been refused, so the decoded
    // path's segments are the raw path's: none may be a dot segment.
    __builtin_trap();
  }
  if (decoded.find('\\') != std::string::npos) __builtin_trap();
  return 0;
}
