#include "upstream/safe_path.h"

#include <string>

#include "gateway/query.h"

namespace kc::upstream {

bool SafeUpstreamPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.find('\\') != std::string_view::npos) return false;
  while (!path.empty()) {
    path.remove_prefix(1);  // the '/'
    const size_t slash = path.find('/');
    const std::string_view raw = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
    const std::string segment = gateway::PercentDecode(raw);
    if (segment == "." || segment == "..") return false;
    if (segment.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos) return false;
  }
  return true;
}

}  // namespace kc::upstream
