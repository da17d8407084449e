#include "gateway/explain.h"

#include <openssl/sha.h>

#include "gateway/query.h"

namespace kc::gateway {
namespace {

// A JSON string of printable ASCII only.
void AppendQuoted(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : digest) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

}  // namespace

std::vector<std::string> SignedPathForms(std::string_view target) {
  std::vector<std::string> forms{std::string(target)};
  if (target.find('%') != std::string_view::npos) forms.push_back(PercentDecode(target));
  if (target.size() > 1 && target.back() == '?') {
    forms.emplace_back(target.substr(0, target.size() - 1));
  }
  return forms;
}

std::string ExplainSignature(const Credentials& credentials, std::string_view method,
                             std::string_view target, std::string_view body) {
  const std::string_view timestamp = credentials.timestamp.value_or("");
  const bool capped = body.size() > kExplainBodyCap;
  std::string prehash(timestamp);
  prehash.append(method).append(target).append(body.substr(0, kExplainBodyCap));
  std::string out =
      R"x({"code":"400005","signed":"base64(HMAC-SHA256(secret, prehash))","prehash":)x";
  AppendQuoted(out, prehash);
  out += R"(,"timestamp":)";
  AppendQuoted(out, timestamp);
  out += R"(,"method":)";
  AppendQuoted(out, method);
  out += R"(,"pathsTried":[)";
  bool first = true;
  for (const std::string& form : SignedPathForms(target)) {
    if (!first) out += ',';
    first = false;
    AppendQuoted(out, form);
  }
  out += R"(],"bodyLength":)" + std::to_string(body.size());
  out += R"(,"bodyCapped":)" + std::string(capped ? "true" : "false");
  out += R"(,"bodySha256":")" + Sha256Hex(body) + "\"}";
  return out;
}

std::string ExplainPassphrase(const Credentials& credentials) {
  const bool plain = credentials.version == 1;
  std::string out = R"({"code":"400004","headerVersion":)" + std::to_string(credentials.version);
  out += R"(,"expected":)";
  AppendQuoted(out, plain ? "the passphrase as created (KC-API-KEY-VERSION 1 or absent)"
                          : "base64(HMAC-SHA256(secret, passphrase)) (KC-API-KEY-VERSION 2 or 3)");
  out += R"(,"form":")" + std::string(plain ? "plain" : "HMAC") + "\"}";
  return out;
}

}  // namespace kc::gateway
