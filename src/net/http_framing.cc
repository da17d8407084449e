#include "net/http_framing.h"

#include "core/ascii.h"

namespace kc::net {

namespace http = boost::beast::http;

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsNoCase(text.substr(0, prefix.size()), prefix);
}

}  // namespace

bool FramingIsSafe(const http::request_header<>& header) {
  auto [begin, end] = header.equal_range(http::field::transfer_encoding);
  if (begin == end) return true;
  if (header.version() < 11) return false;
  if (header.count(http::field::content_length) != 0) return false;
  // The codings of every Transfer-Encoding line, in order; the last one counts.
  std::string_view last;
  for (auto it = begin; it != end; ++it) {
    std::string_view value = it->value();
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      std::string_view coding = value.substr(start, comma - start);
      coding = Trim(coding.substr(0, coding.find(';')));  // transfer parameters
      if (!coding.empty()) last = coding;
      start = comma + 1;
    }
  }
  return EqualsNoCase(last, "chunked");
}

std::optional<std::string> OriginForm(std::string_view target) {
  std::string_view rest;
  if (StartsWithNoCase(target, "http://")) {
    rest = target.substr(7);
  } else if (StartsWithNoCase(target, "https://")) {
    rest = target.substr(8);
  } else {
    return std::nullopt;
  }
  const size_t path = rest.find_first_of("/?#");
  if (path == std::string_view::npos) return std::string("/");
  std::string out;
  if (rest[path] != '/') out = "/";
  out.append(rest.substr(path));
  return out;
}

}  // namespace kc::net
