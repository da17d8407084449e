// The WebSocket order API's connect check, before any challenge:
//   GET
//   /v1/private?apikey=…&timestamp=…&sign=…&passphrase=…[&partner=…&partner_sign=…][&enable_ns=true]
// Parameters are read by name in any order and percent-decoded. The checks
// and their codes are the REST gateway's (gateway::Authenticate::Verify and
// the access policy): 501000 closed for maintenance, 400302 blocked country,
// 400002, 400003, 400004 (passphrase hashed, as REST v2/v3), 400005 (sign =
// base64(HMAC-SHA256(secret, apikey + timestamp))), 400201/400202 for a
// configured partner (an unknown one is ignored), 400006, 400007 (the key
// needs Spot trading), 400301, 400303/400304, 411200. Any thread.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/service_state.h"
#include "gateway/access_policy.h"
#include "gateway/api_key.h"
#include "gateway/authenticate.h"

namespace kc::wsapi {

struct ConnectParams {
  std::optional<std::string> apikey;
  std::optional<std::string> timestamp;
  std::optional<std::string> sign;
  std::optional<std::string> passphrase;
  std::optional<std::string> partner;
  std::optional<std::string> partner_sign;
  bool enable_ns = false;  // inTime/outTime in nanoseconds
};

// The first value of each parameter of `target`'s query, percent-decoded.
ConnectParams ReadConnectParams(std::string_view target);

class ConnectCheck {
 public:
  ConnectCheck(const gateway::Authenticate& authenticate, const gateway::PolicyOptions& policy,
               const ServiceState& service, std::string path)
      : authenticate_(authenticate), policy_(policy), service_(service), path_(std::move(path)) {}

  boost::system::result<std::shared_ptr<const gateway::ApiKey>, Error> Check(
      const ConnectParams& params, const boost::beast::http::fields& headers,
      std::string_view ip) const;

 private:
  const gateway::Authenticate& authenticate_;
  const gateway::PolicyOptions& policy_;
  const ServiceState& service_;
  std::string path_;
};

}  // namespace kc::wsapi
