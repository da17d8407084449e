#include "push/topics.h"

#include <algorithm>
#include <array>

namespace kc::push {
namespace {

enum class Args {
  kSymbols,         // one or more symbols
  kSymbolsOrAll,    // symbols, or the single word "all"
  kSymbolOrMarket,  // symbols or markets ("USDS", "BTC")
  kCandles,         // symbol_interval
  kNone,            // private user topics take no argument
};

struct TopicSpec {
  std::string_view prefix;
  Args args;
  bool is_private;
};

constexpr std::array<TopicSpec, 12> kTopics = {{
    {"/market/ticker", Args::kSymbolsOrAll, false},
    {"/market/snapshot", Args::kSymbolOrMarket, false},
    {"/market/level2", Args::kSymbols, false},
    {"/spotMarket/level1", Args::kSymbols, false},
    {"/spotMarket/level2Depth5", Args::kSymbols, false},
    {"/spotMarket/level2Depth50", Args::kSymbols, false},
    {"/market/match", Args::kSymbols, false},
    {"/market/candles", Args::kCandles, false},
    {"/spotMarket/tradeOrdersV2", Args::kNone, true},
    {"/spotMarket/tradeOrders", Args::kNone, true},
    {"/account/balance", Args::kNone, true},
    {"/spotMarket/advancedOrders", Args::kNone, true},
}};

// KuCoin's candle intervals (the REST /api/v1/market/candles types).
constexpr std::array<std::string_view, 14> kIntervals = {
    "1min",  "3min",  "5min",  "15min",  "30min", "1hour", "2hour",
    "4hour", "6hour", "8hour", "12hour", "1day",  "1week", "1month"};

const TopicSpec* FindSpec(std::string_view prefix) {
  for (const TopicSpec& spec : kTopics) {
    if (spec.prefix == prefix) return &spec;
  }
  return nullptr;
}

// Printable ASCII without spaces: anything else is a malformed topic.
bool WellFormed(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

TopicRegistry::TopicRegistry(const engine::MarketConfig& markets) {
  for (const engine::SymbolSpec& symbol : markets.symbols) {
    symbols_.insert(symbol.symbol);
    if (!symbol.market.empty()) markets_.insert(symbol.market);
  }
}

bool TopicRegistry::IsPrivate(std::string_view single_topic) {
  const TopicSpec* spec = FindSpec(single_topic.substr(0, single_topic.find(':')));
  return spec && spec->is_private;
}

boost::system::result<TopicRequest, WsError> TopicRegistry::Parse(std::string_view topic,
                                                                  size_t max_topics) const {
  if (topic.empty()) return WsError::kTopicRequired;
  if (topic.front() != '/' || !WellFormed(topic)) return WsError::kTopicInvalid;
  const size_t colon = topic.find(':');
  const std::string_view prefix = topic.substr(0, colon);
  const TopicSpec* spec = FindSpec(prefix);
  if (!spec) return WsError::kTopicNotFound;

  TopicRequest request;
  request.is_private = spec->is_private;
  if (spec->args == Args::kNone) {
    // "/account/balance" alone; a trailing ":" or argument is malformed.
    if (colon != std::string_view::npos) return WsError::kTopicInvalid;
    request.topics.emplace_back(prefix);
    return request;
  }
  if (colon == std::string_view::npos || colon + 1 == topic.size()) return WsError::kTopicInvalid;

  std::vector<std::string_view> args;
  std::string_view rest = topic.substr(colon + 1);
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view arg = rest.substr(0, comma);
    if (arg.empty() || arg.find(':') != std::string_view::npos) return WsError::kTopicInvalid;
    if (std::find(args.begin(), args.end(), arg) == args.end()) args.push_back(arg);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (spec->args == Args::kSymbolsOrAll && args.size() > 1 &&
      std::find(args.begin(), args.end(), "all") != args.end()) {
    return WsError::kTopicInvalid;  // "all" stands alone
  }
  if (args.size() > max_topics) return WsError::kTooManyTopicsPerCommand;

  for (std::string_view arg : args) {
    bool known = false;
    switch (spec->args) {
      case Args::kSymbols:
        known = symbols_.contains(std::string(arg));
        break;
      case Args::kSymbolsOrAll:
        known = arg == "all" || symbols_.contains(std::string(arg));
        break;
      case Args::kSymbolOrMarket:
        known = symbols_.contains(std::string(arg)) || markets_.contains(std::string(arg));
        break;
      case Args::kCandles: {
        const size_t underscore = arg.rfind('_');
        if (underscore == std::string_view::npos) return WsError::kTopicInvalid;
        const std::string_view interval = arg.substr(underscore + 1);
        known = symbols_.contains(std::string(arg.substr(0, underscore))) &&
                std::find(kIntervals.begin(), kIntervals.end(), interval) != kIntervals.end();
        break;
      }
      case Args::kNone:
        break;
    }
    if (!known) return WsError::kTopicNotFound;
    std::string single(prefix);
    single += ':';
    single += arg;
    request.topics.push_back(std::move(single));
  }
  return request;
}

}  // namespace kc::push
