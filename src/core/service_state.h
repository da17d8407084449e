// Whether the exchange is open, as /api/v1/status reports it: "open", "close"
// or "cancelonly" with a message. Set by the operator (config, admin) and by
// shutdown; read on any thread (the admission stage answers 501000 while
// the service is closed).
#pragma once

#include <atomic>
#include <mutex>
#include <string>

namespace kc {

enum class ServiceStatus { kOpen, kClose, kCancelOnly };

class ServiceState {
 public:
  void Set(ServiceStatus status, std::string message) {
    std::lock_guard lock(mutex_);
    status_ = status;
    message_ = std::move(message);
  }
  std::pair<ServiceStatus, std::string> Get() const {
    std::lock_guard lock(mutex_);
    return {status_, message_};
  }

 private:
  mutable std::mutex mutex_;
  ServiceStatus status_ = ServiceStatus::kOpen;
  std::string message_;
};

}  // namespace kc
