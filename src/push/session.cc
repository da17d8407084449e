// The session's write path is where fan-out cost lives: frames are queued as
// pointers to shared OutFrames, and one sendmsg sends up to 480 of them as a
// gather of (header, payload) pairs from the loop's scratch iovecs, so a
// subscriber that receives many messages between two writes costs one system
// call, not one per message (asio's async_write caps a gather at 64 iovecs,
// 32 frames, and keeps per-operation state: hence the direct non-blocking
// sendmsg, with asio only waiting for writability when the socket is full).
// The read path waits for readability and reads into its loop's scratch
// buffer; only the bytes of an incomplete frame are kept per session.
#include "push/session.h"

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <array>
#include <atomic>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <utility>

namespace kc::push {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kMaxBytesPerWrite = 512 * 1024;
constexpr int64_t kCloseHandshakeMs = 2000;
constexpr int kReadsPerWakeup = 4;

std::string Quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

std::string TypedReply(std::string_view id, std::string_view type) {
  std::string out = R"({"id":)";
  out += Quoted(id);
  out += R"(,"type":")";
  out += type;
  out += "\"}";
  return out;
}

void Release(OutFrame* frame) {
  if (--frame->refs == 0) delete frame;
}

// A fault rule's code: digits (lab/fault_routes.cc checks them).
int ParseInt(std::string_view digits) {
  int value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

}  // namespace

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Session::Session(Hub& hub, const TopicRegistry& topics, size_t shard, tcp::socket socket,
                 std::string connect_id, std::string peer)
    : hub_(hub),
      topics_(topics),
      options_(hub.options()),
      shard_(shard),
      socket_(std::move(socket)),
      connect_id_(std::move(connect_id)),
      peer_(std::move(peer)) {}

Session::~Session() {
  for (size_t i = queue_head_; i < queue_.size(); ++i) Release(queue_[i]);
}

void Session::Start(std::optional<TokenGrant> grant, std::string_view path) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) return Abort("cannot make the socket non-blocking");
  last_seen_ms_ = window_start_ms_ = SteadyNowMs();
  hub_.Attach(shard_, this);
  Read();
  if (!hub_.AdmitConnection()) return CloseWith(connect_id_, WsError::kServiceBusy);
  admitted_ = true;
  if (hub_.service_stopped()) return CloseWith(connect_id_, WsError::kServiceStopped);
  if (!grant) return CloseWith(connect_id_, WsError::kTokenInvalid);
  uid_ = grant->uid;
  is_private_ = grant->is_private;
  if (is_private_) {
    if (!hub_.AdmitUser(uid_)) return CloseWith(connect_id_, WsError::kTooManySessions);
    user_admitted_ = true;
  }
  if (FaultBook* faults = hub_.faults()) {
    if (auto fault = faults->Fire(FaultSubject{.kind = FaultKind::kConnect,
                                               .method = "GET",
                                               .path = path,
                                               .uid = is_private_ ? uid_ : 0,
                                               .api_key = {},
                                               .ip = peer_,
                                               .topic = {},
                                               .op = {}})) {
      return ApplyConnectFault(std::move(*fault));
    }
  }
  Welcome();
}

void Session::Welcome() {
  state_ = State::kOpen;
  opened_ms_ = SteadyNowMs();
  ReportSession(/*opened=*/true);
  Reply(TypedReply(connect_id_, "welcome"));
  Write();
}

// A code or a close on connect: the error frame instead of the welcome, then
// the close (a session KuCoin refuses). Code validity: lab/fault_routes.cc.
void Session::ApplyConnectFault(FaultAction fault) {
  if (fault.delay_ms > 0) {
    const int64_t delay_ms = std::exchange(fault.delay_ms, 0);
    return AfterDelay(delay_ms, State::kStarting, [this, fault = std::move(fault)] {
      ApplyConnectFault(fault);
      Write();
    });
  }
  if (fault.disconnect) return Abort("test lab fault: disconnect");
  if (!fault.close_code.empty()) {
    return CloseWith(connect_id_, ParseInt(fault.close_code), fault.close_message);
  }
  if (!fault.code.empty()) return CloseWith(connect_id_, ParseInt(fault.code), fault.message);
  Welcome();
}

void Session::AfterDelay(int64_t delay_ms, State state, std::function<void()> then) {
  auto timer = std::make_shared<asio::steady_timer>(socket_.get_executor(),
                                                    std::chrono::milliseconds(delay_ms));
  timer->async_wait([self = shared_from_this(), timer, state,
                     then = std::move(then)](boost::system::error_code ec) {
    if (!ec && self->state_ == state) then();
  });
}

// ---- input ----

void Session::Read() {
  if (reading_ || state_ == State::kClosed) return;
  reading_ = true;
  socket_.async_wait(tcp::socket::wait_read,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       self->reading_ = false;
                       if (ec) return self->Abort("read failed");
                       self->OnReadable();
                     });
}

void Session::OnReadable() {
  std::span<char> scratch = hub_.ScratchBuffer(shard_);
  for (int round = 0; round < kReadsPerWakeup && state_ != State::kClosed; ++round) {
    boost::system::error_code ec;
    const size_t n = socket_.read_some(asio::buffer(scratch.data(), scratch.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) {
      // EOF after our close frame ends the close handshake; before it, the peer left.
      if (state_ == State::kClosing) {
        Finish();
        boost::system::error_code ignored;
        socket_.close(ignored);
        return;
      }
      return Abort(ec == asio::error::eof ? "peer closed" : "read failed");
    }
    last_seen_ms_ = SteadyNowMs();
    if (inbox_.empty()) {
      const size_t used = ProcessBytes(scratch.data(), n);
      if (used < n && state_ != State::kClosed) inbox_.assign(scratch.data() + used, n - used);
    } else {
      inbox_.append(scratch.data(), n);
      const size_t used = ProcessBytes(inbox_.data(), inbox_.size());
      if (state_ != State::kClosed) {
        inbox_.erase(0, used);
        if (inbox_.empty()) std::string().swap(inbox_);
      }
    }
    if (n < scratch.size()) break;
  }
  if (state_ == State::kClosed) return;
  Write();
  Read();
}

size_t Session::ProcessBytes(char* data, size_t size) {
  size_t offset = 0;
  while (offset < size && state_ != State::kClosed) {
    ws::Frame frame;
    size_t used = 0;
    switch (ws::ParseClientFrame(std::span<char>(data + offset, size - offset),
                                 options_.max_message_bytes, &frame, &used)) {
      case ws::ParseResult::kNeedMore:
        return offset;
      case ws::ParseResult::kProtocolError:
        StartClose(1002);
        return size;
      case ws::ParseResult::kTooBig:
        StartClose(1009);
        return size;
      case ws::ParseResult::kFrame:
        break;
    }
    offset += used;
    OnFrame(frame.opcode, frame.fin, frame.payload);
  }
  return offset;
}

void Session::OnFrame(ws::Opcode opcode, bool fin, std::string_view payload) {
  switch (opcode) {
    case ws::Opcode::kPing:
      if (state_ == State::kOpen) Reply(std::string(payload), ws::Opcode::kPong);
      return;
    case ws::Opcode::kPong:
      return;
    case ws::Opcode::kClose:
      if (state_ == State::kClosing) {
        // The peer answered our close frame.
        Finish();
        boost::system::error_code ignored;
        socket_.close(ignored);
        return;
      }
      // Echo the peer's status code and close.
      StartClose(payload.size() >= 2
                     ? static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) |
                                             static_cast<uint8_t>(payload[1]))
                     : 1000);
      return;
    case ws::Opcode::kText:
    case ws::Opcode::kBinary:
      if (in_fragmented_message_) return StartClose(1002);
      if (fin) return OnComplete(opcode == ws::Opcode::kBinary, payload);
      fragments_.assign(payload);
      in_fragmented_message_ = true;
      fragments_binary_ = opcode == ws::Opcode::kBinary;
      return;
    case ws::Opcode::kContinuation:
      if (!in_fragmented_message_) return StartClose(1002);
      if (fragments_.size() + payload.size() > options_.max_message_bytes) {
        return StartClose(1009);
      }
      fragments_.append(payload);
      if (fin) {
        in_fragmented_message_ = false;
        std::string message;
        message.swap(fragments_);
        OnComplete(fragments_binary_, message);
      }
      return;
  }
}

void Session::OnComplete(bool binary, std::string_view payload) {
  if (binary) {
    if (state_ != State::kOpen) return;
    CountMessage();
    return SendError(connect_id_, WsError::kReceiveError);
  }
  if (!ws::IsValidUtf8(payload)) return StartClose(1007);
  OnMessage(payload);
}

bool Session::CountMessage() {
  const int64_t now = SteadyNowMs();
  if (now - window_start_ms_ >= options_.message_window_ms) {
    window_start_ms_ = now;
    window_messages_ = 0;
    window_errors_ = 0;
  }
  return ++window_messages_ <= options_.max_messages_per_window;
}

void Session::OnMessage(std::string_view text) {
  if (state_ != State::kOpen) return;
  const bool within_limit = CountMessage();
  auto command = ParseClientCommand(text);
  if (!command) {
    const CommandError& error = command.error();
    return SendError(error.has_id ? error.id : connect_id_,
                     within_limit ? error.error : WsError::kTooManyMessages);
  }
  const std::string& id = command->has_id ? command->id : connect_id_;
  if (!within_limit) return SendError(id, WsError::kTooManyMessages);
  try {
    switch (command->type) {
      case CommandType::kPing:
        return Reply(TypedReply(id, "pong"));
      case CommandType::kSubscribe:
        return OnSubscribe(*command);
      case CommandType::kUnsubscribe:
        return OnUnsubscribe(*command);
    }
  } catch (const std::exception& e) {
    // Whatever failed inside, the session survives and the client learns it.
    spdlog::error("push: session {} ({}): command failed: {}", connect_id_, peer_, e.what());
    SendError(id, WsError::kSystemError);
  }
}

void Session::OnSubscribe(const ClientCommand& command) {
  const std::string& id = command.has_id ? command.id : connect_id_;
  if (command.topic_invalid) return SendError(id, WsError::kTopicInvalid);
  auto request = topics_.Parse(command.topic, options_.max_topics_per_command);
  if (!request) return SendError(id, request.error());
  if (request->is_private && !is_private_) return SendError(id, WsError::kLoginRequired);
  if (FaultBook* faults = hub_.faults()) {
    if (auto fault = faults->Fire(FaultSubject{.kind = FaultKind::kPush,
                                               .method = {},
                                               .path = {},
                                               .uid = is_private_ ? uid_ : 0,
                                               .api_key = {},
                                               .ip = peer_,
                                               .topic = command.topic,
                                               .op = "subscribe"})) {
      return ApplySubscribeFault(id, std::move(*request), command.response, std::move(*fault));
    }
  }
  Subscribe(id, *request, command.response);
}

void Session::ApplySubscribeFault(std::string id, TopicRequest request, bool ack,
                                  FaultAction fault) {
  if (fault.delay_ms > 0) {
    // Later commands of the session are not held: their answers may come first.
    const int64_t delay_ms = std::exchange(fault.delay_ms, 0);
    return AfterDelay(delay_ms, State::kOpen,
                      [this, id = std::move(id), request = std::move(request), ack,
                       fault = std::move(fault)]() mutable {
                        ApplySubscribeFault(std::move(id), std::move(request), ack,
                                            std::move(fault));
                        Write();
                      });
  }
  if (fault.disconnect) return Abort("test lab fault: disconnect");
  if (!fault.close_code.empty()) {
    return CloseWith(connect_id_, ParseInt(fault.close_code), fault.close_message);
  }
  if (fault.code.empty()) return Subscribe(id, request, ack);
  // after: execute subscribes for real; the client sees only the error.
  if (fault.after_execute) Subscribe(id, request, /*ack=*/false);
  Reply(ErrorFrame(id, ParseInt(fault.code), fault.message));
}

void Session::Subscribe(std::string_view id, const TopicRequest& request, bool ack) {
  auto subscribed = [this](const std::string& topic) {
    for (const Subscription& sub : subscriptions_) {
      if (sub.state->topic == topic) return true;
    }
    return false;
  };
  size_t added = 0;
  for (const std::string& topic : request.topics) added += subscribed(topic) ? 0 : 1;
  if (subscriptions_.size() + added > options_.max_topics_per_session) {
    return SendError(id, WsError::kTooManyTopicsPerSession);
  }
  const int64_t owner = request.is_private ? uid_ : 0;
  for (const std::string& topic : request.topics) {
    if (subscribed(topic)) continue;
    uint32_t slot = 0;
    auto state = hub_.Subscribe(shard_, topic, owner, this, &slot);
    subscriptions_.push_back(Subscription{std::move(state), slot});
  }
  if (ack) Reply(TypedReply(id, "ack"));
}

void Session::OnUnsubscribe(const ClientCommand& command) {
  const std::string& id = command.has_id ? command.id : connect_id_;
  if (command.topic_invalid) return SendError(id, WsError::kTopicInvalid);
  auto request = topics_.Parse(command.topic, options_.max_topics_per_command);
  if (!request) return SendError(id, request.error());
  if (request->is_private && !is_private_) return SendError(id, WsError::kLoginRequired);
  for (const std::string& topic : request->topics) {
    for (size_t i = 0; i < subscriptions_.size(); ++i) {
      if (subscriptions_[i].state->topic == topic) {
        RemoveSubscription(i);
        break;
      }
    }
  }
  if (command.response) Reply(TypedReply(id, "ack"));
}

void Session::RemoveSubscription(size_t index) {
  Subscription sub = std::move(subscriptions_[index]);
  subscriptions_[index] = std::move(subscriptions_.back());
  subscriptions_.pop_back();
  hub_.Unsubscribe(shard_, sub.state, sub.slot);
}

void Session::OnSlotMoved(const TopicState* state, uint32_t slot) {
  for (Subscription& sub : subscriptions_) {
    if (sub.state.get() == state) {
      sub.slot = slot;
      return;
    }
  }
}

// ---- errors and closing ----

void Session::SendError(std::string_view id, WsError error) {
  if (Describe(error).closes) return CloseWith(id, error);
  Reply(ErrorFrame(id, error));
  if (++window_errors_ > options_.max_errors_per_window) {
    spdlog::info("push: session {} ({}): too many errors, disconnecting", connect_id_, peer_);
    CloseWith(connect_id_, WsError::kTooManyErrors);
  }
}

void Session::CloseWith(std::string_view id, WsError error) {
  const WsErrorInfo& info = Describe(error);
  CloseWith(id, info.code, info.message);
}

void Session::CloseWith(std::string_view id, int code, std::string_view message) {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  if (close_reason_.empty()) close_reason_ = std::to_string(code) + " " + std::string(message);
  Reply(ErrorFrame(id, code, message));
  StartClose(1000);
}

void Session::StartClose(uint16_t code) {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  state_ = State::kClosing;
  while (!subscriptions_.empty()) RemoveSubscription(subscriptions_.size() - 1);
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xff);
  Reply(std::move(payload), ws::Opcode::kClose);
  shutdown_after_write_ = true;
  close_deadline_ms_ = SteadyNowMs() + kCloseHandshakeMs;
  Write();
}

void Session::Abort(std::string_view reason) {
  if (state_ == State::kClosed) return;
  spdlog::debug("push: session {} ({}) dropped: {}", connect_id_, peer_, reason);
  if (close_reason_.empty()) close_reason_ = reason;
  Finish();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void Session::Finish() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ReportSession(/*opened=*/false);
  while (!subscriptions_.empty()) RemoveSubscription(subscriptions_.size() - 1);
  hub_.Detach(shard_, this);
  if (admitted_) hub_.ReleaseConnection();
  if (user_admitted_) hub_.ReleaseUser(uid_);
  admitted_ = user_admitted_ = false;
  std::string().swap(inbox_);
  std::string().swap(fragments_);
}

void Session::ReportSession(bool opened) {
  AccessObserver* observer = hub_.observer();
  if (observer == nullptr) return;
  SessionRecord record;
  record.kind = SessionKind::kPush;
  record.opened = opened;
  record.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  record.client_ip = peer_;
  record.session_id = connect_id_;
  record.uid = is_private_ ? uid_ : 0;
  if (!opened) {
    record.reason = close_reason_.empty() ? std::string_view("closed by the client")
                                          : std::string_view(close_reason_);
    record.duration_ms = opened_ms_ == 0 ? 0 : SteadyNowMs() - opened_ms_;
  }
  observer->OnSession(record);
}

void Session::CloseForService() { CloseWith(connect_id_, WsError::kServiceStopped); }

void Session::Sweep(int64_t now_ms) {
  if (state_ == State::kOpen &&
      now_ms - last_seen_ms_ > options_.ping_interval_ms + options_.ping_timeout_ms) {
    CloseWith(connect_id_, WsError::kPingTimeout);
  } else if (state_ == State::kClosing && now_ms > close_deadline_ms_) {
    Abort("close handshake timed out");
  }
}

// ---- output ----

void Session::Reply(std::string payload, ws::Opcode opcode) {
  auto* frame = new OutFrame{nullptr, std::move(payload), opcode, 0};
  Enqueue(frame);
}

void Session::Enqueue(OutFrame* frame) {
  if (state_ == State::kClosed) {
    if (frame->refs == 0) delete frame;
    return;
  }
  ++frame->refs;
  queue_.push_back(frame);
  queued_bytes_ += frame->payload().size() + ws::kMaxHeaderBytes;
  if (queued_bytes_ > options_.send_queue_bytes) {
    PushCounters::Bump(hub_.counters(shard_).slow_consumers, 1);
    spdlog::warn("push: session {} ({}) disconnected: {} bytes queued, client not reading",
                 connect_id_, peer_, queued_bytes_);
    // Posted: the hub may be walking a subscriber list that Abort would change.
    asio::post(socket_.get_executor(),
               [self = shared_from_this()] { self->Abort("send queue full"); });
    state_ = State::kClosing;  // takes no more frames until the abort runs
    close_deadline_ms_ = 0;
  }
}

void Session::EnqueueShared(OutFrame* frame, std::vector<Session*>& to_flush) {
  if (state_ != State::kOpen) return;
  Enqueue(frame);
  if (!writing_ && !flush_pending_) {
    flush_pending_ = true;
    to_flush.push_back(this);
  }
}

void Session::Flush() {
  flush_pending_ = false;
  Write();
}

void Session::Write() {
  if (writing_ || state_ == State::kClosed) return;
  WriteScratch& scratch = hub_.write_scratch(shard_);
  while (queue_head_ < queue_.size()) {
    size_t iovs = 0;
    size_t frames = 0;
    size_t offered = 0;
    for (size_t i = queue_head_;
         i < queue_.size() && frames < WriteScratch::kMaxFrames && offered < kMaxBytesPerWrite;
         ++i, ++frames) {
      const std::string_view payload = queue_[i]->payload();
      uint8_t* header = &scratch.headers[frames * ws::kMaxHeaderBytes];
      const size_t header_size = ws::EncodeHeader(queue_[i]->opcode, payload.size(), header);
      size_t skip = i == queue_head_ ? head_sent_ : 0;
      if (skip < header_size) {
        scratch.iov[iovs++] = iovec{header + skip, header_size - skip};
        skip = 0;
      } else {
        skip -= header_size;
      }
      if (payload.size() > skip) {
        scratch.iov[iovs++] =
            iovec{const_cast<char*>(payload.data()) + skip, payload.size() - skip};
      }
      offered += header_size + payload.size() - (i == queue_head_ ? head_sent_ : 0);
    }
    msghdr message{};
    message.msg_iov = scratch.iov.data();
    message.msg_iovlen = iovs;
    const ssize_t sent = ::sendmsg(socket_.native_handle(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return WaitWritable();
      return Abort("write failed");
    }
    // Release what went out; keep the offset into a frame sent in part.
    size_t left = static_cast<size_t>(sent);
    uint64_t whole_frames = 0;
    while (queue_head_ < queue_.size()) {
      OutFrame* frame = queue_[queue_head_];
      const size_t whole = frame->payload().size() + ws::HeaderSize(frame->payload().size());
      const size_t remaining = whole - head_sent_;
      if (left < remaining) {
        head_sent_ += left;
        break;
      }
      ++whole_frames;
      left -= remaining;
      head_sent_ = 0;
      queued_bytes_ -= frame->payload().size() + ws::kMaxHeaderBytes;
      Release(frame);
      ++queue_head_;
    }
    PushCounters& counters = hub_.counters(shard_);
    PushCounters::Bump(counters.messages_sent, whole_frames);
    PushCounters::Bump(counters.bytes_sent, static_cast<uint64_t>(sent));
    if (static_cast<size_t>(sent) < offered) return WaitWritable();
  }
  queue_.clear();
  queue_head_ = 0;
  if (queue_.capacity() > 256) std::vector<OutFrame*>().swap(queue_);
  if (shutdown_after_write_ && state_ == State::kClosing) {
    shutdown_after_write_ = false;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }
}

void Session::WaitWritable() {
  // Drop what was sent from the front of the queue before waiting.
  if (queue_head_ >= 1024 && queue_head_ * 2 >= queue_.size()) {
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_));
    queue_head_ = 0;
  }
  writing_ = true;
  socket_.async_wait(tcp::socket::wait_write,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       self->writing_ = false;
                       if (ec) return self->Abort("write failed");
                       self->Write();
                     });
}

}  // namespace kc::push
