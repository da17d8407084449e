// Several AccessObservers (the access log and the metrics) behind one: the
// gateway, the push hub and the WS API service each take one observer. The
// list is fixed at construction, so telling it takes no lock.
#pragma once

#include <utility>
#include <vector>

#include "core/access_events.h"

namespace kc {

class AccessFanOut final : public AccessObserver {
 public:
  explicit AccessFanOut(std::vector<AccessObserver*> observers)
      : observers_(std::move(observers)) {}
  void OnRequest(const RequestRecord& record) override {
    for (AccessObserver* observer : observers_) observer->OnRequest(record);
  }
  void OnSession(const SessionRecord& record) override {
    for (AccessObserver* observer : observers_) observer->OnSession(record);
  }

 private:
  const std::vector<AccessObserver*> observers_;
};

}  // namespace kc
