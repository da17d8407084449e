// KuCoin's push messages, built from engine events and engine state: one
// function per message kind, each returning the complete frame text
// {"type":"message","topic":..,"subject":..,"data":{..}} (private ones with
// "userId" and "channelType":"private"), exactly as KuCoin sends it. Amounts
// are engine units printed with the symbol's or currency's scale from the
// MarketConfig; event times are engine nanoseconds. Pure functions of their
// arguments: any thread (the MarketFeed calls them on the engine thread).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/events.h"
#include "engine/market_data.h"
#include "engine/markets.h"
#include "engine/order_book.h"

namespace kc::push {

// Topic names (single symbol, as each message carries it).
inline constexpr std::string_view kTickerPrefix = "/market/ticker:";
inline constexpr std::string_view kTickerAllTopic = "/market/ticker:all";
inline constexpr std::string_view kSnapshotPrefix = "/market/snapshot:";
inline constexpr std::string_view kLevel2Prefix = "/market/level2:";
inline constexpr std::string_view kLevel1Prefix = "/spotMarket/level1:";
inline constexpr std::string_view kDepth5Prefix = "/spotMarket/level2Depth5:";
inline constexpr std::string_view kDepth50Prefix = "/spotMarket/level2Depth50:";
inline constexpr std::string_view kMatchPrefix = "/market/match:";
inline constexpr std::string_view kCandlesPrefix = "/market/candles:";  // + symbol_type
inline constexpr std::string_view kOrdersV2Topic = "/spotMarket/tradeOrdersV2";
inline constexpr std::string_view kOrdersV1Topic = "/spotMarket/tradeOrders";
inline constexpr std::string_view kBalanceTopic = "/account/balance";
inline constexpr std::string_view kAdvancedOrdersTopic = "/spotMarket/advancedOrders";

// /market/level2:{symbol}, subject trade.l2update: consecutive level changes
// of one symbol (non-empty, in sequence order), each [price, size, sequence],
// with sequenceStart/sequenceEnd the first and last change's book sequence.
std::string Level2Message(const engine::MarketConfig& markets, std::string_view topic,
                          std::span<const engine::BookEvent> levels);

// /market/match:{symbol}, subject trade.l3match.
std::string MatchMessage(const engine::MarketConfig& markets, std::string_view topic,
                         const engine::TradeEvent& e);

// /market/candles:{symbol}_{type}; subject trade.candles.add for the first
// trade of a new candle, trade.candles.update after. `now` is the event time.
std::string CandleMessage(const engine::MarketConfig& markets, std::string_view topic,
                          engine::SymbolId symbol, const engine::Candle& candle, bool added,
                          engine::Timestamp now);

// Best bid/ask and last trade of one symbol: what tickers and snapshots show.
struct TopOfBook {
  std::uint64_t sequence = 0;  // the book's sequence
  std::optional<engine::BookLevel> best_bid;
  std::optional<engine::BookLevel> best_ask;
  std::optional<engine::PublicTrade> last_trade;
  friend bool operator==(const TopOfBook& a, const TopOfBook& b);
};

// /market/ticker:{symbol} (subject trade.ticker) or /market/ticker:all
// (subject = the symbol). `now` is the push time. Absent values are null.
std::string TickerMessage(const engine::MarketConfig& markets, std::string_view topic,
                          std::string_view subject, engine::SymbolId symbol, const TopOfBook& top,
                          engine::Timestamp now);

// /spotMarket/level2Depth5|50:{symbol}, subject level2: the best levels.
std::string DepthMessage(const engine::MarketConfig& markets, std::string_view topic,
                         engine::SymbolId symbol, const std::vector<engine::BookLevel>& bids,
                         const std::vector<engine::BookLevel>& asks, engine::Timestamp now);

// /spotMarket/level1:{symbol}, subject level1: the best ask and bid, each
// [price, size] ([] for an empty side), and the push time in ms.
std::string Level1Message(const engine::MarketConfig& markets, std::string_view topic,
                          engine::SymbolId symbol, const std::vector<engine::BookLevel>& bids,
                          const std::vector<engine::BookLevel>& asks, engine::Timestamp now);

// Statistics of one rolling window (marketChange1h/4h/24h), built as
// engine::MarketData::Stats builds the 24h ones: from the minute candles that
// started within the window, open = the oldest one's open.
struct WindowStats {
  bool has_trades = false;
  engine::Units open = 0, high = 0, low = 0, last = 0;
  engine::Units vol = 0, vol_value = 0;
  engine::Units change_price = 0;
  std::int64_t change_rate = 0;  // at engine::kChangeRateScale
};
WindowStats Window(const engine::MarketData& data, engine::Timestamp now, std::int64_t seconds);

struct SnapshotData {
  TopOfBook top;
  engine::Stats24h day;
  WindowStats hour;
  WindowStats four_hours;
};

// /market/snapshot:{symbol} or /market/snapshot:{market}, subject
// trade.snapshot. KuCoin sends this one's numbers as JSON numbers.
std::string SnapshotMessage(const engine::MarketConfig& markets, std::string_view topic,
                            engine::SymbolId symbol, const SnapshotData& snapshot,
                            engine::Timestamp now);

// The data object of an orderChange message (shared by tradeOrdersV2 and
// tradeOrders), and the frame around it for `topic`.
std::string OrderChangeData(const engine::MarketConfig& markets, const engine::OrderEvent& e);
std::string OrderChangeMessage(std::string_view topic, engine::Uid uid, std::string_view data);

// /account/balance, subject account.balance.
std::string BalanceMessage(const engine::MarketConfig& markets, const engine::BalanceEvent& e);

// /spotMarket/advancedOrders, subject stopOrder: a stop order placed (open),
// triggered or canceled, in the official SDK's StopOrderEvent shape.
std::string StopOrderMessage(const engine::MarketConfig& markets, const engine::StopEvent& e);

// KuCoin's relationEvent for a balance change of `account` ("trade.hold", ...).
std::string RelationEvent(engine::BalanceCause cause, engine::AccountType account);

}  // namespace kc::push
