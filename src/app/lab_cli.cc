#include "app/lab_cli.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "admin/token.h"

namespace kc::app {

namespace json = boost::json;
namespace http = boost::beast::http;

struct LabCli::Options {
  CLI::App* lab = nullptr;
  std::string data_dir;
  std::string admin_url;
  std::string token;
  bool raw = false;
  // The call the parsed command makes.
  http::verb method = http::verb::get;
  std::string path;
  std::function<json::object()> body;
  // fault add
  std::string kind, match_method, match_path, api_key, ip, topic, op, code, close_code;
  int64_t uid = 0, delay_ms = 0, times = 0;
  double probability = 1.0;
  int64_t seed = 0;
  bool after_execute = false, disconnect = false;
  // fault rm
  std::string fault_id;
  bool all = false;
  // clock
  std::optional<int64_t> offset_ms, advance_ms;
  bool freeze = false, unfreeze = false, reset = false;
  // status
  std::string status, message;
  // keys, deposits, reset
  int64_t key_uid = 0;
  std::string permissions = "General,Spot", passphrase;
  std::string currency, amount, account = "main", request_id;
  std::string revoke_key;
  int64_t reset_uid = 0;
  CLI::App *fault_add = nullptr, *fault_list = nullptr, *fault_rm = nullptr, *clock = nullptr,
           *status_cmd = nullptr, *key_create = nullptr, *key_revoke = nullptr, *deposit = nullptr,
           *reset_cmd = nullptr;
};

namespace {

constexpr char kExamples[] = R"(Worked examples (the server running with its data in ./data):
  # the next two HF orders get 429000, then orders pass again
  kcgate lab fault add --path '/api/v1/hf/orders' --code 429000 --times 2
  # ccxt's createOrder posts to /api/v1/orders unless the account reports HF trading
  kcgate lab fault add --method POST --path '/api/v1/orders' --code 429000 --times 2
  # the order is placed, but the client sees 500000
  kcgate lab fault add --path '/api/v1/hf/orders' --after-execute --code 500000 --times 1
  # 30% of this user's requests are dropped, the same ones on every run
  kcgate lab fault add --uid 10000001 --disconnect --probability 0.3 --seed 42
  # the next private push subscribe gets the 501000 notice, then the session closes
  kcgate lab fault add --kind push --topic '/spotMarket/tradeOrders*' --close 501000 --times 1
  # WS API orders answer 429000 by id; push and WS API connects wait 2 s
  kcgate lab fault add --kind wsapi --op spot.order --code 429000 --times 3
  kcgate lab fault add --kind connect --delay-ms 2000
  kcgate lab fault list
  kcgate lab fault rm --all
  # the server's clock runs 7 s ahead (a correct client gets 400002)
  kcgate lab clock --offset-ms 7000
  kcgate lab clock --freeze && kcgate lab clock --advance-ms 60000 && kcgate lab clock --reset
  kcgate lab status close --msg 'upgrading'      # 501000 everywhere; open to reopen
  kcgate lab key --uid 10000002                  # a fresh key (JSON)
  kcgate lab deposit --uid 10000002 --currency USDT --amount 1000 --account trade
  kcgate lab reset 10000002                      # cancel its orders, withdraw everything
)";

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  return line;
}

// "http://127.0.0.1:8090" -> host, port.
bool SplitUrl(const std::string& url, std::string* host, std::string* port) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return false;
  std::string rest = url.substr(kScheme.size());
  if (const size_t slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return false;
  *host = rest.substr(0, colon);
  *port = rest.substr(colon + 1);
  return !host->empty() && !port->empty();
}

}  // namespace

LabCli::LabCli(CLI::App& cli) : options_(std::make_unique<Options>()) {
  Options& o = *options_;
  o.lab = cli.add_subcommand("lab", "the test lab: faults, clock, status, test accounts");
  o.lab->footer(kExamples);
  o.lab->require_subcommand(1);
  o.lab->fallthrough();
  o.lab->add_option("--data", o.data_dir, "the server's data directory (default ./data)");
  o.lab->add_option("--admin", o.admin_url, "admin API URL (default: <data>/admin.url)");
  o.lab->add_option("--token", o.token, "admin token (default: <data>/admin.token)");

  CLI::App* fault = o.lab->add_subcommand("fault", "fault rules");
  fault->require_subcommand(1);
  o.fault_add = fault->add_subcommand("add", "add a rule; prints its id");
  CLI::App* add = o.fault_add;
  add->add_option("--kind", o.kind, "rest, push, wsapi or connect");
  add->add_option("--method", o.match_method, "HTTP method to match");
  add->add_option("--path", o.match_path, "path to match (exact, or prefix ending in *)");
  add->add_option("--uid", o.uid, "user to match");
  add->add_option("--api-key", o.api_key, "API key to match");
  add->add_option("--ip", o.ip, "client IP to match");
  add->add_option("--topic", o.topic, "push topic to match");
  add->add_option("--op", o.op, "WS API operation to match");
  add->add_option("--code", o.code, "answer this code (seed or business)");
  add->add_option("--delay-ms", o.delay_ms, "delay, then proceed (or answer --code)");
  add->add_flag("--after-execute", o.after_execute, "execute, then answer --code");
  add->add_flag("--disconnect", o.disconnect, "drop the connection without an answer");
  add->add_option("--close", o.close_code, "push/WS API: send this code's notice and close");
  add->add_option("--times", o.times, "fire on the next N matches, then retire");
  add->add_option("--probability", o.probability, "chance each match fires (0..1]");
  add->add_option("--seed", o.seed, "seed of the rule's pseudo-random stream");
  o.fault_list = fault->add_subcommand("list", "the rules with their hit counts (JSON)");
  o.fault_rm = fault->add_subcommand("rm", "remove a rule, or all");
  o.fault_rm->add_option("ID", o.fault_id, "the rule's id");
  o.fault_rm->add_flag("--all", o.all, "remove every rule");

  o.clock = o.lab->add_subcommand("clock", "show or shift server time");
  o.clock->add_option("--offset-ms", o.offset_ms, "server time = real time + N");
  o.clock->add_flag("--freeze", o.freeze, "stop server time");
  o.clock->add_flag("--unfreeze", o.unfreeze, "let frozen time run again");
  o.clock->add_option("--advance-ms", o.advance_ms, "move server time forward");
  o.clock->add_flag("--reset", o.reset, "back to real time");

  o.status_cmd = o.lab->add_subcommand("status", "open, close (501000) or cancelonly");
  o.status_cmd->add_option("STATUS", o.status, "open, close or cancelonly")->required();
  o.status_cmd->add_option("--msg", o.message, "the message /api/v1/status shows");

  o.key_create = o.lab->add_subcommand("key", "create a test API key (prints JSON)");
  o.key_create->add_option("--uid", o.key_uid, "the user's id")->required();
  o.key_create->add_option("--permissions", o.permissions, "default General,Spot");
  o.key_create->add_option("--passphrase", o.passphrase, "default: generated");
  o.key_revoke = o.lab->add_subcommand("revoke", "revoke an API key");
  o.key_revoke->add_option("KEY", o.revoke_key, "the API key")->required();

  o.deposit = o.lab->add_subcommand("deposit", "credit a user's account (exactly once)");
  o.deposit->add_option("--uid", o.key_uid, "the user's id")->required();
  o.deposit->add_option("--currency", o.currency, "e.g. USDT")->required();
  o.deposit->add_option("--amount", o.amount, "e.g. 1000")->required();
  o.deposit->add_option("--account", o.account, "main (default) or trade");
  o.deposit->add_option("--request-id", o.request_id, "a retry with the same id pays once");

  o.reset_cmd = o.lab->add_subcommand("reset", "cancel a user's orders, withdraw all its funds");
  o.reset_cmd->add_option("UID", o.reset_uid, "the user's id")->required();
}

LabCli::~LabCli() = default;

bool LabCli::parsed() const { return options_->lab->parsed(); }

int LabCli::Run(const std::string& data_dir) {
  Options& o = *options_;
  const std::string data = o.data_dir.empty() ? data_dir : o.data_dir;
  json::object body;
  if (o.fault_add->parsed()) {
    o.method = http::verb::post;
    o.path = "/admin/v1/faults";
    json::object match;
    if (!o.kind.empty()) match["kind"] = o.kind;
    if (!o.match_method.empty()) match["method"] = o.match_method;
    if (!o.match_path.empty()) match["path"] = o.match_path;
    if (o.uid) match["uid"] = o.uid;
    if (!o.api_key.empty()) match["apiKey"] = o.api_key;
    if (!o.ip.empty()) match["ip"] = o.ip;
    if (!o.topic.empty()) match["topic"] = o.topic;
    if (!o.op.empty()) match["op"] = o.op;
    json::object action;
    if (!o.code.empty()) action["code"] = o.code;
    if (o.delay_ms) action["delay_ms"] = o.delay_ms;
    if (o.after_execute) action["after"] = "execute";
    if (o.disconnect) action["disconnect"] = true;
    if (!o.close_code.empty()) action["close"] = json::object{{"code", o.close_code}};
    body = json::object{{"match", match}, {"action", action}};
    if (o.times) body["times"] = o.times;
    if (o.probability != 1.0) body["probability"] = o.probability;
    if (o.seed) body["seed"] = o.seed;
  } else if (o.fault_list->parsed()) {
    o.path = "/admin/v1/faults";
  } else if (o.fault_rm->parsed()) {
    if (o.all == !o.fault_id.empty()) {
      std::cerr << "kcgate lab fault rm: give a rule id or --all\n";
      return 2;
    }
    o.method = http::verb::delete_;
    o.path = o.all ? "/admin/v1/faults" : "/admin/v1/faults/" + o.fault_id;
  } else if (o.clock->parsed()) {
    o.path = "/admin/v1/clock";
    if (o.offset_ms) body["offset_ms"] = *o.offset_ms;
    if (o.freeze) body["freeze"] = true;
    if (o.unfreeze) body["freeze"] = false;
    if (o.advance_ms) body["advance_ms"] = *o.advance_ms;
    if (o.reset) body["reset"] = true;
    if (!body.empty()) o.method = http::verb::post;
  } else if (o.status_cmd->parsed()) {
    o.method = http::verb::post;
    o.path = "/admin/v1/status";
    body = json::object{{"status", o.status}, {"msg", o.message}};
  } else if (o.key_create->parsed()) {
    o.method = http::verb::post;
    o.path = "/admin/v1/keys";
    body = json::object{{"uid", o.key_uid}, {"permissions", o.permissions}};
    if (!o.passphrase.empty()) body["passphrase"] = o.passphrase;
  } else if (o.key_revoke->parsed()) {
    o.method = http::verb::delete_;
    o.path = "/admin/v1/keys/" + o.revoke_key;
  } else if (o.deposit->parsed()) {
    o.method = http::verb::post;
    o.path = "/admin/v1/deposits";
    body = json::object{
        {"uid", o.key_uid}, {"currency", o.currency}, {"amount", o.amount}, {"account", o.account}};
    if (!o.request_id.empty()) body["requestId"] = o.request_id;
  } else if (o.reset_cmd->parsed()) {
    o.method = http::verb::post;
    o.path = "/admin/v1/users/" + std::to_string(o.reset_uid) + "/reset";
  }

  std::string url = o.admin_url.empty() ? admin::ReadAdminUrl(data) : o.admin_url;
  if (url.empty()) url = "http://127.0.0.1:8090";
  std::string host, port;
  if (!SplitUrl(url, &host, &port)) {
    std::cerr << "kcgate lab: not an http://HOST:PORT URL: " << url << "\n";
    return 2;
  }
  const std::string token = o.token.empty() ? ReadFirstLine(admin::TokenPath(data)) : o.token;
  try {
    boost::asio::io_context io;
    boost::beast::tcp_stream stream(io);
    boost::asio::ip::tcp::resolver resolver(io);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(resolver.resolve(host, port));
    http::request<http::string_body> request(o.method, o.path, 11);
    request.set(http::field::host, host);
    request.set(http::field::authorization, "Bearer " + token);
    if (o.method != http::verb::get && o.method != http::verb::delete_) {
      request.set(http::field::content_type, "application/json");
      request.body() = json::serialize(body);
    }
    request.prepare_payload();
    http::write(stream, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    std::cout << response.body() << "\n";
    if (response.result_int() >= 400) {
      std::cerr << "kcgate lab: HTTP " << response.result_int() << "\n";
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "kcgate lab: cannot reach the admin API at " << url << ": " << e.what()
              << " (is the server running with this --data?)\n";
    return 1;
  }
}

}  // namespace kc::app
