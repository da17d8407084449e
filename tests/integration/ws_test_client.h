// A blocking WebSocket client for the push integration tests (Beast), with a
// timeout on every read: connects to kcgate's push endpoint, sends commands,
// reads messages as JSON, and tells whether the server closed the connection.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

namespace kc::testing {

class WsTestClient {
 public:
  // Opens ws://<endpoint><target>, e.g. target "/?token=...&connectId=abc".
  WsTestClient(boost::asio::ip::tcp::endpoint endpoint, const std::string& target) : ws_(io_) {
    boost::beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
    boost::beast::get_lowest_layer(ws_).connect(endpoint);
    boost::beast::get_lowest_layer(ws_).expires_never();
    ws_.control_callback(
        [this](boost::beast::websocket::frame_type kind, boost::beast::string_view payload) {
          if (kind == boost::beast::websocket::frame_type::pong) pongs_.emplace_back(payload);
        });
    ws_.handshake("127.0.0.1:" + std::to_string(endpoint.port()), target);
  }

  void Send(const std::string& text) {
    ws_.text(true);
    ws_.write(boost::asio::buffer(text));
  }
  void SendBinary(const std::string& bytes) {
    ws_.binary(true);
    ws_.write(boost::asio::buffer(bytes));
  }
  void Send(const boost::json::object& command) { Send(boost::json::serialize(command)); }
  // A WebSocket protocol ping; the pong shows up in pongs() during a later read.
  void ProtocolPing(const std::string& payload) {
    ws_.ping(boost::beast::websocket::ping_data(payload.c_str()));
  }

  // The next text message, or nullopt when the connection closed or nothing
  // came within `timeout` (see closed() / timed_out()).
  std::optional<std::string> ReadText(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    if (closed_) return std::nullopt;
    boost::beast::flat_buffer buffer;
    bool done = false;
    boost::beast::error_code ec;
    ws_.async_read(buffer, [&](boost::beast::error_code e, size_t) {
      done = true;
      ec = e;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      timed_out_ = true;
      boost::beast::get_lowest_layer(ws_).cancel();
      io_.restart();
      io_.run();
      return std::nullopt;
    }
    if (ec) {
      closed_ = true;
      close_code_ = ws_.reason().code;
      return std::nullopt;
    }
    return boost::beast::buffers_to_string(buffer.data());
  }

  // The next message as a JSON object; throws when there is none.
  boost::json::object Read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto text = ReadText(timeout);
    if (!text) {
      throw std::runtime_error(closed_ ? "connection closed" : "no message within the timeout");
    }
    return boost::json::parse(*text).as_object();
  }

  // Reads until the server closes (true) or `timeout` passes (false).
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      if (!ReadText(left) && !closed_) return false;
    }
    return true;
  }

  void Close() {
    boost::beast::error_code ignored;
    ws_.close(boost::beast::websocket::close_code::normal, ignored);
    closed_ = true;
  }

  bool closed() const { return closed_; }
  bool timed_out() const { return timed_out_; }
  uint16_t close_code() const { return close_code_; }
  const std::vector<std::string>& pongs() const { return pongs_; }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  bool closed_ = false;
  bool timed_out_ = false;
  uint16_t close_code_ = 0;
  std::vector<std::string> pongs_;
};

}  // namespace kc::testing
