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

class ServiceState {
 public:
  using Listener = std::function<void(ServiceStatus status, const std::string& message)>;

  void Set(ServiceStatus status, std::string message) {
    std::vector<Listener> listeners;
    {
      std::lock_guard lock(mutex_);
      const bool changed = status != status_;
      status_ = status;
      message_ = message;
      if (changed) listeners = listeners_;
    }
    for (const Listener& listener : listeners) listener(status, message);
  }
  std::pair<ServiceStatus, std::string> Get() const {
    std::lock_guard lock(mutex_);
    return {status_, message_};
  }
  ServiceStatus status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  // Before serving: told of every change of status from then on.
  void Subscribe(Listener listener) {
    std::lock_guard lock(mutex_);
    listeners_.push_back(std::move(listener));
  }

 private:
  mutable std::mutex mutex_;
  ServiceStatus status_ = ServiceStatus::kOpen;
  std::string message_;
  std::vector<Listener> listeners_;
};

}  // namespace kc
