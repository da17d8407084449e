// Connecting to kcgate's WebSocket order API as KuCoin's clients do: the
// signed connect query (apikey, timestamp, sign, passphrase), then the
// answer to the server's challenge. Shared by the WS API socket tests.
#pragma once

#include <memory>
#include <string>

#include "gateway/signature.h"
#include "test_client.h"
#include "ws_test_client.h"

namespace kc::testing {

// base64 with the characters a query string must escape.
inline std::string EscapeBase64(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '+') {
      out += "%2B";
    } else if (c == '/') {
      out += "%2F";
    } else if (c == '=') {
      out += "%3D";
    } else {
      out += c;
    }
  }
  return out;
}

// The query a client connects with; each part may be changed before use.
struct ConnectQuery {
  std::string apikey;
  std::string timestamp;
  std::string sign;
  std::string passphrase;
  std::string extra;  // "&partner=…" etc.

  static ConnectQuery For(const TestKey& key, int64_t now_ms = NowMs()) {
    ConnectQuery q;
    q.apikey = key.api_key;
    q.timestamp = std::to_string(now_ms);
    q.sign = gateway::Base64Encode(gateway::HmacSha256(key.secret, {key.api_key, q.timestamp}));
    q.passphrase = gateway::HashPassphrase(key.secret, key.passphrase);
    return q;
  }
  std::string Target() const {
    return "/v1/private?apikey=" + apikey + "&timestamp=" + timestamp +
           "&sign=" + EscapeBase64(sign) + "&passphrase=" + EscapeBase64(passphrase) + extra;
  }
};

// Answers the challenge `client` just received; returns the welcome frame's
// text, or nullopt (with a test failure) when there was no challenge.
inline std::optional<std::string> AnswerChallenge(WsTestClient& client, const TestKey& key) {
  const auto challenge = client.ReadText();
  if (!challenge) return std::nullopt;
  client.Send(gateway::Base64Encode(gateway::HmacSha256(key.secret, {*challenge})));
  return client.ReadText();
}

}  // namespace kc::testing
