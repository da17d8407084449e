#include "gateway/credentials.h"

namespace kc::gateway {
namespace {

namespace http = boost::beast::http;

enum class Charset { kKey, kBase64, kPrintable };

bool InCharset(char c, Charset charset) {
  const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  switch (charset) {
    case Charset::kKey:
      return alnum || c == '-' || c == '_';
    case Charset::kBase64:
      return alnum || c == '+' || c == '/' || c == '=';
    case Charset::kPrintable:
      return c >= 0x20 && c <= 0x7e;
  }
  return false;
}

struct HeaderRule {
  std::string_view name;
  size_t max_length;
  Charset charset;
};

// Lengths are generous multiples of what real clients send (24-char keys,
// 44-char signatures, 13-digit timestamps, passphrases up to 32 characters).
constexpr HeaderRule kKeyRule{"KC-API-KEY", 64, Charset::kKey};
constexpr HeaderRule kSignRule{"KC-API-SIGN", 128, Charset::kBase64};
constexpr HeaderRule kTimestampRule{"KC-API-TIMESTAMP", 32, Charset::kPrintable};
constexpr HeaderRule kPassphraseRule{"KC-API-PASSPHRASE", 128, Charset::kPrintable};
constexpr HeaderRule kVersionRule{"KC-API-KEY-VERSION", 8, Charset::kPrintable};
constexpr HeaderRule kPartnerRule{"KC-API-PARTNER", 128, Charset::kPrintable};
constexpr HeaderRule kPartnerSignRule{"KC-API-PARTNER-SIGN", 128, Charset::kBase64};

// nullopt when absent; an error when duplicated, empty, over-long or out of charset.
boost::system::result<std::optional<std::string_view>, Error> ReadOne(const http::fields& headers,
                                                                      const HeaderRule& rule) {
  auto range = headers.equal_range(rule.name);
  if (range.first == range.second) return std::optional<std::string_view>();
  if (std::next(range.first) != range.second) return Error(ErrorCode::kInvalidAuthorization);
  std::string_view value = range.first->value();
  if (value.empty() || value.size() > rule.max_length) {
    return Error(ErrorCode::kInvalidAuthorization);
  }
  for (char c : value) {
    if (!InCharset(c, rule.charset)) return Error(ErrorCode::kInvalidAuthorization);
  }
  return std::optional<std::string_view>(value);
}

}  // namespace

boost::system::result<Credentials, Error> ReadCredentials(const http::fields& headers) {
  Credentials credentials;
  struct Slot {
    const HeaderRule& rule;
    std::optional<std::string_view>& out;
  };
  std::optional<std::string_view> version;
  const Slot slots[] = {
      {kKeyRule, credentials.key},
      {kSignRule, credentials.sign},
      {kTimestampRule, credentials.timestamp},
      {kPassphraseRule, credentials.passphrase},
      {kVersionRule, version},
      {kPartnerRule, credentials.partner},
      {kPartnerSignRule, credentials.partner_sign},
  };
  // 400401 first: a request with no credential at all is "not logged in".
  bool any = false;
  for (const HeaderRule* rule : {&kKeyRule, &kSignRule, &kTimestampRule, &kPassphraseRule}) {
    any = any || headers.find(rule->name) != headers.end();
  }
  if (!any) return Error(ErrorCode::kAuthorizationRequired);

  for (const Slot& slot : slots) {
    auto value = ReadOne(headers, slot.rule);
    if (!value) return value.error();
    slot.out = *value;
  }
  if (version) {
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
