// The test lab's fault rules (issue 13, item 3): "the next two orders get
// 429000", "drop this WebSocket with 501000". A rule matches requests,
// sessions or operations by kind, method, path, uid, API key, IP, topic or
// operation, and names what happens instead: a code answered as kcgate
// answers it for real, a delay, the answer replaced after the request
// executed, a dropped connection, or a session closed with a notice.
// Rules are tried in insertion order; the first that matches and fires wins.
// `times` retires a rule after N firings; `probability` with `seed` fires on
// a deterministic pseudo-random stream (one draw per match), so a run
// repeats exactly.
//
// The book lives in core because the services it reaches do not depend on
// the lab: the REST pipeline's lab/fault_stage.h, the push sessions
// (subscribe, connect) and the WS API sessions (operations, connect) each
// ask Fire. The lab's admin routes (lab/fault_routes.h) fill it.
//
// Any thread. With no rule set, Fire costs one relaxed atomic load (the
// request path's whole cost of the lab); with rules, one mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kc {

enum class FaultKind { kRest, kPush, kWsApi, kConnect };
std::string_view ToString(FaultKind kind);
std::optional<FaultKind> ParseFaultKind(std::string_view text);

struct FaultMatch {
  std::optional<FaultKind> kind;
  std::string method;  // "" = any; upper case ("POST")
  std::string path;    // "" = any; exact, or a prefix when it ends with '*'
  int64_t uid = 0;     // 0 = any
  std::string api_key;
  std::string ip;
  std::string topic;  // push subscribe topic (exact, or prefix*)
  std::string op;     // WS API operation
};

struct FaultAction {
  std::string code;      // answer this code (not executed, unless after_execute)
  std::string message;   // kcgate's text for `code` (resolved when the rule is added)
  int64_t delay_ms = 0;  // wait, then proceed (or answer `code`)
  bool after_execute = false;
  bool disconnect = false;  // drop the connection without an answer
  std::string close_code;   // push / WS API: the notice, then close
  std::string close_message;
};

struct FaultRule {
  FaultMatch match;
  FaultAction action;
  int64_t times = 0;         // 0 = every match
  double probability = 1.0;  // each match fires with this chance
  uint64_t seed = 0;
};

// What is being decided: one REST request, push subscribe, WS API operation
// or connection.
struct FaultSubject {
  FaultKind kind = FaultKind::kRest;
  std::string_view method;
  std::string_view path;
  int64_t uid = 0;
  std::string_view api_key;
  std::string_view ip;
  std::string_view topic;
  std::string_view op;
};

struct ListedFault {
  uint64_t id = 0;
  FaultRule rule;
  int64_t hits = 0;       // times it fired
  int64_t remaining = 0;  // with `times`: firings left (0: retired)
};

class FaultBook {
 public:
  uint64_t Add(FaultRule rule);
  bool Remove(uint64_t id);
  void Clear();
  std::vector<ListedFault> List() const;

  // The action of the first rule that matches `subject` and fires; nullopt
  // when none does.
  std::optional<FaultAction> Fire(const FaultSubject& subject) {
    if (active_.load(std::memory_order_relaxed) == 0) return std::nullopt;
    return FireSlow(subject);
  }

 private:
  struct Entry {
    uint64_t id = 0;
    FaultRule rule;
    int64_t hits = 0;
    int64_t remaining = 0;
    std::mt19937_64 random;
    bool retired = false;
  };
  std::optional<FaultAction> FireSlow(const FaultSubject& subject);
  void CountActive();  // under mutex_

  std::atomic<int64_t> active_{0};  // rules not retired
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;  // guarded by mutex_, insertion order
  uint64_t next_id_ = 1;        // guarded by mutex_
};

// "*"-suffixed prefix or exact match; "" matches anything.
bool MatchesPattern(std::string_view pattern, std::string_view value);

}  // namespace kc
