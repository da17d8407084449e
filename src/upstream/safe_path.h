// Whether a request path may go to an upstream as it is. kcgate matched and
// authorized it by its prefix; an upstream that resolves "." and ".." or
// decodes %2F would serve a different path, outside what was authorized.
// Pure; any thread.
#pragma once

#include <string_view>

namespace kc::upstream {

// False when a segment, percent-decoded, is "." or ".." or holds '/', '\' or
// a NUL (an encoded separator), or the path does not start with '/'.
bool SafeUpstreamPath(std::string_view path);

}  // namespace kc::upstream
