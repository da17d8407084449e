#include "gateway/signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <list>
#include <memory>
#include <unordered_map>

namespace kc::gateway {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacPtr = std::unique_ptr<EVP_MAC, MacDeleter>;
using MacCtxPtr = std::unique_ptr<EVP_MAC_CTX, MacDeleter>;

EVP_MAC* HmacAlgorithm() {
  // Fetched once: EVP_MAC_fetch walks the provider tables.
  static MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) std::abort();
  return mac.get();
}

MacCtxPtr NewKeyedContext(std::string_view key) {
  MacCtxPtr ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()),
                           key.size(), params) != 1) {
    std::abort();  // out of memory or a broken OpenSSL: nothing sensible to do
  }
  return ctx;
}

Digest Finish(EVP_MAC_CTX* ctx, std::initializer_list<std::string_view> parts) {
  for (std::string_view part : parts) {
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  Digest out{};
  size_t written = 0;
  if (EVP_MAC_final(ctx, out.data(), &written, out.size()) != 1 || written != out.size()) {
    std::abort();
  }
  return out;
}

// This thread's keyed contexts, least recently used last. Bounded, so a flood
// of distinct keys cannot grow memory; a miss only costs one key schedule.
class ContextCache {
 public:
  EVP_MAC_CTX* Get(std::string_view cache_key, uint64_t generation, std::string_view secret) {
    auto it = index_.find(cache_key);
    if (it != index_.end()) {
      Entry& entry = *it->second;
      if (entry.generation == generation) {
        entries_.splice(entries_.begin(), entries_, it->second);
        // Re-init with no key reuses the stored key schedule.
        if (EVP_MAC_init(entry.ctx.get(), nullptr, 0, nullptr) != 1) std::abort();
        return entry.ctx.get();
      }
      entries_.erase(it->second);
      index_.erase(it);
    }
    if (entries_.size() >= kCapacity) {
      index_.erase(entries_.back().key);
      entries_.pop_back();
    }
    entries_.push_front(Entry{std::string(cache_key), generation, NewKeyedContext(secret)});
    index_.emplace(entries_.front().key, entries_.begin());
    return entries_.front().ctx.get();
  }

 private:
  static constexpr size_t kCapacity = 4096;
  struct Entry {
    std::string key;
    uint64_t generation;
    MacCtxPtr ctx;
  };
  std::list<Entry> entries_;
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace

Digest HmacSha256(std::string_view key, std::initializer_list<std::string_view> parts) {
  MacCtxPtr ctx = NewKeyedContext(key);
  return Finish(ctx.get(), parts);
}

Digest KeyedHmacSha256(std::string_view cache_key, uint64_t generation, std::string_view secret,
                       std::initializer_list<std::string_view> parts) {
  thread_local ContextCache cache;
  return Finish(cache.Get(cache_key, generation, secret), parts);
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Base64Encode(const Digest& digest) {
  return Base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 4096) return std::nullopt;
  size_t padding = 0;
  if (text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < text.size() - padding; ++i) {
    const char c = text[i];
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && c != '+' && c != '/') return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - padding);  // EVP_DecodeBlock counts padding as bytes
  return out;
}

namespace {

// Base64 digit values, kNotBase64 for anything else ('=' included).
constexpr uint8_t kNotBase64 = 0xff;
constexpr std::array<uint8_t, 256> MakeBase64Values() {
  std::array<uint8_t, 256> values{};
  for (uint8_t& value : values) value = kNotBase64;
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<uint8_t>(i);
  }
  return values;
}
constexpr std::array<uint8_t, 256> kBase64Values = MakeBase64Values();

}  // namespace

// Hand-written rather than Base64Decode + copy: it runs twice per signed
// request and this saves a std::string and EVP_DecodeBlock's generality.
// Accepts exactly the texts Base64Decode decodes to 32 bytes: 43 base64 digits
// and one '='. Like EVP_DecodeBlock, it ignores the 2 unused low bits of the
// last digit.
std::optional<Digest> Base64DecodeDigest(std::string_view text) {
  constexpr size_t kDigits = 43;  // ceil(32 * 8 / 6)
  if (text.size() != kDigits + 1 || text.back() != '=') return std::nullopt;
  auto digit = [&](size_t i) -> uint32_t {
    return kBase64Values[static_cast<unsigned char>(text[i])];
  };
  Digest digest;
  uint32_t seen = 0;  // any kNotBase64 sets bit 7; real digits are < 64
  size_t out = 0;
  size_t in = 0;
  for (; in + 4 <= kDigits; in += 4) {  // 10 groups of 4 digits -> 30 bytes
    const uint32_t a = digit(in), b = digit(in + 1), c = digit(in + 2), d = digit(in + 3);
    seen |= a | b | c | d;
    const uint32_t bits = a << 18 | b << 12 | c << 6 | d;
    digest[out++] = static_cast<unsigned char>(bits >> 16);
    digest[out++] = static_cast<unsigned char>(bits >> 8);
    digest[out++] = static_cast<unsigned char>(bits);
  }
  // The last 3 digits carry 16 bits (and 2 unused ones).
  const uint32_t a = digit(in), b = digit(in + 1), c = digit(in + 2);
  seen |= a | b | c;
  const uint32_t bits = a << 18 | b << 12 | c << 6;
  digest[out++] = static_cast<unsigned char>(bits >> 16);
  digest[out++] = static_cast<unsigned char>(bits >> 8);
  if (seen & 0x80) return std::nullopt;
  return digest;
}

bool ConstantTimeEquals(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SignRequest(std::string_view secret, std::string_view timestamp,
                        std::string_view method, std::string_view request_path,
                        std::string_view body) {
  return Base64Encode(HmacSha256(secret, {timestamp, method, request_path, body}));
}

std::string HashPassphrase(std::string_view secret, std::string_view passphrase) {
  return Base64Encode(HmacSha256(secret, {passphrase}));
}

}  // namespace kc::gateway
