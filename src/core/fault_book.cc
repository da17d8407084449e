#include "core/fault_book.h"

#include <algorithm>

namespace kc {

std::string_view ToString(FaultKind kind) {
  switch (kind) {
    case FaultKind::kRest:
      return "rest";
    case FaultKind::kPush:
      return "push";
    case FaultKind::kWsApi:
      return "wsapi";
    case FaultKind::kConnect:
      return "connect";
  }
  return "rest";
}

std::optional<FaultKind> ParseFaultKind(std::string_view text) {
  for (FaultKind kind :
       {FaultKind::kRest, FaultKind::kPush, FaultKind::kWsApi, FaultKind::kConnect}) {
    if (ToString(kind) == text) return kind;
  }
  return std::nullopt;
}

bool MatchesPattern(std::string_view pattern, std::string_view value) {
  if (pattern.empty()) return true;
  if (pattern.back() == '*') {
    pattern.remove_suffix(1);
    return value.substr(0, pattern.size()) == pattern;
  }
  return pattern == value;
}

namespace {

bool Matches(const FaultMatch& m, const FaultSubject& s) {
  if (m.kind && *m.kind != s.kind) return false;
  if (!m.method.empty() && m.method != s.method) return false;
  if (!MatchesPattern(m.path, s.path)) return false;
  if (m.uid != 0 && m.uid != s.uid) return false;
  if (!m.api_key.empty() && m.api_key != s.api_key) return false;
  if (!m.ip.empty() && m.ip != s.ip) return false;
  if (!MatchesPattern(m.topic, s.topic)) return false;
  if (!m.op.empty() && m.op != s.op) return false;
  return true;
}

}  // namespace

uint64_t FaultBook::Add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  Entry entry;
  entry.id = next_id_++;
  entry.remaining = rule.times;
  entry.random.seed(rule.seed);
  entry.rule = std::move(rule);
  entries_.push_back(std::move(entry));
  CountActive();
  return entries_.back().id;
}

bool FaultBook::Remove(uint64_t id) {
  std::lock_guard lock(mutex_);
  const size_t before = entries_.size();
  std::erase_if(entries_, [id](const Entry& e) { return e.id == id; });
  CountActive();
  return entries_.size() != before;
}

void FaultBook::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  CountActive();
}

std::vector<ListedFault> FaultBook::List() const {
  std::lock_guard lock(mutex_);
  std::vector<ListedFault> out;
  for (const Entry& e : entries_) out.push_back({e.id, e.rule, e.hits, e.remaining});
  return out;
}

void FaultBook::CountActive() {
  active_.store(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return !e.retired; }),
      std::memory_order_relaxed);
}

std::optional<FaultAction> FaultBook::FireSlow(const FaultSubject& subject) {
  std::lock_guard lock(mutex_);
  for (Entry& e : entries_) {
    if (e.retired || !Matches(e.rule.match, subject)) continue;
    if (e.rule.probability < 1.0) {
      // One draw per match, from the rule's own seeded stream.
      // (53 high bits as a fraction: the same stream on every platform).
      const double draw = static_cast<double>(e.random() >> 11) * 0x1.0p-53;
      if (draw >= e.rule.probability) continue;
    }
    ++e.hits;
    if (e.rule.times > 0 && --e.remaining == 0) {
      e.retired = true;
      CountActive();
    }
    return e.rule.action;
  }
  return std::nullopt;
}

}  // namespace kc
