#include "api/deposit_address.h"

namespace kc::api {
namespace {

// SplitMix64: a well-mixed stream of 64-bit words from one seed.
class Words {
 public:
  explicit Words(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

std::uint64_t Seed(std::uint64_t value, std::string_view chain_id, std::uint64_t salt) {
  std::uint64_t h = 1469598103934665603ull ^ salt;
  for (char c : chain_id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h ^ (value * 0x9E3779B97F4A7C15ull);
}

// `prefix` then `count` characters drawn from `alphabet` (appended in place:
// "0x" + std::string trips gcc 12's -Wrestrict false positive).
std::string Draw(Words& words, std::string_view prefix, std::string_view alphabet,
                 std::size_t count) {
  std::string out(prefix);
  out.reserve(prefix.size() + count);
  for (std::size_t i = 0; i < count; ++i) out += alphabet[words.Next() % alphabet.size()];
  return out;
}

constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::string_view kBech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::string_view kBase58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

bool IsEvm(const engine::ChainSpec& chain) {
  for (std::string_view id : {"eth", "kcc", "bsc", "arbitrum", "optimism", "matic", "base"}) {
    if (chain.chain_id == id) return true;
  }
  return chain.contract_address.rfind("0x", 0) == 0;
}

}  // namespace

std::string DepositAddress(std::uint64_t uid, const engine::ChainSpec& chain) {
  Words words(Seed(uid, chain.chain_id, 0xADD2E55));
  if (IsEvm(chain)) return Draw(words, "0x", kHex, 40);
  if (chain.chain_id == "btc") return Draw(words, "bc1q", kBech32, 38);
  if (chain.chain_id == "trx") return Draw(words, "T", kBase58, 33);
  if (chain.chain_id == "sol") return Draw(words, "", kBase58, 44);
  return Draw(words, "", kBase58, 34);
}

std::string WalletTxId(std::uint64_t id, const engine::ChainSpec& chain) {
  Words words(Seed(id, chain.chain_id, 0x7E1D));
  return Draw(words, IsEvm(chain) ? "0x" : "", kHex, 64);
}

}  // namespace kc::api
