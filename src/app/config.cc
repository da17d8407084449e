#include "app/config.h"

#include <toml++/toml.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <exception>
#include <stdexcept>
#include <unordered_set>

namespace kc::app {
namespace {

// Strict configuration: a key is known because a reader below read it. Every
// reader (Read, ReadStrings, ForEachTable, ...) marks the node it looked at;
// once LoadConfig has read everything, any key or section left unmarked is a
// mistake (a typo, a setting of another version) and start-up is refused,
// naming it and its line. New settings need nothing more than their Read.
struct Visits {
  std::unordered_set<const toml::node*> nodes;
};
thread_local Visits* visits = nullptr;

void MarkVisited(const toml::node* node) {
  if (visits && node) visits->nodes.insert(node);
}

bool AnyVisited(const toml::node& node) {
  if (visits->nodes.contains(&node)) return true;
  if (const toml::table* table = node.as_table()) {
    for (const auto& [key, value] : *table) {
      if (AnyVisited(value)) return true;
    }
  } else if (const toml::array* array = node.as_array()) {
    for (const toml::node& item : *array) {
      if (AnyVisited(item)) return true;
    }
  }
  return false;
}

// Throws naming the first key (or section) no reader looked at. An empty
// section changes nothing and passes.
void RefuseUnread(const toml::node& node, const std::string& where, const std::string& file) {
  auto refuse = [&](const char* what) {
    throw std::runtime_error(file + ":" + std::to_string(node.source().begin.line) + ": unknown " +
                             what + " '" + where + "'");
  };
  if (const toml::table* table = node.as_table()) {
    if (!where.empty() && !table->empty() && !AnyVisited(node)) refuse("section");
    for (const auto& [key, value] : *table) {
      const std::string name(key.str());
      RefuseUnread(value, where.empty() ? name : where + "." + name, file);
    }
    return;
  }
  if (const toml::array* array = node.as_array(); array && array->is_array_of_tables()) {
    if (!AnyVisited(node)) refuse("section");
    for (size_t i = 0; i < array->size(); ++i) {
      RefuseUnread(*array->get(i), where + "[" + std::to_string(i) + "]", file);
    }
    return;
  }
  if (!visits->nodes.contains(&node)) refuse("key");  // else read whole (a value, a list)
}

template <typename T>
void Read(const toml::table& table, std::string_view path, T& out) {
  auto node = table.at_path(path);
  if (!node) return;
  MarkVisited(node.node());
  if constexpr (std::is_same_v<T, std::string>) {
    auto value = node.value<std::string>();
    if (!value) throw std::runtime_error(std::string(path) + " must be a string");
    out = *value;
  } else if constexpr (std::is_same_v<T, bool>) {
    auto value = node.value<bool>();
    if (!value) throw std::runtime_error(std::string(path) + " must be true or false");
    out = *value;
  } else {
    auto value = node.value<int64_t>();
    if (!value || *value < 0) {
      throw std::runtime_error(std::string(path) + " must be a non-negative integer");
    }
    out = static_cast<T>(*value);
  }
}

// [[markets.currencies.chains]] of one currency; none given: the built-in
// chains of that currency (engine::DefaultChains); `chains = []`: none.
std::vector<engine::ChainSpec> ReadChains(const toml::table& currency,
                                          const engine::CurrencySpec& spec) {
  std::vector<engine::ChainText> texts;
  const toml::node* node = currency.get("chains");
  MarkVisited(node);
  const bool defaults = node == nullptr;
  if (defaults) {
    texts = engine::DefaultChains(spec.currency);
  } else {
    const toml::array* list = node->as_array();
    if (list == nullptr || (!list->empty() && !list->is_array_of_tables())) {
      throw std::runtime_error("markets.currencies.chains must be an array of tables");
    }
    for (const toml::node& entry : *list) {
      const toml::table& t = *entry.as_table();
      engine::ChainText c;
      for (auto [key, out] : std::initializer_list<std::pair<const char*, std::string*>>{
               {"chain_id", &c.chain_id},
               {"chain_name", &c.chain_name},
               {"contract_address", &c.contract_address},
               {"withdrawal_min_size", &c.withdrawal_min_size},
               {"withdrawal_min_fee", &c.withdrawal_min_fee},
               {"withdraw_fee_rate", &c.withdraw_fee_rate},
               {"deposit_min_size", &c.deposit_min_size},
               {"max_withdraw", &c.max_withdraw},
               {"max_deposit", &c.max_deposit}}) {
        Read(t, key, *out);
      }
      Read(t, "confirms", c.confirms);
      Read(t, "pre_confirms", c.pre_confirms);
      if (t.get("withdraw_precision")) {
        std::int64_t precision = 0;
        Read(t, "withdraw_precision", precision);
        c.withdraw_precision = precision;
      }
      Read(t, "deposit_enabled", c.deposit_enabled);
      Read(t, "withdraw_enabled", c.withdraw_enabled);
      Read(t, "need_tag", c.need_tag);
      texts.push_back(std::move(c));
    }
  }
  std::vector<engine::ChainSpec> chains;
  for (const engine::ChainText& text : texts) {
    std::string error;
    auto chain = engine::BuildChain(text, spec.precision, &error);
    if (!chain) {
      throw std::runtime_error("markets: currency '" + spec.currency + "': " + error +
                               (defaults ? " (built-in chains; list its chains)" : ""));
    }
    chains.push_back(std::move(*chain));
  }
  return chains;
}

// [[markets.currencies]] (currency, name, full_name, precision) and
// [[markets.symbols]] (symbol, base, quote, market, the increments and limits
// as decimal strings, fee rates, enable_trading); either list left out keeps
// the defaults. Checked by engine::BuildMarketConfig.
std::optional<engine::MarketConfig> ReadMarkets(const toml::table& table) {
  const toml::table* markets = table["markets"].as_table();
  if (!markets) return std::nullopt;
  std::vector<engine::CurrencySpec> currencies = engine::DefaultCurrencies();
  std::vector<engine::SymbolText> symbols = engine::DefaultSymbols();
  auto entries = [&](const char* name) -> const toml::array* {
    const toml::node* node = markets->get(name);
    if (!node) return nullptr;
    MarkVisited(node);
    if (!node->is_array_of_tables()) {
      throw std::runtime_error(std::string("markets.") + name + " must be an array of tables");
    }
    return node->as_array();
  };
  if (const toml::array* list = entries("currencies")) {
    currencies.clear();
    for (const toml::node& node : *list) {
      const toml::table& t = *node.as_table();
      engine::CurrencySpec c;
      Read(t, "currency", c.currency);
      c.name = c.full_name = c.currency;
      Read(t, "name", c.name);
      Read(t, "full_name", c.full_name);
      Read(t, "precision", c.precision);
      c.chains = ReadChains(t, c);
      currencies.push_back(std::move(c));
    }
  }
  if (const toml::array* list = entries("symbols")) {
    symbols.clear();
    for (const toml::node& node : *list) {
      const toml::table& t = *node.as_table();
      engine::SymbolText s;
      for (auto [key, out] : std::initializer_list<std::pair<const char*, std::string*>>{
               {"symbol", &s.symbol},
               {"base", &s.base},
               {"quote", &s.quote},
               {"market", &s.market},
               {"base_increment", &s.base_increment},
               {"price_increment", &s.price_increment},
               {"quote_increment", &s.quote_increment},
               {"base_min_size", &s.base_min_size},
               {"quote_min_size", &s.quote_min_size},
               {"base_max_size", &s.base_max_size},
               {"quote_max_size", &s.quote_max_size},
               {"min_funds", &s.min_funds},
               {"maker_fee_rate", &s.maker_fee_rate},
               {"taker_fee_rate", &s.taker_fee_rate},
               {"price_limit_rate", &s.price_limit_rate}}) {
        Read(t, key, *out);
      }
      Read(t, "enable_trading", s.enable_trading);
      symbols.push_back(std::move(s));
    }
  }
  std::string error;
  auto built = engine::BuildMarketConfig(currencies, symbols, &error);
  if (!built) throw std::runtime_error("markets: " + error);
  return built;
}

}  // namespace

std::vector<std::string> ReadStrings(const toml::table& table, std::string_view path) {
  std::vector<std::string> out;
  auto node = table.at_path(path);
  if (!node) return out;
  MarkVisited(node.node());
  const toml::array* array = node.as_array();
  if (!array) throw std::runtime_error(std::string(path) + " must be an array of strings");
  for (const toml::node& item : *array) {
    auto value = item.value<std::string>();
    if (!value) throw std::runtime_error(std::string(path) + " must be an array of strings");
    out.push_back(*value);
  }
  return out;
}

// Calls `read(entry table, "path[i]")` for each table of an array of tables.
template <typename Fn>
void ForEachTable(const toml::table& table, std::string_view path, Fn read) {
  auto node = table.at_path(path);
  if (!node) return;
  const toml::array* array = node.as_array();
  if (!array) throw std::runtime_error(std::string(path) + " must be an array of tables");
  for (size_t i = 0; i < array->size(); ++i) {
    const toml::table* entry = array->get(i)->as_table();
    const std::string where = std::string(path) + "[" + std::to_string(i) + "]";
    if (!entry) throw std::runtime_error(where + " must be a table");
    read(*entry, where);
  }
}

// Partners, region rules, blacklist, KYC and rate limits (the gateway's policy).
void ReadAccessRules(const toml::table& table, Config& config) {
  ForEachTable(table, "partners", [&](const toml::table& entry, const std::string& where) {
    gateway::Partner partner;
    Read(entry, "id", partner.id);
    Read(entry, "secret", partner.secret);
    partner.ips = ReadStrings(entry, "ips");
    if (partner.id.empty() || partner.secret.empty()) {
      throw std::runtime_error(where + " needs an id and a secret");
    }
    config.partners.push_back(std::move(partner));
  });
  gateway::RegionOptions& region = config.policy.region;
  Read(table, "region.country_header", region.country_header);
  region.blocked_countries = ReadStrings(table, "region.blocked_countries");
  region.restricted_countries = ReadStrings(table, "region.restricted_countries");
  ForEachTable(table, "region.networks", [&](const toml::table& entry, const std::string& where) {
    std::string cidr;
    std::string country;
    Read(entry, "cidr", cidr);
    Read(entry, "country", country);
    if (cidr.empty() || country.empty()) {
      throw std::runtime_error(where + " needs a cidr and a country");
    }
    region.networks.emplace_back(std::move(cidr), std::move(country));
  });
  ForEachTable(table, "blacklist", [&](const toml::table& entry, const std::string& where) {
    gateway::BlacklistRule rule;
    Read(entry, "path_prefix", rule.path_prefix);
    Read(entry, "uid", rule.uid);
    if (rule.path_prefix.empty()) throw std::runtime_error(where + " needs a path_prefix");
    config.policy.blacklist.push_back(std::move(rule));
  });
  Read(table, "policy.kyc_for_trading", config.policy.kyc_for_trading);
  gateway::RateLimitOptions& limits = config.rate_limit;
  Read(table, "rate_limit.enabled", limits.enabled);
  Read(table, "rate_limit.window_ms", limits.window_ms);
  Read(table, "rate_limit.spot", limits.spot);
  Read(table, "rate_limit.futures", limits.futures);
  Read(table, "rate_limit.management", limits.management);
  Read(table, "rate_limit.public_per_ip", limits.public_per_ip);
  Read(table, "rate_limit.earn", limits.earn);
  Read(table, "rate_limit.node_per_second", limits.node_per_second);
  Read(table, "rate_limit.per_connection", limits.per_connection);
}

// [[upstream]]: path_prefix and address required; names checked here,
// addresses resolved when the server starts (upstream/upstreams.h).
void ReadUpstreams(const toml::table& table, Config& config) {
  ForEachTable(table, "upstream", [&](const toml::table& entry, const std::string& where) {
    upstream::UpstreamOptions options;
    Read(entry, "path_prefix", options.path_prefix);
    Read(entry, "address", options.address);
    Read(entry, "timeout_ms", options.timeout_ms);
    Read(entry, "pool_size", options.pool_size);
    Read(entry, "weight", options.weight);
    Read(entry, "max_response_bytes", options.max_response_bytes);
    std::string pool = "management";
    Read(entry, "rate_pool", pool);
    std::string permission = "General";
    Read(entry, "permission", permission);
    if (options.path_prefix.size() < 2 || options.path_prefix.front() != '/') {
      throw std::runtime_error(where + ".path_prefix must be a path such as \"/api/v1/wallet\"");
    }
    if (!SplitHostPort(options.address))
      throw std::runtime_error(where + ".address must be HOST:PORT");
    if (options.timeout_ms == 0) throw std::runtime_error(where + ".timeout_ms must be positive");
    if (options.pool_size == 0) throw std::runtime_error(where + ".pool_size must be positive");
    auto parsed_pool = upstream::ParseRatePool(pool);
    if (!parsed_pool) {
      throw std::runtime_error(where +
                               ".rate_pool must be public, spot, management, futures or earn");
    }
    options.rate_pool = *parsed_pool;
    auto parsed_permission = upstream::ParsePermission(permission);
    if (!parsed_permission) {
      throw std::runtime_error(where + ".permission must be one permission name, e.g. General");
    }
    options.permission = *parsed_permission;
    for (const upstream::UpstreamOptions& earlier : config.upstreams) {
      if (earlier.path_prefix == options.path_prefix) {
        throw std::runtime_error(where + ".path_prefix repeats " + options.path_prefix);
      }
    }
    config.upstreams.push_back(std::move(options));
  });
}

Config LoadConfig(const std::string& path) {
  Config config;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(path + ": " + std::string(e.description()));
  }
  Visits read;
  visits = &read;
  struct Reset {
    ~Reset() { visits = nullptr; }
  } reset;
  Read(table, "server.listen", config.listen);
  Read(table, "server.data_dir", config.data_dir);
  Read(table, "server.threads", config.threads);
  Read(table, "server.shutdown_deadline_ms", config.shutdown_deadline_ms);
  config.trusted_proxies = ReadStrings(table, "server.trusted_proxies");
  Read(table, "http.header_limit_bytes", config.header_limit_bytes);
  Read(table, "http.body_limit_bytes", config.body_limit_bytes);
  Read(table, "http.read_timeout_ms", config.read_timeout_ms);
  Read(table, "auth.timestamp_window_ms", config.timestamp_window_ms);
  std::string v3_only = "listed";
  Read(table, "auth.v3_only", v3_only);
  if (v3_only == "none") {
    config.v3_only = gateway::V3Only::kNone;
  } else if (v3_only == "all") {
    config.v3_only = gateway::V3Only::kAll;
  } else if (v3_only != "listed") {
    throw std::runtime_error("auth.v3_only must be \"none\", \"listed\" or \"all\"");
  }
  config.v3_only_paths = ReadStrings(table, "auth.v3_only_paths");
  Read(table, "security.master_key", config.master_key);
  Read(table, "demo.create_key", config.demo_key);
  std::string status(StatusName(config.service_status));
  Read(table, "service.status", status);
  auto parsed_status = ParseStatus(status);
  if (!parsed_status) {
    throw std::runtime_error("service.status must be \"open\", \"close\" or \"cancelonly\"");
  }
  config.service_status = *parsed_status;
  Read(table, "service.message", config.service_message);
  Read(table, "engine.deadline_ms", config.engine_deadline_ms);
  Read(table, "engine.queue_high_water", config.engine_queue_high_water);
  Read(table, "engine.max_in_flight", config.engine_max_in_flight);
  if (config.engine_queue_high_water == 0 || config.engine_max_in_flight == 0) {
    throw std::runtime_error("engine.queue_high_water and engine.max_in_flight must be positive");
  }
  if (table.at_path("demo.funds")) config.demo_funds = ReadStrings(table, "demo.funds");
  std::string access_output = "off";
  Read(table, "access_log.output", access_output);
  if (access_output == "stdout") {
    config.access_log.output = AccessLogConfig::Output::kStdout;
  } else if (access_output == "file") {
    config.access_log.output = AccessLogConfig::Output::kFile;
  } else if (access_output != "off") {
    throw std::runtime_error("access_log.output must be \"off\", \"stdout\" or \"file\"");
  }
  Read(table, "access_log.path", config.access_log.path);
  Read(table, "access_log.max_bytes", config.access_log.max_bytes);
  Read(table, "access_log.max_files", config.access_log.max_files);
  if (config.access_log.max_bytes == 0 || config.access_log.max_files == 0) {
    throw std::runtime_error("access_log.max_bytes and access_log.max_files must be positive");
  }
  Read(table, "metrics.enabled", config.metrics.enabled);
  Read(table, "metrics.require_token", config.metrics.require_token);
  Read(table, "health.deadline_ms", config.health.deadline_ms);
  if (config.health.deadline_ms == 0)
    throw std::runtime_error("health.deadline_ms must be positive");
  Read(table, "journal.wal_autocheckpoint_pages", config.journal.wal_autocheckpoint_pages);
  Read(table, "journal.snapshot_every_commands", config.journal.snapshot_every_commands);
  Read(table, "journal.snapshot_every_ms", config.journal.snapshot_every_ms);
  Read(table, "journal.keep_all_batches", config.journal.keep_all_batches);
  if (table.at_path("market_maker.enabled")) {
    bool enabled = false;
    Read(table, "market_maker.enabled", enabled);
    config.market_maker.enabled = enabled;
  }
  Read(table, "market_maker.uid", config.market_maker.uid);
  Read(table, "market_maker.seed", config.market_maker.seed);
  Read(table, "market_maker.interval_ms", config.market_maker.interval_ms);
  Read(table, "market_maker.levels", config.market_maker.levels);
  Read(table, "market_maker.trade_percent", config.market_maker.trade_percent);
  // A typo'd key in a symbol is named before what it left missing.
  std::exception_ptr markets_error;
  try {
    config.markets = ReadMarkets(table);
  } catch (const std::runtime_error&) {
    markets_error = std::current_exception();
  }
  Read(table, "funding.withdrawal_delay_ms", config.funding.withdrawal_delay_ms);
  Read(table, "funding.complete_withdrawals", config.funding.complete_withdrawals);
  Read(table, "push.endpoint", config.push.endpoint);
  Read(table, "push.token_ttl_ms", config.push.token_ttl_ms);
  Read(table, "push.ping_interval_ms", config.push.ping_interval_ms);
  Read(table, "push.ping_timeout_ms", config.push.ping_timeout_ms);
  Read(table, "push.max_sessions_per_user", config.push.max_sessions_per_user);
  Read(table, "push.max_connections", config.push.max_connections);
  Read(table, "push.max_topics_per_command", config.push.max_topics_per_command);
  Read(table, "push.max_topics_per_session", config.push.max_topics_per_session);
  Read(table, "push.max_messages_per_window", config.push.max_messages_per_window);
  Read(table, "push.message_window_ms", config.push.message_window_ms);
  Read(table, "push.max_errors_per_window", config.push.max_errors_per_window);
  Read(table, "push.send_queue_bytes", config.push.send_queue_bytes);
  Read(table, "push.max_message_bytes", config.push.max_message_bytes);
  Read(table, "wsapi.path", config.wsapi.path);
  Read(table, "wsapi.signin_timeout_ms", config.wsapi.signin_timeout_ms);
  Read(table, "wsapi.ping_interval_ms", config.wsapi.ping_interval_ms);
  Read(table, "wsapi.ping_timeout_ms", config.wsapi.ping_timeout_ms);
  Read(table, "wsapi.max_sessions_per_key", config.wsapi.max_sessions_per_key);
  Read(table, "wsapi.max_bad_frames", config.wsapi.max_bad_frames);
  Read(table, "wsapi.error_window_ms", config.wsapi.error_window_ms);
  Read(table, "wsapi.max_in_flight", config.wsapi.max_in_flight);
  Read(table, "wsapi.max_message_bytes", config.wsapi.max_message_bytes);
  Read(table, "wsapi.send_queue_bytes", config.wsapi.send_queue_bytes);
  if (table.at_path("admin.listen")) {
    std::string admin_listen;
    Read(table, "admin.listen", admin_listen);
    if (!admin_listen.empty() && !SplitHostPort(admin_listen)) {
      throw std::runtime_error("admin.listen must be HOST:PORT or \"\"");
    }
    config.admin.listen = admin_listen;
  }
  Read(table, "admin.token", config.admin.token);
  if (table.at_path("lab.explain")) {
    bool explain = false;
    Read(table, "lab.explain", explain);
    config.lab.explain = explain;
  }
  ReadAccessRules(table, config);
  ReadUpstreams(table, config);
  RefuseUnread(table, "", path);
  if (markets_error) std::rethrow_exception(markets_error);
  return config;
}

bool ExplainSignatures(const Config& config) {
  if (config.lab.explain) return *config.lab.explain;
  auto host_port = SplitHostPort(config.listen);
  if (!host_port) return false;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host_port->first, ec);
  return !ec && address.is_loopback();
}

std::optional<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || begin == end || port > 65535) return std::nullopt;
  return std::make_pair(host, static_cast<uint16_t>(port));
}

}  // namespace kc::app
