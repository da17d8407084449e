// The admin listener's router ([admin] listen, default 127.0.0.1:8090): a
// small HTTP handler, apart from the KuCoin listener, that serves the control
// APIs (the test lab under /admin/v1/, and later metrics, health and the
// console). Each route says whether it needs `Authorization: Bearer <token>`
// (401 without it); a handler that throws BadRequest answers 400 naming the
// field. Handlers run on the admin listener's own event loop, so a control
// call that waits (a deposit becoming durable) never holds up trading traffic.
// Routes are added before serving; OnRequest runs on the admin loop.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_server.h"

namespace kc::admin {

namespace http = boost::beast::http;

struct AdminRequest {
  const net::HttpRequest& http;
  const net::Peer& peer;
  std::string_view path;
  std::vector<std::pair<std::string, std::string>> params;  // {name} segments of the pattern
  std::vector<std::pair<std::string, std::string>> query;   // decoded query pairs

  std::string_view Param(std::string_view name) const;
  // The first query value `name`; nullptr when absent.
  const std::string* Query(std::string_view name) const;
  // The body as a JSON object ({} when empty); BadRequest("body") otherwise.
  boost::json::object JsonBody() const;
};

struct AdminReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;

  static AdminReply Json(const boost::json::value& value, unsigned status = 200);
  // {"error": message, "field": field} (field omitted when empty).
  static AdminReply Error(unsigned status, std::string_view message, std::string_view field = {});
  static AdminReply Text(std::string body, std::string content_type = "text/plain");
};

// Thrown by a handler for input it refuses: 400 naming the field.
class BadRequest : public std::invalid_argument {
 public:
  BadRequest(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Thrown by a handler when what the path names does not exist: 404.
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Access { kToken, kOpen };

class Router final : public net::HttpHandler {
 public:
  using Handler = std::function<AdminReply(const AdminRequest&)>;

  // `token`: the bearer token every kToken route needs (never empty).
  explicit Router(std::string token);

  // `pattern`: "/admin/v1/keys/{apiKey}" ({name} matches one segment).
  void Add(http::verb method, std::string pattern, Handler handler, Access access = Access::kToken);

  void OnRequest(net::HttpRequest request, const net::Peer& peer,
                 net::Responder responder) override;
  net::HttpResponse OnUnreadable(net::ReadFailure failure) override;

  // Exposed for tests and for the router's own use.
  AdminReply Handle(const net::HttpRequest& request, const net::Peer& peer) const;

 private:
  struct Route {
    http::verb method;
    std::vector<std::string> segments;
    Handler handler;
    Access access;
  };
  bool Authorized(const net::HttpRequest& request) const;

  std::string token_;
  std::vector<Route> routes_;
};

}  // namespace kc::admin
