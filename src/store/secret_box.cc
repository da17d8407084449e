#include "store/secret_box.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "gateway/signature.h"

namespace kc::store {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

struct CipherDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(Bytes(out), static_cast<int>(n)) != 1) std::abort();
  return out;
}

std::optional<SecretBox> SecretBox::FromHex(std::string_view hex) {
  Key key;
  if (hex.size() != key.size() * 2) return std::nullopt;
  for (size_t i = 0; i < key.size(); ++i) {
    const int high = HexDigitValue(hex[i * 2]);
    const int low = HexDigitValue(hex[i * 2 + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    key[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return SecretBox(key);
}

SecretBox SecretBox::Load(std::string_view configured_hex, const std::string& data_dir) {
  std::string hex(configured_hex);
  if (hex.empty()) {
    if (const char* env = std::getenv("KCGATE_MASTER_KEY")) hex = env;
  }
  if (hex.empty()) {
    const std::filesystem::path path = std::filesystem::path(data_dir) / "master.key";
    std::ifstream in(path);
    if (in) {
      in >> hex;
    } else {
      hex = HexEncode(RandomBytes(32));
      const mode_t old_mask = ::umask(077);
      std::ofstream out(path);
      out << hex << '\n';
      out.close();
      ::umask(old_mask);
      if (!out) throw std::runtime_error("cannot write " + path.string());
    }
  }
  auto box = FromHex(hex);
  if (!box) throw std::runtime_error("the master key must be 64 hex digits");
  return *box;
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::string out = RandomBytes(kNonceBytes);
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  CipherPtr ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  int final_written = 0;
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), Bytes(out)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), Bytes(out) + kNonceBytes, &written, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + kNonceBytes + written, &final_written) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          Bytes(out) + kNonceBytes + plaintext.size()) != 1) {
    std::abort();
  }
  return gateway::Base64Encode(out);
}

SecretBox::Key SecretBox::Derive(std::string_view purpose) const {
  return gateway::HmacSha256(
      std::string_view(reinterpret_cast<const char*>(key_.data()), key_.size()), {purpose});
}

std::optional<std::string> SecretBox::Open(std::string_view sealed) const {
  auto raw = gateway::Base64Decode(sealed);
  if (!raw || raw->size() < kNonceBytes + kTagBytes) return std::nullopt;
  const size_t length = raw->size() - kNonceBytes - kTagBytes;
  std::string plain(length, '\0');
  CipherPtr ctx(EVP_CIPHER_CTX_new());
  int written = 0;
  int final_written = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), Bytes(*raw)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(plain), &written, Bytes(*raw) + kNonceBytes,
                        static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          Bytes(*raw) + kNonceBytes + length) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + written, &final_written) != 1) {
    return std::nullopt;
  }
  return plain;
}

}  // namespace kc::store
