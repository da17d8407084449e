// Where the WebSocket order API's spot operations are executed: an interface
// wsapi owns and app implements with api's HF order operations (the ones the
// REST routes run), so an order placed here is the same engine command, the
// same JSON and the same refusals as its REST twin, without a second copy.
// Implementations are thread-safe; `done` runs on `loop`.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "gateway/route_table.h"

namespace kc::wsapi {

enum class SpotOp { kOrder, kSyncOrder, kModify, kCancel, kSyncCancel };

// What an operation answered: code "200000" with `data`, or KuCoin's code and message.
struct OpResult {
  std::string code;
  std::string message;
  boost::json::value data;
  bool ok() const { return code == "200000"; }
};

// The rate-limit pool and weight of an operation's REST twin.
struct OpCost {
  gateway::RatePool pool = gateway::RatePool::kSpot;
  int weight = 1;
};

class OrderDesk {
 public:
  virtual ~OrderDesk() = default;
  virtual OpCost Cost(SpotOp op) const = 0;
  virtual void Run(SpotOp op, int64_t uid, const boost::json::object& args,
                   boost::asio::any_io_executor loop, std::function<void(OpResult)> done) = 0;
};

}  // namespace kc::wsapi
