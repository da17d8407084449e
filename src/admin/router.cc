#include "admin/router.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>

namespace kc::admin {
namespace {

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParsePairs(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    out.emplace_back(Decode(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1)));
  }
  return out;
}

net::HttpResponse Render(const AdminReply& reply, unsigned version) {
  net::HttpResponse out(static_cast<http::status>(reply.status), version);
  out.set(http::field::content_type, reply.content_type);
  out.set(http::field::cache_control, "no-store");
  if (reply.status == 401) out.set(http::field::www_authenticate, "Bearer");
  out.body() = reply.body;
  out.prepare_payload();
  return out;
}

}  // namespace

std::string_view AdminRequest::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

const std::string* AdminRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

boost::json::object AdminRequest::JsonBody() const {
  const std::string& body = http.body();
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) throw BadRequest("body", "body is not JSON: " + ec.message());
  if (!value.is_object()) throw BadRequest("body", "body must be a JSON object");
  return std::move(value.get_object());
}

AdminReply AdminReply::Json(const boost::json::value& value, unsigned status) {
  return {status, "application/json", boost::json::serialize(value)};
}

AdminReply AdminReply::Error(unsigned status, std::string_view message, std::string_view field) {
  boost::json::object body{{"error", message}};
  if (!field.empty()) body["field"] = field;
  return Json(body, status);
}

AdminReply AdminReply::Text(std::string body, std::string content_type) {
  return {200, std::move(content_type), std::move(body)};
}

Router::Router(std::string token) : token_(std::move(token)) {}

void Router::Add(http::verb method, std::string pattern, Handler handler, Access access) {
  routes_.push_back(Route{method, Segments(pattern), std::move(handler), access});
}

bool Router::Authorized(const net::HttpRequest& request) const {
  auto header = request.find(http::field::authorization);
  if (header == request.end()) return false;
  std::string_view value = header->value();
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() < kScheme.size()) return false;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  value.remove_prefix(kScheme.size());
  // Same length first (the length is not the secret), then constant time.
  return value.size() == token_.size() &&
         CRYPTO_memcmp(value.data(), token_.data(), token_.size()) == 0;
}

AdminReply Router::Handle(const net::HttpRequest& request, const net::Peer& peer) const {
  std::string_view target = request.target();
  const size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::vector<std::string> segments = Segments(path);
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::pair<std::string, std::string>> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        params.emplace_back(want.substr(1, want.size() - 2), Decode(segments[i]));
      } else {
        matches = want == segments[i];
      }
    }
    if (!matches) continue;
    path_known = true;
    if (route.method != request.method()) continue;
    if (route.access == Access::kToken && !Authorized(request)) {
      return AdminReply::Error(401, "missing or wrong admin token (Authorization: Bearer ...)");
    }
    AdminRequest admin_request{
        request, peer, path, std::move(params),
        ParsePairs(question == std::string_view::npos ? "" : target.substr(question + 1))};
    try {
      return route.handler(admin_request);
    } catch (const BadRequest& e) {
      return AdminReply::Error(400, e.what(), e.field());
    } catch (const NotFound& e) {
      return AdminReply::Error(404, e.what());
    } catch (const std::exception& e) {
      spdlog::error("admin {} {}: {}", std::string(request.method_string()), std::string(path),
                    e.what());
      return AdminReply::Error(500, e.what());
    }
  }
  if (path_known) return AdminReply::Error(405, "method not allowed");
  return AdminReply::Error(404, "no such admin path");
}

void Router::OnRequest(net::HttpRequest request, const net::Peer& peer, net::Responder responder) {
  responder.Send(Render(Handle(request, peer), request.version()));
}

net::HttpResponse Router::OnUnreadable(net::ReadFailure /*failure*/) {
  return Render(AdminReply::Error(400, "unreadable HTTP request"), 11);
}

}  // namespace kc::admin
