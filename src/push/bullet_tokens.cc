#include "push/bullet_tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <cstring>

namespace kc::push {
namespace {

constexpr unsigned char kVersion = 1;
// version(1) flags(1) expiry(8) uid(8) nonce(16) | tag(16)
constexpr size_t kBodyBytes = 1 + 1 + 8 + 8 + 16;
constexpr size_t kTagBytes = 16;
constexpr size_t kTokenBytes = kBodyBytes + kTagBytes;
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void PutU64(unsigned char* out, uint64_t value) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<unsigned char>(value & 0xff);
    value >>= 8;
  }
}

uint64_t GetU64(const unsigned char* in) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}

std::string Base64Url(const unsigned char* data, size_t size) {
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  uint32_t bits = 0;
  int count = 0;
  for (size_t i = 0; i < size; ++i) {
    bits = (bits << 8) | data[i];
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += kAlphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
  return out;
}

// Decodes exactly `size` bytes; false on a wrong length or a character outside the alphabet.
bool FromBase64Url(std::string_view text, unsigned char* out, size_t size) {
  if (text.size() != (size * 4 + 2) / 3) return false;
  uint32_t bits = 0;
  int count = 0;
  size_t written = 0;
  for (char c : text) {
    int value = -1;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    if (c >= '0' && c <= '9') value = c - '0' + 52;
    if (c == '-') value = 62;
    if (c == '_') value = 63;
    if (value < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      if (written == size) return false;
      out[written++] = static_cast<unsigned char>((bits >> count) & 0xff);
    }
  }
  // The unused low bits of the last character must be zero: one text per token.
  return written == size && (bits & ((1u << count) - 1)) == 0;
}

}  // namespace

BulletTokens::BulletTokens(const Clock& clock, int64_t ttl_ms, std::optional<Secret> secret)
    : clock_(clock), ttl_ms_(ttl_ms) {
  if (secret) {
    secret_ = *secret;
  } else if (RAND_bytes(secret_.data(), static_cast<int>(secret_.size())) != 1) {
    std::abort();
  }
}

std::string BulletTokens::IssuePublic() const { return Issue(0, false); }

std::string BulletTokens::IssuePrivate(int64_t uid) const { return Issue(uid, true); }

std::string BulletTokens::Issue(int64_t uid, bool is_private) const {
  std::array<unsigned char, kTokenBytes> token{};
  token[0] = kVersion;
  token[1] = is_private ? 1 : 0;
  PutU64(&token[2], static_cast<uint64_t>(clock_.NowMs() + ttl_ms_));
  PutU64(&token[10], static_cast<uint64_t>(uid));
  if (RAND_bytes(&token[18], 16) != 1) std::abort();
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int tag_size = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), token.data(), kBodyBytes,
       tag, &tag_size);
  std::memcpy(&token[kBodyBytes], tag, kTagBytes);
  return Base64Url(token.data(), token.size());
}

std::optional<TokenGrant> BulletTokens::Verify(std::string_view text) const {
  std::array<unsigned char, kTokenBytes> token{};
  if (!FromBase64Url(text, token.data(), token.size())) return std::nullopt;
  unsigned char tag[EVP_MAX_MD_SIZE];
  unsigned int tag_size = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()), token.data(), kBodyBytes,
       tag, &tag_size);
  if (CRYPTO_memcmp(tag, &token[kBodyBytes], kTagBytes) != 0) return std::nullopt;
  if (token[0] != kVersion || token[1] > 1) return std::nullopt;
  TokenGrant grant;
  grant.is_private = token[1] == 1;
  grant.expires_at_ms = static_cast<int64_t>(GetU64(&token[2]));
  grant.uid = static_cast<int64_t>(GetU64(&token[10]));
  if (clock_.NowMs() >= grant.expires_at_ms) return std::nullopt;
  return grant;
}

}  // namespace kc::push
