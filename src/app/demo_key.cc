#include "app/demo_key.h"

#include <sys/stat.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "store/admin_inbox.h"

namespace kc::app {

namespace json = boost::json;

namespace {

constexpr int64_t kDemoUid = 10000001;

std::optional<store::CreatedKey> ReadKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  json::value value = json::parse(text.str(), ec);
  if (ec || !value.is_object()) return std::nullopt;
  const json::object& object = value.as_object();
  try {
    return store::CreatedKey{json::value_to<std::string>(object.at("apiKey")),
                             json::value_to<std::string>(object.at("secret")),
                             json::value_to<std::string>(object.at("passphrase")),
                             object.at("uid").to_number<int64_t>()};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<store::CreatedKey> EnsureDemoKey(store::KeyAdmin& admin,
                                               const std::string& data_dir) {
  const auto path = std::filesystem::path(data_dir) / "demo-key.json";
  if (auto existing = ReadKeyFile(path)) {
    for (const store::KeyListing& listing : admin.List()) {
      if (listing.api_key == existing->api_key && listing.enabled) return existing;
    }
    return std::nullopt;  // revoked by the operator: do not resurrect it
  }
  if (admin.CountEnabledKeys() > 0) return std::nullopt;

  store::NewKey request;
  request.uid = kDemoUid;
  request.version = 3;
  request.permissions =
      *gateway::Permissions::Parse("General,Spot,Margin,InnerTransfer,Transfer,FlexTransfers");
  request.remark = "demo key created by make run";
  store::CreatedKey created = admin.Create(request);

  const mode_t old_mask = ::umask(077);
  std::ofstream out(path);
  out << json::serialize(json::object{{"apiKey", created.api_key},
                                      {"secret", created.secret},
                                      {"passphrase", created.passphrase},
                                      {"uid", created.uid}})
      << '\n';
  ::umask(old_mask);
  return created;
}

std::vector<int64_t> FundDemoKey(const store::CreatedKey& key,
                                 const std::vector<std::string>& funds,
                                 const std::string& journal_path,
                                 const engine::MarketConfig& markets) {
  store::AdminInbox inbox(journal_path);
  std::vector<int64_t> rows;
  for (const std::string& entry : funds) {
    const std::size_t space = entry.find(' ');
    if (space == std::string::npos || entry.find(' ', space + 1) != std::string::npos) {
      throw std::invalid_argument("demo.funds: '" + entry + "' is not \"AMOUNT CURRENCY\"");
    }
    const std::string currency = entry.substr(space + 1);
    store::DepositRequest request{key.uid, currency, entry.substr(0, space), "trade",
                                  "demo:" + std::to_string(key.uid) + ":" + currency};
    try {
      rows.push_back(inbox.Enqueue(request, markets).id);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("demo.funds: " + std::string(e.what()));
    }
  }
  return rows;
}

std::string SignedRequestExample(const store::CreatedKey& key, const std::string& base_url) {
  std::ostringstream out;
  out << "KEY=" << key.api_key << " SECRET=" << key.secret << " PASSPHRASE=" << key.passphrase
      << "\n"
      << "TS=$(date +%s%3N); REQ=/api/v1/user/api-key\n"
      << "SIGN=$(printf '%s' \"${TS}GET${REQ}\" | openssl dgst -sha256 -hmac \"$SECRET\" "
         "-binary | base64)\n"
      << "PASS=$(printf '%s' \"$PASSPHRASE\" | openssl dgst -sha256 -hmac \"$SECRET\" -binary | "
         "base64)\n"
      << "curl -s \"" << base_url
      << "${REQ}\" -H \"KC-API-KEY: $KEY\" -H \"KC-API-SIGN: $SIGN\" "
         "-H \"KC-API-TIMESTAMP: $TS\" -H \"KC-API-PASSPHRASE: $PASS\" "
         "-H \"KC-API-KEY-VERSION: 3\"; echo\n";
  return out.str();
}

}  // namespace kc::app
