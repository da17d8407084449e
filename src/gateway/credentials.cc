#include "gateway/credentials.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <cstdint>

#include "core/ascii.h"

namespace kc::gateway {
namespace {

namespace http = boost::beast::http;

// Which characters each header may hold, one bit per charset, so that checking
// a value is one table load per character (this runs on every signed request).
constexpr uint8_t kKeyChars = 1;        // [A-Za-z0-9_-]
constexpr uint8_t kBase64Chars = 2;     // [A-Za-z0-9+/=]
constexpr uint8_t kPrintableChars = 4;  // 0x20..0x7e

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> classes{};
  for (int c = 0x20; c <= 0x7e; ++c) classes[c] = kPrintableChars;
  auto add = [&](int c, uint8_t bits) { classes[c] = static_cast<uint8_t>(classes[c] | bits); };
  for (int c = 'A'; c <= 'Z'; ++c) add(c, kKeyChars | kBase64Chars);
  for (int c = 'a'; c <= 'z'; ++c) add(c, kKeyChars | kBase64Chars);
  for (int c = '0'; c <= '9'; ++c) add(c, kKeyChars | kBase64Chars);
  add('-', kKeyChars);
  add('_', kKeyChars);
  add('+', kBase64Chars);
  add('/', kBase64Chars);
  add('=', kBase64Chars);
  return classes;
}
constexpr std::array<uint8_t, 256> kCharClasses = MakeCharClasses();

struct HeaderRule {
  std::string_view name;
  size_t max_length;
  uint8_t charset;
};

// Lengths are generous multiples of what real clients send (24-char keys,
// 44-char signatures, 13-digit timestamps, passphrases up to 32 characters).
enum Slot { kKey, kSign, kTimestamp, kPassphrase, kVersion, kPartner, kPartnerSign, kSlots };
constexpr std::array<HeaderRule, kSlots> kRules{{
    {"KC-API-KEY", 64, kKeyChars},
    {"KC-API-SIGN", 128, kBase64Chars},
    {"KC-API-TIMESTAMP", 32, kPrintableChars},
    {"KC-API-PASSPHRASE", 128, kPrintableChars},
    {"KC-API-KEY-VERSION", 8, kPrintableChars},
    {"KC-API-PARTNER", 128, kPrintableChars},
    {"KC-API-PARTNER-SIGN", 128, kBase64Chars},
}};

// The seven names all differ in length, so a field's length picks the one
// name it could be and a single case-insensitive compare settles it.
constexpr size_t kLongestName = 19;
constexpr std::array<int, kLongestName + 1> MakeSlotByLength() {
  std::array<int, kLongestName + 1> by_length{};
  for (int& slot : by_length) slot = -1;
  for (int slot = 0; slot < kSlots; ++slot) by_length[kRules[slot].name.size()] = slot;
  return by_length;
}
constexpr std::array<int, kLongestName + 1> kSlotByLength = MakeSlotByLength();

int SlotOf(std::string_view name) {
  if (name.size() > kLongestName) return -1;
  const int slot = kSlotByLength[name.size()];
  if (slot < 0) return -1;
  // Clients send the names as documented, so the exact compare (memcmp)
  // nearly always settles it before the case-insensitive one.
  return name == kRules[slot].name || EqualsNoCase(name, kRules[slot].name) ? slot : -1;
}

bool Usable(std::string_view value, const HeaderRule& rule) {
  if (value.empty() || value.size() > rule.max_length) return false;
  // No early exit: an AND over the classes of all characters is a tighter
  // loop, and rejecting a bad value fast does not matter.
  uint8_t classes = 0xff;
  for (char c : value) classes &= kCharClasses[static_cast<unsigned char>(c)];
  return (classes & rule.charset) != 0;
}

}  // namespace

// One pass over the fields (rather than a lookup per name: Beast's
// equal_range walks every field each time), then the checks in the order
// shared/KUCOIN-API.md gives: 400401, then 400400, then 400009.
boost::system::result<Credentials, Error> ReadCredentials(const http::fields& headers) {
  std::array<std::string_view, kSlots> values;
  std::array<int, kSlots> counts{};
  for (const auto& field : headers) {
    const int slot = SlotOf(field.name_string());
    if (slot < 0) continue;
    if (counts[slot]++ == 0) values[slot] = field.value();
  }
  // 400401 first: a request with no credential at all is "not logged in".
  if (counts[kKey] + counts[kSign] + counts[kTimestamp] + counts[kPassphrase] == 0) {
    return Error(ErrorCode::kAuthorizationRequired);
  }
  std::array<std::optional<std::string_view>, kSlots> read;
  for (int slot = 0; slot < kSlots; ++slot) {
    if (counts[slot] == 0) continue;
    if (counts[slot] > 1 || !Usable(values[slot], kRules[slot])) {
      return Error(ErrorCode::kInvalidAuthorization);
    }
    read[slot] = values[slot];
  }
  Credentials credentials;
  credentials.key = read[kKey];
  credentials.sign = read[kSign];
  credentials.timestamp = read[kTimestamp];
  credentials.passphrase = read[kPassphrase];
  credentials.partner = read[kPartner];
  credentials.partner_sign = read[kPartnerSign];
  if (const auto& version = read[kVersion]) {
    if (*version == "1") {
      credentials.version = 1;
    } else if (*version == "2") {
      credentials.version = 2;
    } else if (*version == "3") {
      credentials.version = 3;
    } else {
      return Error(ErrorCode::kInvalidKeyVersion);
    }
  }
  return credentials;
}

}  // namespace kc::gateway
