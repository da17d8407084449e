#include "gateway/route_table.h"

#include <algorithm>
#include <cstdlib>

#include "gateway/query.h"

namespace kc::gateway {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return segments;
}

// "/wallet" covers /wallet and /wallet/x, not /wallets; "/wallet/" covers /wallet/x.
bool UnderPrefix(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || prefix.back() == '/' || path[prefix.size()] == '/';
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void RouteTable::Add(Route route) {
  route.index = routes_.size();
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  const Route* added = routes_.back().get();
  std::vector<std::string> segments;
  bool has_parameter = false;
  for (std::string_view segment : Split(added->pattern)) {
    has_parameter = has_parameter || IsParameter(segment);
    segments.emplace_back(segment);
  }
  if (!has_parameter) {
    auto method = std::find_if(exact_.begin(), exact_.end(),
                               [&](const auto& entry) { return entry.first == added->method; });
    if (method == exact_.end()) method = exact_.emplace(exact_.end(), added->method, ExactPaths());
    if (!method->second.emplace(added->pattern, added).second) std::abort();
    return;
  }
  for (const Pattern& existing : patterns_) {
    if (existing.route->method == added->method && existing.route->pattern == added->pattern) {
      std::abort();
    }
  }
  // Most specific first: where two patterns could both match a path, the one
  // with a literal segment where the other has a parameter wins
  // (/api/v1/accounts/transferable before /api/v1/accounts/{accountId}),
  // whatever the order the routes were added in.
  const auto more_specific = [](const Pattern& a, const Pattern& b) {
    return std::lexicographical_compare(a.segments.begin(), a.segments.end(), b.segments.begin(),
                                        b.segments.end(),
                                        [](const std::string& x, const std::string& y) {
                                          return !IsParameter(x) && IsParameter(y);
                                        });
  };
  Pattern pattern{added, std::move(segments)};
  const auto at = std::upper_bound(patterns_.begin(), patterns_.end(), pattern, more_specific);
  patterns_.insert(at, std::move(pattern));
}

void RouteTable::AddPrefix(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') std::abort();
  for (const Route* existing : prefixes_) {
    if (existing->method == route.method && existing->pattern == route.pattern) std::abort();
  }
  route.index = routes_.size();
  routes_.push_back(std::make_unique<Route>(std::move(route)));
  const Route* added = routes_.back().get();
  const auto at = std::upper_bound(
      prefixes_.begin(), prefixes_.end(), added,
      [](const Route* a, const Route* b) { return a->pattern.size() > b->pattern.size(); });
  prefixes_.insert(at, added);
}

std::optional<RouteTable::Match> RouteTable::Find(boost::beast::http::verb method,
                                                  std::string_view path) const {
  for (const Route* prefix : prefixes_) {
    if (prefix->method == method && UnderPrefix(path, prefix->pattern)) return Match{prefix, {}};
  }
  for (const auto& [exact_method, paths] : exact_) {
    if (exact_method != method) continue;
    if (auto it = paths.find(path); it != paths.end()) return Match{it->second, {}};
    break;
  }
  if (path.empty() || path.front() != '/' || path.back() == '/') return std::nullopt;
  const std::vector<std::string_view> segments = Split(path);
  for (const Pattern& pattern : patterns_) {
    if (pattern.route->method != method || pattern.segments.size() != segments.size()) continue;
    Match match{pattern.route, {}};
    bool matched = true;
    for (size_t i = 0; i < segments.size() && matched; ++i) {
      const std::string& expected = pattern.segments[i];
      if (IsParameter(expected)) {
        if (segments[i].empty()) {
          matched = false;
        } else {
          match.params.emplace_back(expected.substr(1, expected.size() - 2),
                                    PercentDecode(segments[i]));
        }
      } else {
        matched = expected == segments[i];
      }
    }
    if (matched) return match;
  }
  return std::nullopt;
}

}  // namespace kc::gateway
