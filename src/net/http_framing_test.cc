#include "net/http_framing.h"

#include <gtest/gtest.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

namespace kc::net {
namespace {

namespace http = boost::beast::http;

http::request_header<> Head(const std::string& bytes) {
  http::request_parser<http::string_body> parser;
  parser.eager(false);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(bytes), ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(parser.is_header_done());
  return parser.get().base();
}

TEST(HttpFraming, OnlyAFinalChunkedCodingIsTrusted) {
  EXPECT_TRUE(FramingIsSafe(Head("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n")));
  EXPECT_TRUE(FramingIsSafe(Head("GET / HTTP/1.1\r\n\r\n")));
  EXPECT_TRUE(FramingIsSafe(Head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")));
  EXPECT_TRUE(FramingIsSafe(Head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n")));
  EXPECT_FALSE(FramingIsSafe(Head("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n")));
  EXPECT_FALSE(FramingIsSafe(Head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")));
  EXPECT_FALSE(
      FramingIsSafe(Head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n")));
  EXPECT_FALSE(FramingIsSafe(Head("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")));
}

TEST(HttpFraming, BeastRefusesACodingAfterChunked) {
  // Beast's parser already fails this head (400 before FramingIsSafe runs).
  http::request_parser<http::string_body> parser;
  boost::beast::error_code ec;
  parser.put(
      boost::asio::buffer(std::string(
          "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n")),
      ec);
  EXPECT_EQ(ec, http::error::bad_transfer_encoding);
}

TEST(HttpFraming, AbsoluteFormBecomesOriginForm) {
  EXPECT_EQ(OriginForm("http://127.0.0.1:8080/api/v1/timestamp"), "/api/v1/timestamp");
  EXPECT_EQ(OriginForm("HTTPS://api.kucoin.com/api/v1/orders?symbol=BTC-USDT"),
            "/api/v1/orders?symbol=BTC-USDT");
  EXPECT_EQ(OriginForm("http://host"), "/");
  EXPECT_EQ(OriginForm("http://host?a=1"), "/?a=1");
  EXPECT_EQ(OriginForm("/api/v1/timestamp"), std::nullopt);
  EXPECT_EQ(OriginForm("*"), std::nullopt);
}

}  // namespace
}  // namespace kc::net
