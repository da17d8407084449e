// The seam between what produces push messages (the market-data feed, fed by
// engine events) and what delivers them (the WebSocket hub). A message is
// serialized once into an immutable Frame and the same buffer goes to every
// subscriber. Implementations are thread-safe; the feed calls them from the
// engine thread, so they must not block.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kc::push {

// A complete WebSocket text frame payload:
// {"type":"message","topic":"/market/ticker:BTC-USDT","subject":"trade.ticker","data":{...}}
using Frame = std::shared_ptr<const std::string>;

class Publisher {
 public:
  virtual ~Publisher() = default;
  // Whether any session is subscribed to `topic` (the exact single topic, e.g.
  // "/market/ticker:BTC-USDT" or "/market/ticker:all"); for private topics
  // ("/spotMarket/tradeOrdersV2", "/account/balance") only `uid`'s sessions
  // count. Lets the feed skip serializing messages nobody receives.
  virtual bool HasSubscribers(std::string_view topic, int64_t uid = 0) const = 0;
  // Delivers `frame` to every session subscribed to `topic` (private topics:
  // only sessions of `uid`; public ones: uid is 0).
  virtual void Publish(std::string_view topic, int64_t uid, Frame frame) = 0;
};

}  // namespace kc::push
