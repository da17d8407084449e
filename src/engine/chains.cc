// Currency chains: parsing a configured chain and the built-in defaults,
// modelled on KuCoin's /api/v3/currencies answers for these currencies
// (chain ids, contracts, confirmations, minimums and fees as KuCoin lists
// them; fees there move with the network, these are fixed).
#include <algorithm>
#include <cctype>

#include "core/decimal.h"
#include "engine/markets.h"

namespace kc::engine {
namespace {

bool SameText(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

ChainText Chain(std::string id, std::string name, std::string contract, std::int64_t confirms,
                std::int64_t pre_confirms, std::int64_t precision, std::string min_size,
                std::string min_fee, std::string deposit_min) {
  ChainText t;
  t.chain_id = std::move(id);
  t.chain_name = std::move(name);
  t.contract_address = std::move(contract);
  t.confirms = confirms;
  t.pre_confirms = pre_confirms;
  if (precision >= 0) t.withdraw_precision = precision;  // else the currency's
  t.withdrawal_min_size = std::move(min_size);
  t.withdrawal_min_fee = std::move(min_fee);
  t.deposit_min_size = std::move(deposit_min);
  return t;
}

}  // namespace

const ChainSpec* CurrencySpec::FindChain(std::string_view chain) const {
  for (const ChainSpec& c : chains) {
    if (SameText(c.chain_id, chain) || SameText(c.chain_name, chain)) return &c;
  }
  return nullptr;
}

std::optional<ChainSpec> BuildChain(const ChainText& t, int precision, std::string* error) {
  ChainSpec c;
  c.chain_id = Lower(t.chain_id);
  c.chain_name = t.chain_name.empty() ? Upper(t.chain_id) : t.chain_name;
  c.contract_address = t.contract_address;
  const std::string where = "chain '" + t.chain_id + "': ";
  if (c.chain_id.empty() || c.chain_id.size() > 32) {
    *error = "a chain needs a chain_id of 1 to 32 characters";
    return std::nullopt;
  }
  if (t.confirms < 0 || t.confirms > 100'000 || t.pre_confirms < 0 || t.pre_confirms > t.confirms) {
    *error = where + "confirms must be 0..100000 and pre_confirms at most confirms";
    return std::nullopt;
  }
  c.confirms = static_cast<int>(t.confirms);
  c.pre_confirms = static_cast<int>(t.pre_confirms);
  const std::int64_t wp = t.withdraw_precision.value_or(precision);
  if (wp < 0 || wp > precision) {
    *error = where + "withdraw_precision must be 0..the currency's precision";
    return std::nullopt;
  }
  c.withdraw_precision = static_cast<int>(wp);
  c.deposit_enabled = t.deposit_enabled;
  c.withdraw_enabled = t.withdraw_enabled;
  c.need_tag = t.need_tag;
  struct Field {
    const std::string* text;
    Units* out;
    int scale;
    const char* name;
  };
  const Field required[] = {
      {&t.withdrawal_min_size, &c.withdrawal_min_size, precision, "withdrawal_min_size"},
      {&t.withdrawal_min_fee, &c.withdrawal_min_fee, precision, "withdrawal_min_fee"},
      {&t.withdraw_fee_rate, &c.withdraw_fee_rate, kRateScale, "withdraw_fee_rate"},
  };
  for (const Field& f : required) {
    const auto v = ParseDecimal(f.text->empty() ? "0" : *f.text, f.scale);
    if (!v) {
      *error = where + "bad " + f.name + " '" + *f.text + "'";
      return std::nullopt;
    }
    *f.out = *v;
  }
  if (c.withdraw_fee_rate >= Pow10(kRateScale)) {
    *error = where + "withdraw_fee_rate must be below 1";
    return std::nullopt;
  }
  struct Optional {
    const std::string* text;
    std::optional<Units>* out;
    const char* name;
  };
  const Optional optional[] = {
      {&t.deposit_min_size, &c.deposit_min_size, "deposit_min_size"},
      {&t.max_withdraw, &c.max_withdraw, "max_withdraw"},
      {&t.max_deposit, &c.max_deposit, "max_deposit"},
  };
  for (const Optional& f : optional) {
    if (f.text->empty()) continue;
    const auto v = ParseDecimal(*f.text, precision);
    if (!v || *v <= 0) {
      *error = where + "bad " + f.name + " '" + *f.text + "'";
      return std::nullopt;
    }
    *f.out = *v;
  }
  if (c.max_withdraw && *c.max_withdraw < c.withdrawal_min_size) {
    *error = where + "max_withdraw is below withdrawal_min_size";
    return std::nullopt;
  }
  return c;
}

std::vector<ChainText> DefaultChains(std::string_view currency) {
  if (currency == "BTC") {
    return {Chain("btc", "BTC", "", 3, 1, 8, "0.001", "0.0005", "0.0002"),
            Chain("kcc", "KCC", "0xfa93c12cd345c658bc4644d1d4e1b9615952258c", 20, 20, 8, "0.0008",
                  "0.00002", "")};
  }
  if (currency == "USDT") {
    return {Chain("eth", "ERC20", "0xdac17f958d2ee523a2206206994597c13d831ec7", 64, 64, 6, "10",
                  "5", "1"),
            Chain("trx", "TRC20", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 3, 1, 6, "10", "1", "1"),
            Chain("kcc", "KCC", "0x0039f574ee5cc39bdd162e9a88e3eb1f111baf48", 20, 20, 6, "10",
                  "0.8", "")};
  }
  if (currency == "ETH") {
    return {Chain("eth", "ERC20", "", 64, 64, 8, "0.01", "0.002", "0.0001"),
            Chain("arbitrum", "ARBITRUM", "", 12, 12, 8, "0.005", "0.0002", "0.0001")};
  }
  if (currency == "SOL") return {Chain("sol", "SOL", "", 200, 200, 8, "0.05", "0.008", "0.01")};
  if (currency == "KCS") {
    return {Chain("kcc", "KCC", "", 20, 20, 8, "0.5", "0.01", ""),
            Chain("eth", "ERC20", "0xf34960d9d60be18cc1d5afc1a6f012a723a28811", 64, 64, 8, "5",
                  "1.5", "1")};
  }
  // Another currency: one native chain, no minimum, no fee.
  return {Chain(Lower(currency), std::string(currency), "", 6, 6, -1, "0", "0", "")};
}

}  // namespace kc::engine
