// Decisions about a request head made before its body is read, as pure
// functions (unit-tested and fuzzed alone): whether its message framing is one
// kcgate can trust, and the origin-form of an absolute-form target.
// Any thread.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace kc::net {

// False when the body's length cannot be known safely (RFC 9112 §6.3): a
// Transfer-Encoding whose final coding is not `chunked` ("gzip",
// "chunked, identity"), one beside a Content-Length, or one on HTTP/1.0.
// Such a request is answered 400 and the connection closed, so no byte of its
// body can be taken for the next request (request smuggling).
bool FramingIsSafe(const boost::beast::http::request_header<>& header);

// "http://host:8080/api/v1/timestamp?x=1" -> "/api/v1/timestamp?x=1";
// nullopt when `target` is not absolute-form (RFC 9112 §3.2.2).
std::optional<std::string> OriginForm(std::string_view target);

}  // namespace kc::net
