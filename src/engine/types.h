// The engine's vocabulary: ids, enums and fixed-size strings shared by commands,
// events, orders and queries. Plain values, no state: any thread.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace kc::engine {

using Uid = std::uint64_t;         // the exchange user; the api layer maps KuCoin's uid
using SymbolId = std::uint32_t;    // index into MarketConfig::symbols
using CurrencyId = std::uint32_t;  // index into MarketConfig::currencies
using Timestamp = std::int64_t;    // nanoseconds since the Unix epoch, from the command
using Units = std::int64_t;        // a decimal scaled by the scale of its currency

inline constexpr Timestamp kNanosPerMilli = 1'000'000;
inline constexpr Timestamp kNanosPerSecond = 1'000'000'000;

// An inline string of at most N bytes: orders carry their clientOid and remark
// without a heap allocation, so commands and events stay trivially copyable.
template <std::size_t N>
class FixedString {
 public:
  static constexpr std::size_t kCapacity = N;
  FixedString() = default;
  // false (and unchanged) when `text` is longer than N.
  bool Assign(std::string_view text) {
    if (text.size() > N) return false;
    std::memcpy(data_.data(), text.data(), text.size());
    size_ = static_cast<std::uint8_t>(text.size());
    return true;
  }
  static std::optional<FixedString> From(std::string_view text) {
    FixedString s;
    if (!s.Assign(text)) return std::nullopt;
    return s;
  }
  std::string_view view() const { return {data_.data(), size_}; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  friend bool operator==(const FixedString& a, const FixedString& b) {
    return a.view() == b.view();
  }

 private:
  std::array<char, N> data_{};
  std::uint8_t size_ = 0;
  static_assert(N < 256);
};

using ClientOid = FixedString<40>;  // KuCoin: clientOid at most 40 characters
using Remark = FixedString<20>;     // KuCoin: remark at most 20 ASCII characters

// KuCoin's 24-hex-character ids (Mongo ObjectId shaped): 4 bytes of seconds
// then 8 bytes of a counter. Deterministic: both parts come from the command
// stream (its timestamp and the engine's sequence), so a replay re-creates them.
struct OrderId {
  std::uint32_t seconds = 0;
  std::uint64_t seq = 0;  // unique per engine; 0 means "no id"

  bool valid() const { return seq != 0; }
  std::string ToString() const;  // "6705f5c311545b000157d3eb"
  void AppendTo(std::string& out) const;
  static std::optional<OrderId> Parse(std::string_view hex);  // exactly 24 hex digits
  friend bool operator==(const OrderId&, const OrderId&) = default;
};

enum class Side : std::uint8_t { kBuy, kSell };
enum class OrderType : std::uint8_t { kLimit, kMarket };
enum class TimeInForce : std::uint8_t { kGtc, kGtt, kIoc, kFok };
// Self-trade prevention, applied by the taker's setting (KuCoin's rule).
enum class Stp : std::uint8_t { kNone, kCn, kCo, kCb, kDc };
enum class AccountType : std::uint8_t { kMain, kTrade };
enum class Liquidity : std::uint8_t { kTaker, kMaker };

inline Side Opposite(Side s) { return s == Side::kBuy ? Side::kSell : Side::kBuy; }

// Every way the engine refuses a command. Closed on purpose: the api layer maps
// each to KuCoin's code and message, the engine knows no KuCoin codes.
// A stop order's trigger direction (KuCoin's stop: "loss" / "entry").
enum class StopKind : std::uint8_t { kLoss, kEntry };

enum class RejectReason : std::uint8_t {
  kNone = 0,  // accepted
  kUnknownSymbol,
  kTradingDisabled,
  kUnknownCurrency,
  kInvalidPrice,        // missing, zero or negative price on a limit order
  kPriceIncrement,      // price not a multiple of priceIncrement
  kInvalidSize,         // size missing, zero or negative (or both size and funds)
  kSizeIncrement,       // size not a multiple of baseIncrement
  kFundsIncrement,      // funds not a multiple of quoteIncrement
  kBelowMinSize,        // size < baseMinSize
  kAboveMaxSize,        // size > baseMaxSize
  kBelowMinFunds,       // funds (or price x size) < max(minFunds, quoteMinSize)
  kAboveMaxFunds,       // funds (or price x size) > quoteMaxSize
  kInvalidTimeInForce,  // a combination KuCoin refuses (e.g. postOnly with IOC/FOK)
  kInvalidCancelAfter,  // GTT without a positive cancelAfter
  kInvalidVisibleSize,  // iceberg visibleSize missing, not an increment, or > size
  kPostOnlyWouldCross,  // an amend of a post-only order to a price that would take
  kBalanceInsufficient,
  kOrderNotFound,       // unknown, not this user's, or already done
  kDuplicateClientOid,  // clientOid already used by a known order of this user
  kInvalidClientOid,    // longer than 40 characters (KuCoin's limit)
  kInvalidAmount,       // deposit / transfer amount not positive or not at the scale
  kSameAccount,         // inner transfer from an account to itself
  kNothingToAmend,      // amend without a new price or size
  kTooManyOrders,       // the user's active order limit
  kInvalidTimeout,      // dead-cancel-all timeout not -1 nor 5..86400 seconds
  kUnknownChain,        // a withdrawal on a chain its currency does not have
  kWithdrawalNotFound,  // unknown, not this user's, or no longer processing
};
std::string_view ToString(RejectReason reason);
std::string_view ToString(Side side);            // "buy" / "sell"
std::string_view ToString(OrderType type);       // "limit" / "market"
std::string_view ToString(TimeInForce tif);      // "GTC" / "GTT" / "IOC" / "FOK"
std::string_view ToString(Stp stp);              // "" / "CN" / "CO" / "CB" / "DC"
std::string_view ToString(AccountType type);     // "main" / "trade"
std::string_view ToString(Liquidity liquidity);  // "taker" / "maker"
std::string_view ToString(StopKind stop);        // "loss" / "entry"

}  // namespace kc::engine
