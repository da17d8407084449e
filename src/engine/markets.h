// Markets and assets: the currencies and symbols the exchange trades, with
// KuCoin's attributes. Every amount of a currency is an int64 scaled by that
// currency's precision: sizes by the base currency's, prices and funds by the
// quote currency's. Built once at start (config or defaults), then read-only:
// any thread may read a const MarketConfig.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.h"

namespace kc::engine {

// Fee rates are scaled by 10^kRateScale ("0.001" is 100000).
inline constexpr int kRateScale = 8;

// One network a currency moves on (KuCoin's "chains" of /api/v3/currencies).
// kcgate moves no coins: deposits and withdrawals are simulated on these
// chains, with their limits and fees. Amounts at the currency's scale.
struct ChainSpec {
  std::string chain_id;          // "eth": KuCoin's chainId, lower case
  std::string chain_name;        // "ERC20"
  std::string contract_address;  // "" for the native coin
  int confirms = 6;
  int pre_confirms = 6;
  int withdraw_precision = 8;  // at most the currency's precision
  bool deposit_enabled = true;
  bool withdraw_enabled = true;
  bool need_tag = false;
  Units withdrawal_min_size = 0;
  Units withdrawal_min_fee = 0;
  std::int64_t withdraw_fee_rate = 0;  // kRateScale; the fee is max(min fee, amount x rate)
  std::optional<Units> deposit_min_size;
  std::optional<Units> max_withdraw;
  std::optional<Units> max_deposit;
};

// A chain as config writes it: amounts as decimal strings ("" = none / 0),
// parsed at the currency's precision by BuildChain.
struct ChainText {
  std::string chain_id, chain_name, contract_address;
  std::int64_t confirms = 6, pre_confirms = 6;
  std::optional<std::int64_t> withdraw_precision;  // default: the currency's precision
  bool deposit_enabled = true, withdraw_enabled = true, need_tag = false;
  std::string withdrawal_min_size, withdrawal_min_fee, withdraw_fee_rate;
  std::string deposit_min_size, max_withdraw, max_deposit;
};

struct CurrencySpec {
  std::string currency;           // "BTC"
  std::string name;               // "BTC"
  std::string full_name;          // "Bitcoin"
  int precision = 8;              // the scale of every amount of this currency
  std::vector<ChainSpec> chains;  // none: a currency that never leaves (KuCoin's fiat)

  // By chainId or chainName, case-insensitively ("eth", "ERC20").
  const ChainSpec* FindChain(std::string_view chain) const;
};

struct SymbolSpec {
  std::string symbol;  // "BTC-USDT"
  std::string name;    // usually the symbol
  CurrencyId base = 0;
  CurrencyId quote = 0;
  std::string market = "USDS";  // KuCoin's market grouping
  // At the base currency's scale:
  Units base_increment = 0;
  Units base_min_size = 0;
  Units base_max_size = 0;
  // At the quote currency's scale:
  Units price_increment = 0;
  Units quote_increment = 0;
  Units quote_min_size = 0;
  Units quote_max_size = 0;
  Units min_funds = 0;
  // At kRateScale:
  std::int64_t maker_fee_rate = 0;
  std::int64_t taker_fee_rate = 0;
  std::int64_t price_limit_rate = 0;  // informational (KuCoin's priceLimitRate)
  bool enable_trading = true;
};

// Text form of a symbol as it appears in config ("0.00000001"), parsed against
// the currencies' precisions by BuildMarketConfig.
struct SymbolText {
  std::string symbol, base, quote, market;
  std::string base_increment, price_increment, quote_increment;
  std::string base_min_size, quote_min_size, base_max_size, quote_max_size, min_funds;
  std::string maker_fee_rate, taker_fee_rate, price_limit_rate;
  bool enable_trading = true;
};

class MarketConfig {
 public:
  std::vector<CurrencySpec> currencies;
  std::vector<SymbolSpec> symbols;

  std::optional<SymbolId> FindSymbol(std::string_view symbol) const;
  std::optional<CurrencyId> FindCurrency(std::string_view currency) const;
  const SymbolSpec& symbol(SymbolId id) const { return symbols.at(id); }
  const CurrencySpec& currency(CurrencyId id) const { return currencies.at(id); }
  int base_scale(SymbolId id) const { return currency(symbol(id).base).precision; }
  int quote_scale(SymbolId id) const { return currency(symbol(id).quote).precision; }
};

// Parses a config. On failure returns nullopt and sets *error to a sentence.
std::optional<MarketConfig> BuildMarketConfig(const std::vector<CurrencySpec>& currencies,
                                              const std::vector<SymbolText>& symbols,
                                              std::string* error);

// Parses a chain of a currency of `precision`. On failure returns nullopt and
// sets *error to a sentence.
std::optional<ChainSpec> BuildChain(const ChainText& text, int precision, std::string* error);
// KuCoin-like chains of the default currencies (BTC, USDT, ETH, SOL, KCS); for
// any other currency one native chain named after it (chainId in lower case).
std::vector<ChainText> DefaultChains(std::string_view currency);
// DefaultChains built at `precision` (which must admit them).
std::vector<ChainSpec> DefaultChainSpecs(std::string_view currency, int precision);

// BTC-USDT, ETH-USDT, ETH-BTC, SOL-USDT, KCS-USDT and their currencies, with
// attributes as KuCoin lists them (/api/v2/symbols, /api/v3/currencies).
const MarketConfig& DefaultMarkets();
std::vector<CurrencySpec> DefaultCurrencies();
std::vector<SymbolText> DefaultSymbols();

}  // namespace kc::engine
