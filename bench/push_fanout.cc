// push_fanout: the WebSocket fan-out benchmark. One process forks in two
// before any thread starts: the parent runs a kcgate server in-process and
// publishes through its push Publisher (as the market-data feed does); the
// child is the load client, N WebSocket connections subscribed to one topic.
// The two talk through pipes; CLOCK_MONOTONIC is shared, so the child can
// measure publish-to-receive latency from a timestamp in each message.
//
// Phases:
//   idle memory  the server's RSS before and after N connections (welcomed
//                and subscribed, no traffic): bytes per idle connection.
//   throughput   M messages published in batches of B, at most two batches
//                in flight (the child acks a batch when every connection has
//                its last message): deliveries/s = M*N / elapsed.
//   latency      messages at a fixed rate for a few seconds; percentiles of
//                publish -> client-received.
//
// The client parses server frames itself (unmasked, length-prefixed) so it
// is not the bottleneck; the server side is exactly what kcgate runs.
//
//   push_fanout --connections 1000 --messages 200000 --rate 2000
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/server.h"
#include "push/service.h"
#include "tools/latency_histogram.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

constexpr char kTopic[] = "/market/match:BTC-USDT";

struct Args {
  size_t connections = 1000;
  size_t messages = 200'000;
  size_t batch = 2'000;
  size_t message_bytes = 200;
  unsigned server_threads = 1;
  unsigned client_threads = 1;
  double rate = 1'000;  // messages/s in the latency phase
  double latency_seconds = 5;
};

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// The message: fixed-width fields at fixed offsets so the client reads them
// without a JSON parser. phase 'T' (throughput) or 'L' (latency).
class MessageTemplate {
 public:
  explicit MessageTemplate(size_t bytes) {
    const std::string head = std::string(R"({"type":"message","topic":")") + kTopic +
                             R"(","subject":"trade.l3match","data":{"phase":")";
    phase_offset_ = head.size();
    text_ = head + R"(T","sequence":")";
    seq_offset_ = text_.size();
    text_ += std::string(12, '0') + R"(","time":")";
    ts_offset_ = text_.size();
    text_ += std::string(20, '0') + R"(","pad":")";
    const std::string tail = "\"}}";
    const size_t used = text_.size() + tail.size();
    text_ += std::string(bytes > used ? bytes - used : 0, 'x') + tail;
  }
  kc::push::Frame Make(char phase, uint64_t seq, int64_t ts) const {
    std::string text = text_;
    text[phase_offset_] = phase;
    Put(text, seq_offset_, 12, seq);
    Put(text, ts_offset_, 20, static_cast<uint64_t>(ts));
    return std::make_shared<const std::string>(std::move(text));
  }
  size_t size() const { return text_.size(); }
  size_t phase_offset() const { return phase_offset_; }
  size_t seq_offset() const { return seq_offset_; }
  size_t ts_offset() const { return ts_offset_; }

  static uint64_t Get(const char* p, size_t width) {
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v = v * 10 + static_cast<uint64_t>(p[i] - '0');
    return v;
  }

 private:
  static void Put(std::string& text, size_t offset, size_t width, uint64_t value) {
    for (size_t i = 0; i < width; ++i) {
      text[offset + width - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  }
  std::string text_;
  size_t phase_offset_ = 0, seq_offset_ = 0, ts_offset_ = 0;
};

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

// ---- the load client (child process) ----

struct ClientConnection {
  explicit ClientConnection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;
  std::string partial;
};

class LoadClient {
 public:
  LoadClient(const Args& args, const MessageTemplate& message, int ack_fd)
      : args_(args),
        message_(message),
        ack_fd_(ack_fd),
        reached_(args.messages / args.batch + 1),
        loops_(args.client_threads) {
    for (auto& loop : loops_) loop = std::make_unique<asio::io_context>(1);
    histograms_.resize(args.client_threads);
    for (auto& counter : reached_) counter.store(0);
  }

  void Connect(uint16_t port) {
    tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
    const std::string token = BulletToken(endpoint);
    for (size_t i = 0; i < args_.connections; ++i) {
      asio::io_context& loop = *loops_[i % loops_.size()];
      beast::websocket::stream<tcp::socket> ws(loop);
      ws.next_layer().connect(endpoint);
      ws.handshake("127.0.0.1", "/?token=" + token + "&connectId=b" + std::to_string(i));
      beast::flat_buffer buffer;
      ws.read(buffer);  // welcome
      buffer.clear();
      ws.write(asio::buffer(std::string(R"({"id":"s","type":"subscribe","topic":")") + kTopic +
                            R"(","response":true})"));
      ws.read(buffer);  // ack
      auto connection = std::make_unique<ClientConnection>(std::move(ws.next_layer()));
      connection->socket.non_blocking(true);
      Arm(i % loops_.size(), connection.get());
      connections_.push_back(std::move(connection));
    }
  }

  void Run() {
    for (size_t i = 0; i < loops_.size(); ++i) {
      threads_.emplace_back([this, i] { loops_[i]->run(); });
    }
  }

  void Stop() {
    for (auto& loop : loops_) loop->stop();
    for (auto& thread : threads_) thread.join();
  }

  kc::tools::LatencyHistogram Latencies() const {
    kc::tools::LatencyHistogram merged;
    for (const auto& h : histograms_) merged.Merge(h);
    return merged;
  }
  uint64_t deliveries() const { return deliveries_.load(); }
  double throughput_cpu_end() const { return throughput_cpu_end_.load(); }

 private:
  static std::string BulletToken(const tcp::endpoint& endpoint) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(endpoint);
    beast::http::request<beast::http::string_body> request(beast::http::verb::post,
                                                           "/api/v1/bullet-public", 11);
    request.set(beast::http::field::host, "127.0.0.1");
    request.prepare_payload();
    beast::http::write(stream, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(stream, buffer, response);
    auto data = boost::json::parse(response.body()).at("data");
    return std::string(data.at("token").as_string());
  }

  void Arm(size_t loop, ClientConnection* connection) {
    connection->socket.async_wait(tcp::socket::wait_read,
                                  [this, loop, connection](boost::system::error_code ec) {
                                    if (ec) return;
                                    OnReadable(loop, connection);
                                  });
  }

  void OnReadable(size_t loop, ClientConnection* connection) {
    thread_local std::vector<char> scratch(256 * 1024);
    for (;;) {
      boost::system::error_code ec;
      size_t n = connection->socket.read_some(asio::buffer(scratch), ec);
      if (ec == asio::error::would_block) break;
      if (ec) return;
      if (connection->partial.empty()) {
        size_t used = Parse(loop, scratch.data(), n);
        connection->partial.assign(scratch.data() + used, n - used);
      } else {
        connection->partial.append(scratch.data(), n);
        size_t used = Parse(loop, connection->partial.data(), connection->partial.size());
        connection->partial.erase(0, used);
      }
      if (n < scratch.size()) break;
    }
    Arm(loop, connection);
  }

  size_t Parse(size_t loop, const char* data, size_t size) {
    size_t offset = 0;
    const int64_t now = NowNs();
    uint64_t count = 0;
    while (size - offset >= 2) {
      const auto* p = reinterpret_cast<const uint8_t*>(data + offset);
      size_t header = 2;
      size_t length = p[1] & 0x7f;
      if (length == 126) {
        if (size - offset < 4) break;
        length = (size_t{p[2]} << 8) | p[3];
        header = 4;
      } else if (length == 127) {
        if (size - offset < 10) break;
        length = 0;
        for (int i = 2; i < 10; ++i) length = (length << 8) | p[i];
        header = 10;
      }
      if (size - offset < header + length) break;
      const char* payload = data + offset + header;
      if (length == message_.size()) {
        ++count;
        const char phase = payload[message_.phase_offset()];
        const uint64_t seq = MessageTemplate::Get(payload + message_.seq_offset(), 12);
        if (phase == 'L') {
          const auto ts =
              static_cast<int64_t>(MessageTemplate::Get(payload + message_.ts_offset(), 20));
          histograms_[loop].Record(static_cast<uint64_t>(now - ts));
        } else if (seq % args_.batch == args_.batch - 1) {
          const size_t batch = seq / args_.batch;
          if (reached_[batch].fetch_add(1) + 1 == args_.connections) {
            if (batch + 1 == args_.messages / args_.batch) throughput_cpu_end_ = CpuSeconds();
            WriteAll(ack_fd_, std::string(1, 'a'));
          }
        }
      }
      offset += header + length;
    }
    deliveries_.fetch_add(count, std::memory_order_relaxed);
    return offset;
  }

  const Args& args_;
  const MessageTemplate& message_;
  int ack_fd_;
  std::vector<std::atomic<uint32_t>> reached_;
  std::vector<std::unique_ptr<asio::io_context>> loops_;
  std::vector<std::unique_ptr<ClientConnection>> connections_;
  std::vector<kc::tools::LatencyHistogram> histograms_;
  std::vector<std::thread> threads_;
  std::atomic<uint64_t> deliveries_{0};
  std::atomic<double> throughput_cpu_end_{0};
};

int RunClient(const Args& args, int from_server, int to_server) {
  const MessageTemplate message(args.message_bytes);
  const uint16_t port = static_cast<uint16_t>(std::stoi(ReadLine(from_server)));
  LoadClient client(args, message, to_server);
  client.Connect(port);
  const double cpu_ready = CpuSeconds();
  WriteAll(to_server, "ready\n");
  client.Run();
  ReadLine(from_server);  // "done"
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  client.Stop();
  const auto latencies = client.Latencies();
  char line[512];
  std::snprintf(line, sizeof(line),
                "latency n=%llu p50=%.1fus p90=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus "
                "deliveries=%llu client_cpu_throughput_phase=%.2fs\n",
                static_cast<unsigned long long>(latencies.count()),
                static_cast<double>(latencies.ValueAtQuantile(0.5)) / 1e3,
                static_cast<double>(latencies.ValueAtQuantile(0.9)) / 1e3,
                static_cast<double>(latencies.ValueAtQuantile(0.99)) / 1e3,
                static_cast<double>(latencies.ValueAtQuantile(0.999)) / 1e3,
                static_cast<double>(latencies.max()) / 1e3,
                static_cast<unsigned long long>(client.deliveries()),
                client.throughput_cpu_end() - cpu_ready);
  WriteAll(to_server, line);
  return 0;
}

// ---- the server and publisher (parent process) ----

int RunServer(const Args& args, int to_client, int from_client, pid_t child) {
  const MessageTemplate message(args.message_bytes);
  const std::string data_dir =
      (std::filesystem::temp_directory_path() / ("kcgate-fanout-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(data_dir);
  kc::app::Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = data_dir;
  config.threads = args.server_threads;
  config.demo_key = false;
  config.push.max_connections = args.connections + 16;
  config.push.ping_interval_ms = 600'000;
  config.push.send_queue_bytes = 64 * 1024 * 1024;
  auto server = std::make_unique<kc::app::Server>(config);
  const auto endpoint = server->Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long rss_before = RssKb();
  WriteAll(to_client, std::to_string(endpoint.port()) + "\n");
  const auto connect_start = std::chrono::steady_clock::now();
  if (ReadLine(from_client) != "ready") {
    std::cerr << "client failed\n";
    return 1;
  }
  const double connect_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - connect_start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss_idle = RssKb();
  auto& hub = server->push_service().hub();
  std::printf(
      "connections=%zu (server sees %zu) server_threads=%u client_threads=%u "
      "message=%zu bytes\n",
      args.connections, hub.connections(), args.server_threads, args.client_threads,
      message.size());
  std::printf(
      "idle: rss %ld KB -> %ld KB, %.0f bytes per connection (connect+subscribe %.2f s)\n",
      rss_before, rss_idle,
      static_cast<double>(rss_idle - rss_before) * 1024.0 / static_cast<double>(args.connections),
      connect_s);
  std::fflush(stdout);

  kc::push::Publisher& publisher = server->push_service().publisher();
  const size_t batches = args.messages / args.batch;
  size_t acked = 0;
  auto wait_ack = [&] {
    char c;
    if (::read(from_client, &c, 1) == 1) ++acked;
  };
  const double cpu0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t b = 0; b < batches; ++b) {
    while (b >= acked + 2) wait_ack();
    for (size_t i = 0; i < args.batch; ++i) {
      publisher.Publish(kTopic, 0, message.Make('T', b * args.batch + i, NowNs()));
    }
  }
  while (acked < batches) wait_ack();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double server_cpu = CpuSeconds() - cpu0;
  const double deliveries = static_cast<double>(batches * args.batch * args.connections);
  std::printf(
      "throughput: %zu messages x %zu subscribers = %.0f deliveries in %.3f s = %.0f "
      "deliveries/s (%.0f messages/s published)\n",
      batches * args.batch, args.connections, deliveries, seconds, deliveries / seconds,
      static_cast<double>(batches * args.batch) / seconds);
  std::printf(
      "server cpu in throughput phase: %.2f s (%.0f deliveries per server cpu-second); "
      "rss after: %ld KB\n",
      server_cpu, deliveries / server_cpu, RssKb());
  std::fflush(stdout);

  // Latency at a fixed publish rate.
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / args.rate));
  const size_t count = static_cast<size_t>(args.rate * args.latency_seconds);
  auto next = std::chrono::steady_clock::now();
  for (size_t i = 0; i < count; ++i) {
    next += interval;
    std::this_thread::sleep_until(next);
    publisher.Publish(kTopic, 0, message.Make('L', i, NowNs()));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  WriteAll(to_client, "done\n");
  std::printf("latency at %.0f messages/s (%.0f deliveries/s) for %.1f s: %s\n", args.rate,
              args.rate * static_cast<double>(args.connections), args.latency_seconds,
              ReadLine(from_client).c_str());
  std::fflush(stdout);
  int status = 0;
  ::waitpid(child, &status, 0);
  server->Stop();
  server.reset();
  std::filesystem::remove_all(data_dir);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  CLI::App cli("kcgate WebSocket fan-out benchmark");
  cli.add_option("--connections", args.connections, "subscribed WebSocket connections");
  cli.add_option("--messages", args.messages, "messages in the throughput phase");
  cli.add_option("--batch", args.batch, "messages per batch (two batches in flight)");
  cli.add_option("--message-bytes", args.message_bytes, "size of each message");
  cli.add_option("--server-threads", args.server_threads, "kcgate event loops");
  cli.add_option("--client-threads", args.client_threads, "load client threads");
  cli.add_option("--rate", args.rate, "messages/s in the latency phase");
  cli.add_option("--latency-seconds", args.latency_seconds, "length of the latency phase");
  CLI11_PARSE(cli, argc, argv);
  args.messages = std::max(args.messages / args.batch, size_t{1}) * args.batch;

  // Every connection is a descriptor on each side.
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < args.connections + 64) {
    std::cerr << "ulimit -n is " << limit.rlim_cur << ": too low for " << args.connections
              << " connections\n";
    return 2;
  }

  int to_child[2], to_parent[2];
  if (::pipe(to_child) != 0 || ::pipe(to_parent) != 0) return 2;
  const pid_t child = ::fork();  // before any thread exists
  if (child < 0) return 2;
  if (child == 0) {
    ::close(to_child[1]);
    ::close(to_parent[0]);
    std::_Exit(RunClient(args, to_child[0], to_parent[1]));
  }
  ::close(to_child[0]);
  ::close(to_parent[1]);
  return RunServer(args, to_child[1], to_parent[0], child);
}
