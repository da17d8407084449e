#include "store/key_admin.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <stdexcept>

#include "gateway/signature.h"
#include "store/schema.h"

namespace kc::store {
namespace {

// KuCoin key ids look like Mongo ObjectIds: 4 bytes of seconds, then random.
std::string NewKeyId(int64_t now_ms) {
  const auto seconds = static_cast<uint32_t>(now_ms / 1000);
  std::string bytes(4, '\0');
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(seconds >> (24 - 8 * i));
  return HexEncode(bytes + RandomBytes(8));
}

// Secrets are random UUIDs (version 4), as KuCoin issues them.
std::string NewSecret() {
  std::string bytes = RandomBytes(16);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);
  const std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::string NewPassphrase() {
  // URL- and shell-safe characters only, so the printed example copies cleanly.
  static constexpr char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string out;
  for (unsigned char c : RandomBytes(16)) out += kAlphabet[c % (sizeof(kAlphabet) - 1)];
  return out;
}

void Validate(const NewKey& request) {
  if (request.uid <= 0) throw std::invalid_argument("uid must be a positive integer");
  if (request.version < 1 || request.version > 3) {
    throw std::invalid_argument("version must be 1, 2 or 3");
  }
  if (request.passphrase.size() > 128) throw std::invalid_argument("passphrase too long");
  for (char c : request.passphrase) {
    if (c < 0x20 || c > 0x7e) throw std::invalid_argument("passphrase must be printable ASCII");
  }
  for (const std::string& entry : request.ip_whitelist) {
    boost::system::error_code ec;
    if (entry.find('/') == std::string::npos) {
      boost::asio::ip::make_address(entry, ec);
    } else if (entry.find(':') == std::string::npos) {
      boost::asio::ip::make_network_v4(entry, ec);
    } else {
      boost::asio::ip::make_network_v6(entry, ec);
    }
    if (ec) throw std::invalid_argument("not an IP address or CIDR block: " + entry);
  }
}

}  // namespace

KeyAdmin::KeyAdmin(const std::string& db_path, const SecretBox& box, const Clock& clock)
    : db_(db_path), box_(box), clock_(clock) {
  EnsureSchema(db_);
}

CreatedKey KeyAdmin::Create(const NewKey& request) {
  Validate(request);
  CreatedKey created;
  created.api_key = NewKeyId(clock_.NowMs());
  created.secret = NewSecret();
  created.passphrase = request.passphrase.empty() ? NewPassphrase() : request.passphrase;
  created.uid = request.uid;
  gateway::Permissions permissions = request.permissions;
  permissions.Add(gateway::Permission::kGeneral);  // every KuCoin key has General
  std::string whitelist;
  for (const std::string& ip : request.ip_whitelist) {
    if (!whitelist.empty()) whitelist += ',';
    whitelist += ip;
  }
  const gateway::Digest mac = gateway::HmacSha256(created.secret, {created.passphrase});

  db_.Exec("BEGIN IMMEDIATE");
  try {
    db_.Prepare(
           "INSERT INTO users (uid, parent_uid, created_at, kyc_level) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT(uid) DO UPDATE SET parent_uid = CASE WHEN ?2 <> 0 THEN ?2 "
           "ELSE parent_uid END")
        .Bind(1, request.uid)
        .Bind(2, request.is_sub ? (request.parent_uid > 0 ? request.parent_uid : -1) : 0)
        .Bind(3, clock_.NowMs())
        .Bind(4, request.kyc_verified ? 1 : 0)
        .Run();
    db_.Prepare(
           "INSERT INTO api_keys (api_key, secret_sealed, passphrase_mac, version, uid, "
           "permissions, ip_whitelist, remark, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)")
        .Bind(1, created.api_key)
        .Bind(2, box_.Seal(created.secret))
        .BindBlob(3, std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()))
        .Bind(4, request.version)
        .Bind(5, request.uid)
        .Bind(6, permissions.ToString())
        .Bind(7, whitelist)
        .Bind(8, request.remark)
        .Bind(9, clock_.NowMs())
        .Run();
  } catch (...) {
    db_.Exec("ROLLBACK");
    throw;
  }
  db_.Exec("COMMIT");
  return created;
}

std::vector<KeyListing> KeyAdmin::List() {
  std::vector<KeyListing> out;
  auto rows = db_.Prepare(
      "SELECT k.api_key, k.uid, u.parent_uid, k.version, k.permissions, k.ip_whitelist, "
      "k.remark, k.created_at, k.enabled FROM api_keys k JOIN users u ON u.uid = k.uid "
      "ORDER BY k.created_at, k.api_key");
  while (rows.Step()) {
    out.push_back(KeyListing{rows.Text(0), rows.Int(1), rows.Int(2) != 0,
                             static_cast<int>(rows.Int(3)), rows.Text(4), rows.Text(5),
                             rows.Text(6), rows.Int(7), rows.Int(8) != 0});
  }
  return out;
}

bool KeyAdmin::Revoke(const std::string& api_key) {
  db_.Prepare(
         "UPDATE api_keys SET enabled = 0, revision = revision + 1 "
         "WHERE api_key = ?1 AND enabled = 1")
      .Bind(1, api_key)
      .Run();
  return sqlite3_changes(db_.handle()) > 0;
}

int64_t KeyAdmin::CountEnabledKeys() {
  auto rows = db_.Prepare("SELECT COUNT(*) FROM api_keys WHERE enabled = 1");
  rows.Step();
  return rows.Int(0);
}

}  // namespace kc::store
