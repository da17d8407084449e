// Fuzzes what kcgate decides from a request head before reading its body:
// Beast parses the head (as HttpSession does), then the framing check
// (Transfer-Encoding, request smuggling) and the absolute-form target rewrite.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <string_view>

#include "net/http_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = boost::beast::http;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto origin = kc::net::OriginForm(bytes)) {
    if (origin->empty() || (*origin)[0] != '/') __builtin_trap();
  }
  http::request_parser<http::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || !parser.is_header_done()) return 0;
  volatile bool safe = kc::net::FramingIsSafe(parser.get().base());
  (void)safe;
  if (auto origin = kc::net::OriginForm(parser.get().target())) {
    if (origin->empty() || (*origin)[0] != '/') __builtin_trap();
  }
  return 0;
}
