// kcgate: the server (default command) and its admin commands (`keys`).
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "app/config.h"
#include "app/demo_key.h"
#include "app/lab_cli.h"
#include "app/server.h"
#include "engine/markets.h"
#include "store/admin_inbox.h"
#include "store/key_admin.h"
#include "store/key_directory.h"
#include "store/secret_box.h"
#include "store/status_store.h"

namespace {

using kc::app::Config;

std::vector<std::string> SplitComma(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

int Serve(const Config& config) {
  kc::app::Server server(config);
  std::optional<kc::store::CreatedKey> demo;
  if (config.demo_key) {
    kc::SystemClock clock;
    kc::store::KeyAdmin admin(server.database_path(), server.secret_box(), clock);
    demo = kc::app::EnsureDemoKey(admin, config.data_dir);
    server.key_directory().Refresh();
  }
  std::vector<int64_t> demo_deposits;
  if (demo) {
    demo_deposits =
        kc::app::FundDemoKey(*demo, config.demo_funds, kc::store::JournalPath(config.data_dir),
                             server.engine_loop().exchange().markets());
  }
  const auto endpoint = server.Start();
  // The server's inbox poller applies them at once; the key is printed funded.
  if (!demo_deposits.empty()) {
    kc::store::AdminInbox inbox(kc::store::JournalPath(config.data_dir));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (int64_t id : demo_deposits) {
      auto row = inbox.Find(id);
      while (row && row->status == "pending" && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        row = inbox.Find(id);
      }
    }
  }
  const std::string base_url =
      "http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  std::cout << "kcgate listening on " << base_url << " (data in " << config.data_dir << ")\n"
            << "  public:  curl -s " << base_url << "/api/v1/timestamp; echo\n";
  if (demo) {
    std::cout << "\nDemo API key (uid " << demo->uid << "):\n"
              << "  key:        " << demo->api_key << "\n"
              << "  secret:     " << demo->secret << "\n"
              << "  passphrase: " << demo->passphrase << "\n"
              << "\nA signed request (bash):\n"
              << kc::app::SignedRequestExample(*demo, base_url) << "\n"
              << "Funded once with [demo] funds (trade account):";
    for (const std::string& fund : config.demo_funds) std::cout << " " << fund;
    std::cout << "\nFund more: build/release/src/app/kcgate accounts deposit --data "
              << config.data_dir << " --uid " << demo->uid
              << " --currency USDT --amount 10000 --account trade\n"
              << "More keys: build/release/src/app/kcgate keys create --data " << config.data_dir
              << " --uid 10000002 --permissions General,Spot --passphrase YOURPASS\n";
  }
  if (auto admin = server.admin_endpoint()) {
    std::cout << "\nadmin API on http://" << admin->address().to_string() << ":" << admin->port()
              << "/admin/v1/ (the test lab)\n"
              << "  token:      " << server.admin_token() << "\n"
              << "  e.g. curl -s -H 'Authorization: Bearer " << server.admin_token() << "' http://"
              << admin->address().to_string() << ":" << admin->port() << "/admin/v1/status; echo\n";
  }
  std::cout << "Press Ctrl-C to stop." << std::endl;

  boost::asio::io_context signals_context;
  boost::asio::signal_set signals(signals_context, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { signals_context.stop(); });
  signals_context.run();
  const auto deadline = std::chrono::milliseconds(config.shutdown_deadline_ms);
  spdlog::info("stopping: requests in flight get up to {} ms (a second signal stops at once)",
               deadline.count());
  // A second signal exits at once. Nothing acknowledged is lost: every answer
  // waited for its journal sync.
  signals_context.restart();
  signals.async_wait([](const boost::system::error_code& ec, int) {
    if (ec) return;
    spdlog::warn("second signal: exiting now");
    spdlog::shutdown();
    std::_Exit(1);
  });
  std::thread second_signal([&] { signals_context.run(); });
  server.Shutdown(deadline);
  signals_context.stop();
  second_signal.join();
  spdlog::info("stopped");
  return 0;
}

// `kcgate accounts deposit`: an admin inbox row; with a server running, waits
// (up to 10 s) until it is durable in the journal.
int Deposit(const Config& config, const kc::store::DepositRequest& request, bool as_json) {
  std::filesystem::create_directories(config.data_dir);
  const std::string journal = kc::store::JournalPath(config.data_dir);
  kc::store::AdminInbox inbox(journal);
  kc::store::AdminInbox::Enqueued queued;
  try {
    queued =
        inbox.Enqueue(request, config.markets ? *config.markets : kc::engine::DefaultMarkets());
  } catch (const std::invalid_argument& e) {
    std::cerr << "kcgate accounts deposit: " << e.what() << "\n";
    return 2;
  }
  auto row = inbox.Find(queued.id);
  if (kc::store::JournalInUse(journal)) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (row && row->status == "pending" && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      row = inbox.Find(queued.id);
    }
  }
  const std::string status = row ? row->status : "pending";
  if (as_json) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"requestId", queued.id},
                                         {"status", status},
                                         {"uid", request.uid},
                                         {"currency", request.currency},
                                         {"amount", request.amount},
                                         {"account", request.account},
                                         {"journalSeq", row ? row->journal_seq : 0},
                                         {"detail", row ? row->detail : ""}})
              << "\n";
  } else {
    std::cout << "deposit request " << queued.id << ": " << request.amount << " "
              << request.currency << " to uid " << request.uid << " (" << request.account << "): ";
    if (status == "applied") {
      std::cout << "applied (journal #" << row->journal_seq << ")\n";
    } else if (status == "pending" && kc::store::JournalInUse(journal)) {
      std::cout << "still pending after 10 s; the running server applies it (see its log)\n";
    } else if (status == "pending") {
      std::cout << "queued; the server applies it when it starts\n";
    } else {
      std::cout << status << ": " << (row ? row->detail : "") << "\n";
    }
  }
  return status == "rejected" ? 1 : 0;
}

// `kcgate status set`: the row a running server applies within its poll
// (200 ms), or the next one at start.
int SetStatus(const Config& config, const std::string& name, const std::string& message) {
  auto status = kc::ParseStatus(name);
  if (!status) {
    std::cerr << "kcgate status set: unknown status '" << name << "' (open, close or cancelonly)\n";
    return 2;
  }
  std::filesystem::create_directories(config.data_dir);
  kc::SystemClock clock;
  kc::store::StatusStore store((std::filesystem::path(config.data_dir) / "kcgate.db").string());
  store.Write(*status, message, clock.NowMs());
  std::cout << "status: " << name << (message.empty() ? "" : " (" + message + ")")
            << (kc::store::JournalInUse(kc::store::JournalPath(config.data_dir))
                    ? "; the running server applies it within a second\n"
                    : "; applies when the server starts\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"kcgate: a KuCoin-compatible exchange API edge"};
  std::string config_file;
  std::string data_dir;
  std::string listen;
  cli.add_option("--config", config_file, "TOML configuration file")->check(CLI::ExistingFile);
  cli.add_option("--data", data_dir, "data directory (default ./data)");
  cli.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  std::string admin_listen;
  bool admin_listen_set = false;
  cli.add_option_function<std::string>(
      "--admin-listen",
      [&](const std::string& value) {
        admin_listen = value;
        admin_listen_set = true;
      },
      "HOST:PORT of the admin API (default 127.0.0.1:8090; \"\" turns it off)");
  bool no_market_maker = false;
  cli.add_flag("--no-market-maker", no_market_maker,
               "do not run the built-in market maker (the demo market)");

  CLI::App* keys = cli.add_subcommand("keys", "manage API keys");
  keys->require_subcommand(1);
  CLI::App* create = keys->add_subcommand("create", "create an API key");
  kc::store::NewKey request;
  std::string permissions = "General";
  std::string ips;
  bool as_json = false;
  create->add_option("--uid", request.uid, "the user's id")->required();
  create->add_flag("--sub", request.is_sub, "the user is a sub-account");
  bool unverified = false;
  create->add_flag("--unverified", unverified,
                   "a new user without identity verification (400303 on trading)");
  create->add_option("--parent", request.parent_uid, "the master's uid of a sub-account");
  create->add_option("--version", request.version, "API key version (1, 2 or 3)")
      ->check(CLI::Range(1, 3));
  create->add_option("--permissions", permissions, "e.g. General,Spot");
  create->add_option("--passphrase", request.passphrase, "the key's passphrase");
  create->add_option("--ip", ips, "IP whitelist: addresses or CIDR blocks, comma-separated");
  create->add_option("--remark", request.remark, "a note");
  create->add_flag("--json", as_json, "print one JSON object");
  create->add_option("--data", data_dir, "data directory (default ./data)");
  CLI::App* list = keys->add_subcommand("list", "list API keys");
  list->add_flag("--json", as_json, "print JSON");
  list->add_option("--data", data_dir, "data directory (default ./data)");
  CLI::App* revoke = keys->add_subcommand("revoke", "revoke an API key");
  std::string revoke_key;
  revoke->add_option("KEY", revoke_key, "the API key")->required();
  revoke->add_option("--data", data_dir, "data directory (default ./data)");

  CLI::App* accounts = cli.add_subcommand("accounts", "fund users' accounts");
  accounts->require_subcommand(1);
  CLI::App* deposit = accounts->add_subcommand(
      "deposit", "credit a user's account (applied by the server, now or at its next start)");
  kc::store::DepositRequest deposit_request;
  deposit->add_option("--uid", deposit_request.uid, "the user's id")->required();
  deposit->add_option("--currency", deposit_request.currency, "e.g. USDT")->required();
  deposit->add_option("--amount", deposit_request.amount, "e.g. 1000 or 0.5")->required();
  deposit->add_option("--account", deposit_request.account, "main (default) or trade");
  deposit->add_flag("--json", as_json, "print one JSON object");
  deposit->add_option("--data", data_dir, "data directory (default ./data)");

  CLI::App* status = cli.add_subcommand("status", "the exchange's status (/api/v1/status)");
  status->require_subcommand(1);
  CLI::App* status_set =
      status->add_subcommand("set", "open, close (maintenance: 501000) or cancelonly");
  std::string status_name;
  std::string status_message;
  status_set->add_option("STATUS", status_name, "open, close or cancelonly")->required();
  status_set->add_option("--msg", status_message, "the message /api/v1/status shows");
  status_set->add_option("--data", data_dir, "data directory (default ./data)");

  kc::app::LabCli lab(cli);

  CLI11_PARSE(cli, argc, argv);

  try {
    Config config = config_file.empty() ? Config{} : kc::app::LoadConfig(config_file);
    if (!data_dir.empty()) config.data_dir = data_dir;
    if (!listen.empty()) config.listen = listen;
    if (admin_listen_set) config.admin.listen = admin_listen;
    if (deposit->parsed()) return Deposit(config, deposit_request, as_json);
    if (status_set->parsed()) return SetStatus(config, status_name, status_message);
    if (lab.parsed()) return lab.Run(config.data_dir);
    if (!keys->parsed() && !status->parsed()) {
      // The demo market runs unless the config file or the flag turns it off.
      if (no_market_maker) {
        config.market_maker.enabled = false;
      } else if (!config.market_maker.enabled.has_value()) {
        config.market_maker.enabled = true;
      }
      if (!config.admin.listen) config.admin.listen = "127.0.0.1:8090";
      return Serve(config);
    }

    std::filesystem::create_directories(config.data_dir);
    const auto box = kc::store::SecretBox::Load(config.master_key, config.data_dir);
    kc::SystemClock clock;
    kc::store::KeyAdmin admin((std::filesystem::path(config.data_dir) / "kcgate.db").string(), box,
                              clock);
    namespace json = boost::json;
    if (create->parsed()) {
      auto parsed = kc::gateway::Permissions::Parse(permissions);
      if (!parsed) {
        std::cerr << "unknown permission in: " << permissions << "\n";
        return 2;
      }
      request.permissions = *parsed;
      request.kyc_verified = !unverified;
      request.ip_whitelist = SplitComma(ips);
      const auto created = admin.Create(request);
      if (as_json) {
        std::cout << json::serialize(json::object{{"apiKey", created.api_key},
                                                  {"secret", created.secret},
                                                  {"passphrase", created.passphrase},
                                                  {"uid", created.uid}})
                  << "\n";
      } else {
        std::cout << "key:        " << created.api_key << "\nsecret:     " << created.secret
                  << "\npassphrase: " << created.passphrase << "\nuid:        " << created.uid
                  << "\n";
      }
    } else if (list->parsed()) {
      json::array rows;
      for (const auto& key : admin.List()) {
        if (!as_json) {
          std::cout << key.api_key << "  uid=" << key.uid << (key.is_sub ? " sub" : "") << "  v"
                    << key.version << "  " << key.permissions
                    << (key.ip_whitelist.empty() ? "" : "  ip=" + key.ip_whitelist)
                    << (key.enabled ? "" : "  REVOKED") << "  " << key.remark << "\n";
        }
        rows.push_back(json::object{{"apiKey", key.api_key},
                                    {"uid", key.uid},
                                    {"isMaster", !key.is_sub},
                                    {"apiVersion", key.version},
                                    {"permission", key.permissions},
                                    {"ipWhitelist", key.ip_whitelist},
                                    {"remark", key.remark},
                                    {"createdAt", key.created_at_ms},
                                    {"enabled", key.enabled}});
      }
      if (as_json) std::cout << json::serialize(rows) << "\n";
    } else if (revoke->parsed()) {
      if (!admin.Revoke(revoke_key)) {
        std::cerr << "no enabled key " << revoke_key << "\n";
        return 1;
      }
      std::cout << "revoked " << revoke_key << "\n";
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "kcgate: " << e.what() << "\n";
    return 1;
  }
}
