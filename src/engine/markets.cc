#include "engine/markets.h"

#include <cstdlib>
#include <utility>

#include "core/decimal.h"

namespace kc::engine {

std::optional<SymbolId> MarketConfig::FindSymbol(std::string_view symbol_name) const {
  for (std::size_t i = 0; i < symbols.size(); ++i) {
    if (symbols[i].symbol == symbol_name) return static_cast<SymbolId>(i);
  }
  return std::nullopt;
}

std::optional<CurrencyId> MarketConfig::FindCurrency(std::string_view currency_name) const {
  for (std::size_t i = 0; i < currencies.size(); ++i) {
    if (currencies[i].currency == currency_name) return static_cast<CurrencyId>(i);
  }
  return std::nullopt;
}

std::optional<MarketConfig> BuildMarketConfig(const std::vector<CurrencySpec>& currencies,
                                              const std::vector<SymbolText>& symbols,
                                              std::string* error) {
  MarketConfig config;
  for (const CurrencySpec& c : currencies) {
    if (c.currency.empty() || c.precision < 0 || c.precision > 12) {
      *error = "currency '" + c.currency + "': empty name or precision outside 0..12";
      return std::nullopt;
    }
    if (config.FindCurrency(c.currency)) {
      *error = "currency '" + c.currency + "' listed twice";
      return std::nullopt;
    }
    for (std::size_t i = 0; i < c.chains.size(); ++i) {
      for (std::size_t k = 0; k < i; ++k) {
        if (c.chains[k].chain_id == c.chains[i].chain_id) {
          *error =
              "currency '" + c.currency + "': chain '" + c.chains[i].chain_id + "' listed twice";
          return std::nullopt;
        }
      }
      if (c.chains[i].withdraw_precision > c.precision) {
        *error = "currency '" + c.currency + "': chain '" + c.chains[i].chain_id +
                 "' withdraw precision above the currency's";
        return std::nullopt;
      }
    }
    config.currencies.push_back(c);
  }
  for (const SymbolText& t : symbols) {
    SymbolSpec s;
    s.symbol = t.symbol;
    s.name = t.symbol;
    s.market = t.market.empty() ? "USDS" : t.market;
    s.enable_trading = t.enable_trading;
    const auto base = config.FindCurrency(t.base);
    const auto quote = config.FindCurrency(t.quote);
    if (!base || !quote || *base == *quote) {
      *error = "symbol '" + t.symbol + "': unknown or identical base/quote currency";
      return std::nullopt;
    }
    if (config.FindSymbol(t.symbol)) {
      *error = "symbol '" + t.symbol + "' listed twice";
      return std::nullopt;
    }
    s.base = *base;
    s.quote = *quote;
    const int bs = config.currencies[*base].precision;
    const int qs = config.currencies[*quote].precision;
    struct Field {
      const std::string* text;
      Units* out;
      int scale;
      const char* name;
      bool positive;
    };
    const Field fields[] = {
        {&t.base_increment, &s.base_increment, bs, "baseIncrement", true},
        {&t.base_min_size, &s.base_min_size, bs, "baseMinSize", false},
        {&t.base_max_size, &s.base_max_size, bs, "baseMaxSize", true},
        {&t.price_increment, &s.price_increment, qs, "priceIncrement", true},
        {&t.quote_increment, &s.quote_increment, qs, "quoteIncrement", true},
        {&t.quote_min_size, &s.quote_min_size, qs, "quoteMinSize", false},
        {&t.quote_max_size, &s.quote_max_size, qs, "quoteMaxSize", true},
        {&t.min_funds, &s.min_funds, qs, "minFunds", false},
        {&t.maker_fee_rate, &s.maker_fee_rate, kRateScale, "makerFeeRate", false},
        {&t.taker_fee_rate, &s.taker_fee_rate, kRateScale, "takerFeeRate", false},
        {&t.price_limit_rate, &s.price_limit_rate, kRateScale, "priceLimitRate", false},
    };
    for (const Field& f : fields) {
      const auto v = ParseDecimal(f.text->empty() ? "0" : *f.text, f.scale);
      if (!v || (f.positive && *v <= 0)) {
        *error = "symbol '" + t.symbol + "': bad " + f.name + " '" + *f.text + "'";
        return std::nullopt;
      }
      *f.out = *v;
    }
    if (s.maker_fee_rate >= Pow10(kRateScale) || s.taker_fee_rate >= Pow10(kRateScale)) {
      *error = "symbol '" + t.symbol + "': fee rate must be below 1";
      return std::nullopt;
    }
    config.symbols.push_back(std::move(s));
  }
  return config;
}

std::vector<CurrencySpec> DefaultCurrencies() {
  std::vector<CurrencySpec> out;
  for (const auto& [code, full_name] : {std::pair<const char*, const char*>{"BTC", "Bitcoin"},
                                        {"USDT", "Tether"},
                                        {"ETH", "Ethereum"},
                                        {"SOL", "Solana"},
                                        {"KCS", "KCS"}}) {
    CurrencySpec c;
    c.currency = c.name = code;
    c.full_name = full_name;
    c.precision = 8;
    c.chains = DefaultChainSpecs(code, c.precision);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<ChainSpec> DefaultChainSpecs(std::string_view currency, int precision) {
  std::vector<ChainSpec> out;
  for (const ChainText& t : DefaultChains(currency)) {
    std::string error;
    auto chain = BuildChain(t, precision, &error);
    if (!chain) std::abort();  // the defaults are code, not input
    out.push_back(std::move(*chain));
  }
  return out;
}

std::vector<SymbolText> DefaultSymbols() {
  // BTC-USDT is KuCoin's own /api/v2/symbols example; the others follow
  // KuCoin's published attributes for those pairs.
  return {
      {"BTC-USDT", "BTC", "USDT", "USDS", "0.00000001", "0.1", "0.000001", "0.00001", "0.1",
       "10000000000", "99999999", "0.1", "0.001", "0.001", "0.1", true},
      {"ETH-USDT", "ETH", "USDT", "USDS", "0.0000001", "0.01", "0.000001", "0.0001", "0.1",
       "10000000000", "99999999", "0.1", "0.001", "0.001", "0.1", true},
      {"ETH-BTC", "ETH", "BTC", "BTC", "0.0000001", "0.00001", "0.00000001", "0.0001", "0.00001",
       "10000000000", "99999999", "0.00001", "0.001", "0.001", "0.1", true},
      {"SOL-USDT", "SOL", "USDT", "USDS", "0.0001", "0.01", "0.000001", "0.01", "0.1",
       "10000000000", "99999999", "0.1", "0.001", "0.001", "0.1", true},
      {"KCS-USDT", "KCS", "USDT", "USDS", "0.0001", "0.001", "0.000001", "0.01", "0.1",
       "10000000000", "99999999", "0.1", "0.001", "0.001", "0.1", true},
  };
}

const MarketConfig& DefaultMarkets() {
  static const MarketConfig config = [] {
    std::string error;
    auto built = BuildMarketConfig(DefaultCurrencies(), DefaultSymbols(), &error);
    if (!built) std::abort();  // the defaults are code, not input
    return *built;
  }();
  return config;
}

}  // namespace kc::engine
