#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kc::app {
namespace {

TEST(Config, ExampleFileStatesTheDefaults) {
  const Config example = LoadConfig(KC_EXAMPLE_CONFIG);
  const Config defaults;
  EXPECT_EQ(example.listen, defaults.listen);
  EXPECT_EQ(example.data_dir, defaults.data_dir);
  EXPECT_EQ(example.threads, defaults.threads);
  EXPECT_EQ(example.header_limit_bytes, defaults.header_limit_bytes);
  EXPECT_EQ(example.body_limit_bytes, defaults.body_limit_bytes);
  EXPECT_EQ(example.read_timeout_ms, defaults.read_timeout_ms);
  EXPECT_EQ(example.timestamp_window_ms, defaults.timestamp_window_ms);
  EXPECT_EQ(example.master_key, defaults.master_key);
  EXPECT_EQ(example.demo_key, defaults.demo_key);
  EXPECT_EQ(example.partners.size(), defaults.partners.size());
  EXPECT_EQ(example.push.endpoint, defaults.push.endpoint);
  EXPECT_EQ(example.push.token_ttl_ms, defaults.push.token_ttl_ms);
  EXPECT_EQ(example.push.ping_interval_ms, defaults.push.ping_interval_ms);
  EXPECT_EQ(example.push.ping_timeout_ms, defaults.push.ping_timeout_ms);
  EXPECT_EQ(example.push.max_sessions_per_user, defaults.push.max_sessions_per_user);
  EXPECT_EQ(example.push.max_connections, defaults.push.max_connections);
  EXPECT_EQ(example.push.max_topics_per_command, defaults.push.max_topics_per_command);
  EXPECT_EQ(example.push.max_topics_per_session, defaults.push.max_topics_per_session);
  EXPECT_EQ(example.push.max_messages_per_window, defaults.push.max_messages_per_window);
  EXPECT_EQ(example.push.message_window_ms, defaults.push.message_window_ms);
  EXPECT_EQ(example.push.max_errors_per_window, defaults.push.max_errors_per_window);
  EXPECT_EQ(example.push.send_queue_bytes, defaults.push.send_queue_bytes);
  EXPECT_EQ(example.push.max_message_bytes, defaults.push.max_message_bytes);
  EXPECT_EQ(example.engine_queue_high_water, defaults.engine_queue_high_water);
  EXPECT_EQ(example.engine_max_in_flight, defaults.engine_max_in_flight);
  EXPECT_EQ(example.journal.wal_autocheckpoint_pages, defaults.journal.wal_autocheckpoint_pages);
  EXPECT_EQ(example.journal.snapshot_every_commands, defaults.journal.snapshot_every_commands);
  EXPECT_EQ(example.journal.snapshot_every_ms, defaults.journal.snapshot_every_ms);
  EXPECT_EQ(example.demo_funds, defaults.demo_funds);
  EXPECT_EQ(example.market_maker.uid, defaults.market_maker.uid);
  EXPECT_EQ(example.market_maker.interval_ms, defaults.market_maker.interval_ms);
  EXPECT_EQ(example.market_maker.levels, defaults.market_maker.levels);
  EXPECT_EQ(example.market_maker.trade_percent, defaults.market_maker.trade_percent);
  EXPECT_EQ(example.policy.kyc_for_trading, defaults.policy.kyc_for_trading);
  EXPECT_EQ(example.funding.withdrawal_delay_ms, defaults.funding.withdrawal_delay_ms);
  EXPECT_EQ(example.funding.complete_withdrawals, defaults.funding.complete_withdrawals);
  EXPECT_EQ(example.policy.region.blocked_countries, defaults.policy.region.blocked_countries);
  EXPECT_EQ(example.rate_limit.enabled, defaults.rate_limit.enabled);
  EXPECT_EQ(example.rate_limit.window_ms, defaults.rate_limit.window_ms);
  EXPECT_EQ(example.rate_limit.spot, defaults.rate_limit.spot);
  EXPECT_EQ(example.rate_limit.futures, defaults.rate_limit.futures);
  EXPECT_EQ(example.rate_limit.management, defaults.rate_limit.management);
  EXPECT_EQ(example.rate_limit.public_per_ip, defaults.rate_limit.public_per_ip);
  EXPECT_EQ(example.rate_limit.earn, defaults.rate_limit.earn);
  EXPECT_EQ(example.rate_limit.node_per_second, defaults.rate_limit.node_per_second);
  EXPECT_EQ(example.rate_limit.per_connection, defaults.rate_limit.per_connection);
  EXPECT_EQ(example.wsapi.path, defaults.wsapi.path);
  EXPECT_EQ(example.wsapi.signin_timeout_ms, defaults.wsapi.signin_timeout_ms);
  EXPECT_EQ(example.wsapi.ping_interval_ms, defaults.wsapi.ping_interval_ms);
  EXPECT_EQ(example.wsapi.ping_timeout_ms, defaults.wsapi.ping_timeout_ms);
  EXPECT_EQ(example.wsapi.max_sessions_per_key, defaults.wsapi.max_sessions_per_key);
  EXPECT_EQ(example.wsapi.max_bad_frames, defaults.wsapi.max_bad_frames);
  EXPECT_EQ(example.wsapi.error_window_ms, defaults.wsapi.error_window_ms);
  EXPECT_EQ(example.wsapi.max_in_flight, defaults.wsapi.max_in_flight);
  EXPECT_EQ(example.wsapi.max_message_bytes, defaults.wsapi.max_message_bytes);
  EXPECT_EQ(example.wsapi.send_queue_bytes, defaults.wsapi.send_queue_bytes);
  EXPECT_EQ(example.access_log.output, defaults.access_log.output);
  EXPECT_EQ(example.access_log.path, defaults.access_log.path);
  EXPECT_EQ(example.access_log.max_bytes, defaults.access_log.max_bytes);
  EXPECT_EQ(example.access_log.max_files, defaults.access_log.max_files);
  EXPECT_EQ(example.metrics.enabled, defaults.metrics.enabled);
  EXPECT_EQ(example.metrics.require_token, defaults.metrics.require_token);
  EXPECT_EQ(example.health.deadline_ms, defaults.health.deadline_ms);
}

TEST(Config, ReadsMetricsAndHealthSettings) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-metrics.toml";
  std::ofstream(path) << R"([metrics]
enabled = false
require_token = true

[health]
deadline_ms = 250
)";
  const Config config = LoadConfig(path.string());
  EXPECT_FALSE(config.metrics.enabled);
  EXPECT_TRUE(config.metrics.require_token);
  EXPECT_EQ(config.health.deadline_ms, 250);
  std::ofstream(path) << "[health]\ndeadline_ms = 0\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::ofstream(path) << "[metrics]\nenabled = \"yes\"\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::ofstream(path) << "[metrics]\nport = 9100\n";  // not a setting: refused
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, ReadsAccessLogSettings) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-access.toml";
  std::ofstream(path) << R"([access_log]
output = "file"
path = "/var/log/kcgate/access.log"
max_bytes = 1000
max_files = 3
)";
  const Config config = LoadConfig(path.string());
  EXPECT_EQ(config.access_log.output, AccessLogConfig::Output::kFile);
  EXPECT_EQ(config.access_log.path, "/var/log/kcgate/access.log");
  EXPECT_EQ(config.access_log.max_bytes, 1000u);
  EXPECT_EQ(config.access_log.max_files, 3u);
  std::ofstream(path) << "[access_log]\noutput = \"stdout\"\n";
  EXPECT_EQ(LoadConfig(path.string()).access_log.output, AccessLogConfig::Output::kStdout);
  std::ofstream(path) << "[access_log]\noutput = \"syslog\"\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::ofstream(path) << "[access_log]\nmax_files = 0\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, ReadsWsApiSettings) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-wsapi.toml";
  std::ofstream(path) << R"([wsapi]
path = "/ws"
signin_timeout_ms = 500
ping_interval_ms = 1000
ping_timeout_ms = 2000
max_sessions_per_key = 3
max_bad_frames = 4
error_window_ms = 5000
max_in_flight = 6
max_message_bytes = 7000
send_queue_bytes = 8000
)";
  const Config config = LoadConfig(path.string());
  EXPECT_EQ(config.wsapi.path, "/ws");
  EXPECT_EQ(config.wsapi.signin_timeout_ms, 500);
  EXPECT_EQ(config.wsapi.ping_interval_ms, 1000);
  EXPECT_EQ(config.wsapi.ping_timeout_ms, 2000);
  EXPECT_EQ(config.wsapi.max_sessions_per_key, 3u);
  EXPECT_EQ(config.wsapi.max_bad_frames, 4u);
  EXPECT_EQ(config.wsapi.error_window_ms, 5000);
  EXPECT_EQ(config.wsapi.max_in_flight, 6u);
  EXPECT_EQ(config.wsapi.max_message_bytes, 7000u);
  EXPECT_EQ(config.wsapi.send_queue_bytes, 8000u);
  std::filesystem::remove(path);
}

TEST(Config, ReadsPartnersRegionsAndBlacklist) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-policy.toml";
  std::ofstream(path) << R"([server]
trusted_proxies = ["10.0.0.0/8", "192.0.2.1"]
[[partners]]
id = "b1"
secret = "s1"
ips = ["10.0.0.0/8"]
[region]
blocked_countries = ["KP"]
[[region.networks]]
cidr = "10.1.0.0/16"
country = "US"
[[blacklist]]
path_prefix = "/api/v1/withdrawals"
uid = 7
[rate_limit]
spot = 10
)";
  const Config config = LoadConfig(path.string());
  ASSERT_EQ(config.partners.size(), Config().partners.size() + 1);
  EXPECT_EQ(config.partners.back().id, "b1");
  EXPECT_EQ(config.partners.back().ips, std::vector<std::string>{"10.0.0.0/8"});
  EXPECT_EQ(config.policy.region.blocked_countries, std::vector<std::string>{"KP"});
  ASSERT_EQ(config.policy.region.networks.size(), 1u);
  EXPECT_EQ(config.policy.region.networks[0].second, "US");
  ASSERT_EQ(config.policy.blacklist.size(), 1u);
  EXPECT_EQ(config.policy.blacklist[0].uid, 7);
  EXPECT_EQ(config.rate_limit.spot, 10);
  EXPECT_EQ(config.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "192.0.2.1"}));
  std::ofstream(path) << "[[partners]]\nid = \"x\"\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, ReadsEngineThresholds) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-engine.toml";
  std::ofstream(path) << "[engine]\nqueue_high_water = 8\nmax_in_flight = 3\n";
  const Config config = LoadConfig(path.string());
  EXPECT_EQ(config.engine_queue_high_water, 8u);
  EXPECT_EQ(config.engine_max_in_flight, 3u);
  std::ofstream(path) << "[engine]\nqueue_high_water = 0\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, ReadsUpstreams) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-upstream.toml";
  std::ofstream(path) << R"([[upstream]]
path_prefix = "/api/v1/wallet"
address = "127.0.0.1:9001"
timeout_ms = 250
pool_size = 3
rate_pool = "spot"
weight = 7
permission = "Transfer"
max_response_bytes = 4096
[[upstream]]
path_prefix = "/svc/"
address = "localhost:9002"
)";
  const Config config = LoadConfig(path.string());
  ASSERT_EQ(config.upstreams.size(), 2u);
  const upstream::UpstreamOptions& wallet = config.upstreams[0];
  EXPECT_EQ(wallet.path_prefix, "/api/v1/wallet");
  EXPECT_EQ(wallet.address, "127.0.0.1:9001");
  EXPECT_EQ(wallet.timeout_ms, 250);
  EXPECT_EQ(wallet.pool_size, 3u);
  EXPECT_EQ(wallet.rate_pool, gateway::RatePool::kSpot);
  EXPECT_EQ(wallet.weight, 7);
  EXPECT_EQ(wallet.permission, gateway::Permission::kTransfer);
  EXPECT_EQ(wallet.max_response_bytes, 4096u);
  const upstream::UpstreamOptions defaults;
  const upstream::UpstreamOptions& svc = config.upstreams[1];
  EXPECT_EQ(svc.timeout_ms, defaults.timeout_ms);
  EXPECT_EQ(svc.pool_size, defaults.pool_size);
  EXPECT_EQ(svc.rate_pool, gateway::RatePool::kManagement);
  EXPECT_EQ(svc.weight, 1);
  EXPECT_EQ(svc.permission, gateway::Permission::kGeneral);
  EXPECT_EQ(svc.max_response_bytes, defaults.max_response_bytes);
  // Each bad entry is refused, naming the setting.
  const std::pair<const char*, const char*> bad[] = {
      {"address = \"127.0.0.1:1\"\n", "path_prefix"},
      {"path_prefix = \"wallet\"\naddress = \"127.0.0.1:1\"\n", "path_prefix"},
      {"path_prefix = \"/w\"\n", "address"},
      {"path_prefix = \"/w\"\naddress = \"127.0.0.1\"\n", "address"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\ntimeout_ms = 0\n", "timeout_ms"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\npool_size = 0\n", "pool_size"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\nrate_pool = \"vip\"\n", "rate_pool"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\npermission = \"General,Spot\"\n", "permission"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\nweight = -1\n", "weight"},
      {"path_prefix = \"/w\"\naddress = \"h:1\"\ntimeout = 5\n", "timeout"},
  };
  for (const auto& [entry, named] : bad) {
    std::ofstream(path) << "[[upstream]]\n" << entry;
    try {
      LoadConfig(path.string());
      ADD_FAILURE() << "accepted " << entry;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(named), std::string::npos) << e.what();
    }
  }
  std::ofstream(path) << "[[upstream]]\npath_prefix = \"/w\"\naddress = \"h:1\"\n"
                      << "[[upstream]]\npath_prefix = \"/w\"\naddress = \"h:2\"\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, RejectsWrongTypesWithTheKeyName) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-test.toml";
  std::ofstream(path) << "[auth]\ntimestamp_window_ms = \"soon\"\n";
  try {
    LoadConfig(path.string());
    FAIL() << "accepted a string window";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("auth.timestamp_window_ms"), std::string::npos);
  }
  std::ofstream(path) << "[server\n";
  EXPECT_THROW(LoadConfig(path.string()), std::runtime_error);
  std::filesystem::remove(path);
}

TEST(Config, ReadsCurrencyChains) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-chains.toml";
  std::ofstream(path) << R"([[markets.currencies]]
currency = "BTC"
[[markets.currencies]]
currency = "USDT"
precision = 6
chains = []
[[markets.currencies]]
currency = "DOGE"
precision = 4
[[markets.currencies.chains]]
chain_id = "DOGE"
withdrawal_min_size = "20"
withdrawal_min_fee = "4"
withdraw_fee_rate = "0.001"
confirms = 40
pre_confirms = 10
withdraw_precision = 2
withdraw_enabled = false
max_withdraw = "100000"
[[markets.symbols]]
symbol = "BTC-USDT"
base = "BTC"
quote = "USDT"
base_increment = "0.00000001"
price_increment = "0.1"
quote_increment = "0.000001"
base_max_size = "100"
quote_max_size = "1000000"
)";
  const Config config = LoadConfig(path.string());
  ASSERT_TRUE(config.markets);
  const engine::MarketConfig& m = *config.markets;
  // BTC: no chains key, the built-in chains.
  ASSERT_EQ(m.currency(0).chains.size(), engine::DefaultChains("BTC").size());
  EXPECT_EQ(m.currency(0).chains[0].chain_id, "btc");
  EXPECT_EQ(m.currency(0).chains[0].withdrawal_min_fee, 50'000);
  EXPECT_TRUE(m.currency(1).chains.empty());  // chains = []
  ASSERT_EQ(m.currency(2).chains.size(), 1u);
  const engine::ChainSpec& doge = m.currency(2).chains[0];
  EXPECT_EQ(doge.chain_id, "doge");
  EXPECT_EQ(doge.chain_name, "DOGE");
  EXPECT_EQ(doge.withdrawal_min_size, 200'000);
  EXPECT_EQ(doge.withdrawal_min_fee, 40'000);
  EXPECT_EQ(doge.withdraw_fee_rate, 100'000);
  EXPECT_EQ(doge.confirms, 40);
  EXPECT_EQ(doge.pre_confirms, 10);
  EXPECT_EQ(doge.withdraw_precision, 2);
  EXPECT_FALSE(doge.withdraw_enabled);
  EXPECT_TRUE(doge.deposit_enabled);
  EXPECT_EQ(doge.max_withdraw, 1'000'000'000);
  EXPECT_FALSE(doge.deposit_min_size);
  EXPECT_EQ(m.currency(2).FindChain("DOGE"), &doge);

  // Bad chains name the currency and the chain.
  for (const char* bad : {"withdrawal_min_fee = \"0.00001\"", "withdraw_precision = 5",
                          "pre_confirms = 50", "withdraw_fee_rate = \"1\""}) {
    std::ofstream(path) << "[[markets.currencies]]\ncurrency = \"DOGE\"\nprecision = 4\n"
                        << "[[markets.currencies.chains]]\nchain_id = \"doge\"\nconfirms = 40\n"
                        << bad << "\n";
    try {
      LoadConfig(path.string());
      ADD_FAILURE() << "accepted " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("currency 'DOGE': chain 'doge'"), std::string::npos)
          << e.what();
    }
  }
  std::filesystem::remove(path);
}

// What LoadConfig says about `text`, or "" when it loads.
std::string LoadError(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-strict.toml";
  std::ofstream(path) << text;
  try {
    LoadConfig(path.string());
    std::filesystem::remove(path);
    return "";
  } catch (const std::runtime_error& e) {
    std::filesystem::remove(path);
    return e.what();
  }
}

TEST(Config, RefusesUnknownKeysAndSectionsNamingThemAndTheirLine) {
  EXPECT_EQ(LoadError("[server]\nlisten = \"127.0.0.1:1\"\n[push]\n"), "");
  std::string error = LoadError("[server]\nlisten = \"127.0.0.1:1\"\nlissten = \"x\"\n");
  EXPECT_NE(error.find(":3: unknown key 'server.lissten'"), std::string::npos) << error;
  error = LoadError("# comment\n[sevrer]\nlisten = \"127.0.0.1:1\"\n");
  EXPECT_NE(error.find(":2: unknown section 'sevrer'"), std::string::npos) << error;
  error = LoadError("[[partners]]\nid = \"b\"\nsecret = \"s\"\nip = [\"1.2.3.4\"]\n");
  EXPECT_NE(error.find(":4: unknown key 'partners[0].ip'"), std::string::npos) << error;
  error = LoadError(
      "[[markets.symbols]]\nsymbol = \"BTC-USDT\"\nbase = \"BTC\"\n"
      "quote = \"USDT\"\nbase_increment = \"0.0001\"\nprice_increment = "
      "\"0.1\"\nquote_increment = \"0.01\"\nbase_min_size = \"0.0001\"\n"
      "tick = 1\n");
  EXPECT_NE(error.find("unknown key 'markets.symbols[0].tick'"), std::string::npos) << error;
  error = LoadError("toplevel = 1\n");
  EXPECT_NE(error.find(":1: unknown key 'toplevel'"), std::string::npos) << error;
}

TEST(Config, SplitsHostAndPort) {
  auto v4 = SplitHostPort("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->first, "127.0.0.1");
  EXPECT_EQ(v4->second, 8080);
  auto v6 = SplitHostPort("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->first, "::1");
  EXPECT_FALSE(SplitHostPort("localhost"));
  EXPECT_FALSE(SplitHostPort("host:99999"));
  EXPECT_FALSE(SplitHostPort("host:"));
  EXPECT_FALSE(SplitHostPort(":80"));
}

}  // namespace
}  // namespace kc::app

namespace kc::app {
namespace {

TEST(Config, ReadsTheAdminListener) {
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-admin-test.toml";
  EXPECT_FALSE(Config{}.admin.listen.has_value());  // off in-process unless asked for
  std::ofstream(path) << "[admin]\nlisten = \"127.0.0.1:9999\"\ntoken = \"lab-token\"\n";
  Config config = LoadConfig(path.string());
  EXPECT_EQ(config.admin.listen, "127.0.0.1:9999");
  EXPECT_EQ(config.admin.token, "lab-token");
  std::ofstream(path) << "[admin]\nlisten = \"\"\n";
  EXPECT_EQ(LoadConfig(path.string()).admin.listen, "");  // disabled
  std::ofstream(path) << "[admin]\nlisten = \"nowhere\"\n";
  try {
    LoadConfig(path.string());
    FAIL() << "accepted a listen address without a port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("admin.listen"), std::string::npos);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kc::app

namespace kc::app {
namespace {

TEST(Config, ExplainDefaultsToLoopbackListenersAndIsConfigurable) {
  Config config;
  config.listen = "127.0.0.1:8080";
  EXPECT_TRUE(ExplainSignatures(config));
  config.listen = "0.0.0.0:8080";
  EXPECT_FALSE(ExplainSignatures(config));
  config.listen = "[::1]:8080";
  EXPECT_TRUE(ExplainSignatures(config));
  const auto path = std::filesystem::temp_directory_path() / "kcgate-config-lab-test.toml";
  std::ofstream(path) << "[lab]\nexplain = false\n";
  Config off = LoadConfig(path.string());
  EXPECT_FALSE(ExplainSignatures(off));
  std::ofstream(path) << "[server]\nlisten = \"0.0.0.0:8080\"\n[lab]\nexplain = true\n";
  EXPECT_TRUE(ExplainSignatures(LoadConfig(path.string())));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace kc::app
