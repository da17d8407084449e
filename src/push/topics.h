// The topics a session may subscribe to: KuCoin's spot prefixes, what each
// takes after the colon (symbols, "all", a market, symbol_interval, nothing),
// whether it needs a private token, and the symbols and markets that exist
// (from the engine's MarketConfig). A subscription topic such as
// "/market/ticker:BTC-USDT,ETH-USDT" is split into single topics
// ("/market/ticker:BTC-USDT", ...), the exact strings messages carry.
// Built once at start-up; read-only afterwards, so any thread may Parse.
#pragma once

#include <boost/system/result.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/markets.h"
#include "push/ws_errors.h"

namespace kc::push {

struct TopicRequest {
  bool is_private = false;          // needs a private token (403 otherwise)
  std::vector<std::string> topics;  // single topics, duplicates removed, in request order
};

class TopicRegistry {
 public:
  explicit TopicRegistry(const engine::MarketConfig& markets);

  // Checks `topic` in KuCoin's order: 406 empty, 400 malformed, 404 unknown
  // prefix, 509 more than `max_topics` single topics, 404 unknown symbol.
  boost::system::result<TopicRequest, WsError> Parse(std::string_view topic,
                                                     size_t max_topics) const;

  // Whether a single topic (as messages carry it) names a private topic.
  static bool IsPrivate(std::string_view single_topic);

 private:
  boost::unordered_flat_set<std::string> symbols_;
  boost::unordered_flat_set<std::string> markets_;
};

}  // namespace kc::push
