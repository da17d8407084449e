// Whether the exchange is open, as /api/v1/status reports it: "open", "close"
// or "cancelonly" with a message. Set by the operator (config, `kcgate status
// set` through store/status_store.h) and by shutdown; read on any thread (the
// admission stage answers 501000 while the service is closed, the policy
// stage refuses new orders while it is cancel-only).
//
// Services that hold sessions (push, the WebSocket API) Subscribe: their
// listener runs on the thread that Set a different status, after it took
// effect, and must only post work to their own loops (close sessions with a
// 501000 notice when the status becomes kClose).
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kc {

enum class ServiceStatus { kOpen, kClose, kCancelOnly };

// "open", "close", "cancelonly" (KuCoin's /api/v1/status values).
inline std::string_view StatusName(ServiceStatus status) {
  switch (status) {
    case ServiceStatus::kOpen:
      return "open";
    case ServiceStatus::kClose:
      return "close";
    case ServiceStatus::kCancelOnly:
      return "cancelonly";
  }
  return "open";
}

inline std::optional<ServiceStatus> ParseStatus(std::string_view name) {
  for (ServiceStatus status :
       {ServiceStatus::kOpen, ServiceStatus::kClose, ServiceStatus::kCancelOnly}) {
    if (StatusName(status) == name) return status;
  }
  return std::nullopt;
}

// KuCoin's business refusal (HTTP 200) of a new order while the exchange is
// cancel-only: REST's AccessPolicy and the WS API's desk both answer it.
inline constexpr std::string_view kCancelOnlyRefusalCode = "126009";
inline constexpr std::string_view kCancelOnlyRefusalMessage =
    "Trading pair is suspended from creating orders";

// Status reads are lock-free (one atomic load per request on the hot path);
// the message and the listeners take the mutex.
class ServiceState {
 public:
  using Listener = std::function<void(ServiceStatus status, const std::string& message)>;

  void Set(ServiceStatus status, std::string message) {
    std::vector<Listener> listeners;
    {
      std::lock_guard lock(mutex_);
      const bool changed = status != status_.load(std::memory_order_relaxed);
      message_ = message;
      status_.store(status, std::memory_order_release);
      if (changed) listeners = listeners_;
    }
    for (const Listener& listener : listeners) listener(status, message);
  }
  std::pair<ServiceStatus, std::string> Get() const {
    std::lock_guard lock(mutex_);
    return {status_.load(std::memory_order_relaxed), message_};
  }
  ServiceStatus status() const { return status_.load(std::memory_order_acquire); }
  // Before serving: told of every change of status from then on.
  void Subscribe(Listener listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
  }

 private:
  mutable std::mutex mutex_;
  std::atomic<ServiceStatus> status_{ServiceStatus::kOpen};  // written under mutex_
  std::string message_;                                      // guarded by mutex_
  std::vector<Listener> listeners_;
};

}  // namespace kc
