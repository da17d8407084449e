// Reading the KC-API-* headers of a request into Credentials, with the format
// checks that come before any key lookup (shared/KUCOIN-API.md, in order):
// 400401 none of them present, 400400 present but unusable, 400009 bad version.
// Pure function of the headers; any thread.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace kc::gateway {

struct Credentials {
  std::optional<std::string_view> key;
  std::optional<std::string_view> sign;
  std::optional<std::string_view> timestamp;
  std::optional<std::string_view> passphrase;
  int version = 1;  // KC-API-KEY-VERSION; absent means 1
  // Partner (broker) headers, verified by the policy stage.
  std::optional<std::string_view> partner;
  std::optional<std::string_view> partner_sign;
};

// Views point into `headers`, which must outlive the result.
boost::system::result<Credentials, Error> ReadCredentials(
    const boost::beast::http::fields& headers);

}  // namespace kc::gateway
