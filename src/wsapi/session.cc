#include "wsapi/session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid_io.hpp>
#include <chrono>
#include <utility>

#include "gateway/signature.h"
#include "wsapi/request.h"
#include "wsapi/service.h"

namespace kc::wsapi {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;

namespace {

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string NewSessionId() {
  thread_local boost::uuids::random_generator generator;
  return boost::uuids::to_string(generator());
}

struct OpName {
  std::string_view name;
  SpotOp op;
};
constexpr OpName kSpotOps[] = {{"spot.order", SpotOp::kOrder},
                               {"spot.sync_order", SpotOp::kSyncOrder},
                               {"spot.modify", SpotOp::kModify},
                               {"spot.cancel", SpotOp::kCancel},
                               {"spot.sync_cancel", SpotOp::kSyncCancel}};

// KuCoin's WS API markets kcgate does not trade.
bool OtherMarket(std::string_view op) {
  return op.starts_with("margin.") || op.starts_with("futures.");
}

}  // namespace

Session::Session(WsApiService& service, beast::tcp_stream stream, net::Peer peer)
    : service_(service),
      ws_(std::move(stream)),
      peer_(std::move(peer)),
      timer_(ws_.get_executor()) {}

Session::~Session() { Finish(); }

void Session::Start(net::HttpRequest request) {
  upgrade_ = std::move(request);
  ws_.set_option(websocket::stream_base::timeout{std::chrono::seconds(10),
                                                 websocket::stream_base::none(), false});
  ws_.read_message_max(service_.options().max_message_bytes);
  ws_.control_callback(
      [this](websocket::frame_type, beast::string_view) { last_seen_ms_ = SteadyMs(); });
  ws_.async_accept(upgrade_, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      spdlog::debug("wsapi: handshake with {} failed: {}", self->peer_.ip, ec.message());
      self->state_ = State::kClosed;
      return;
    }
    self->OnAccepted();
  });
}

int64_t Session::Now() const {
  if (!enable_ns_) return service_.clock().NowMs();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void Session::OnAccepted() {
  const int64_t in = Now();
  last_seen_ms_ = error_window_start_ms_ = SteadyMs();
  const ConnectParams params = ReadConnectParams(upgrade_.target());
  enable_ns_ = params.enable_ns;
  auto key = service_.connect_check().Check(params, upgrade_, peer_.ip);
  net::HttpRequest().swap(upgrade_);
  reported_ = true;
  if (!key) {
    NoteReason(key.error());
    Send(ErrorFrame(key.error(), Times{in, Now()}));
    return CloseAfterWrites();
  }
  key_ = std::move(*key);
  if (!service_.Admit(key_->key, this, ws_.get_executor(), weak_from_this())) {
    NoteReason(Error(ErrorCode::kUidRateLimit));
    Send(ErrorFrame(Error(ErrorCode::kUidRateLimit), Times{in, Now()}));
    return CloseAfterWrites();
  }
  admitted_ = true;
  if (FaultBook* faults = service_.faults()) {
    if (auto fault = faults->Fire(FaultSubject{.kind = FaultKind::kConnect,
                                               .method = "GET",
                                               .path = service_.options().path,
                                               .uid = key_->uid,
                                               .api_key = key_->key,
                                               .ip = peer_.ip,
                                               .topic = {},
                                               .op = {}})) {
      return ApplyConnectFault(std::move(*fault));
    }
  }
  SendChallenge();
}

// A code or a close on connect answers as a refused connect check does.
void Session::ApplyConnectFault(FaultAction fault) {
  if (fault.delay_ms > 0) {
    // The challenge waits; timer_ is free until the challenge arms it.
    timer_.expires_after(std::chrono::milliseconds(std::exchange(fault.delay_ms, 0)));
    timer_.async_wait(
        [self = shared_from_this(), fault = std::move(fault)](beast::error_code ec) mutable {
          if (ec || self->state_ != State::kHandshake) return;
          self->ApplyConnectFault(std::move(fault));
        });
    return;
  }
  if (fault.disconnect) {
    NoteReason("test lab fault: disconnect");
    return Abort();
  }
  const std::string& code = fault.close_code.empty() ? fault.code : fault.close_code;
  if (!code.empty()) {
    const std::string& message = fault.close_code.empty() ? fault.message : fault.close_message;
    NoteReason(code + " " + message);
    const int64_t now = Now();
    Send(ErrorFrame(code, message, Times{now, now}));
    return CloseAfterWrites();
  }
  SendChallenge();
}

void Session::SendChallenge() {
  state_ = State::kSigningIn;
  session_id_ = NewSessionId();
  challenge_ = ChallengeFrame(session_id_, service_.clock().NowMs());
  Send(challenge_);
  timer_.expires_after(std::chrono::milliseconds(service_.options().signin_timeout_ms));
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->state_ != State::kSigningIn) return;
    const int64_t now = self->Now();
    self->NoteReason(Error(ErrorCode::kSessionVerificationTimeout));
    self->Send(ErrorFrame(Error(ErrorCode::kSessionVerificationTimeout), Times{now, now}));
    self->CloseAfterWrites();
  });
  Read();
}

void Session::Read() {
  // While closing, the close handshake reads what is left.
  if (reading_ || (state_ != State::kSigningIn && state_ != State::kOpen)) return;
  reading_ = true;
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
    self->reading_ = false;
    if (ec) {
      if (ec != websocket::error::closed) {
        self->NoteReason("read: " + ec.message());
        spdlog::debug("wsapi: session {} ({}) read: {}", self->session_id_, self->peer_.ip,
                      ec.message());
      }
      return self->Finish();
    }
    self->last_seen_ms_ = SteadyMs();
    const int64_t in = self->Now();
    const std::string text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    self->OnMessage(text, !self->ws_.got_text(), in);
    if (self->in_flight_ < self->service_.options().max_in_flight) self->Read();
  });
}

void Session::OnMessage(std::string_view text, bool binary, int64_t in) {
  switch (state_) {
    case State::kSigningIn:
      return OnSignIn(text, binary, in);
    case State::kOpen:
      if (binary) return OnBadFrame(ErrorFrame(Error(ErrorCode::kReceiveError), {in, Now()}));
      return OnRequest(text, in);
    default:
      return;  // closing: nothing more is answered
  }
}

void Session::OnSignIn(std::string_view text, bool binary, int64_t in) {
  timer_.cancel();
  const auto sign = binary ? std::nullopt : gateway::Base64DecodeDigest(text);
  if (!sign || !gateway::ConstantTimeEquals(gateway::KeyedHmacSha256(*key_, {challenge_}), *sign)) {
    NoteReason(Error(ErrorCode::kSessionVerificationFailed));
    Send(ErrorFrame(Error(ErrorCode::kSessionVerificationFailed), Times{in, Now()}));
    return CloseAfterWrites();
  }
  state_ = State::kOpen;
  std::string().swap(challenge_);
  opened_ms_ = SteadyMs();
  ReportSession(/*opened=*/true);
  Send(WelcomeFrame(session_id_, service_.options().ping_interval_ms,
                    service_.options().ping_timeout_ms));
  ArmKeepAlive();
}

void Session::ArmKeepAlive() {
  const Options& options = service_.options();
  const int64_t silence = options.ping_interval_ms + options.ping_timeout_ms;
  const int64_t due = last_seen_ms_ + silence - SteadyMs();
  timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(due, 1)));
  timer_.async_wait([self = shared_from_this(), silence](beast::error_code ec) {
    if (ec || self->state_ != State::kOpen) return;
    if (SteadyMs() - self->last_seen_ms_ >= silence) {
      spdlog::debug("wsapi: session {} ({}) silent, closing", self->session_id_, self->peer_.ip);
      self->NoteReason("silent past pingInterval + pingTimeout");
      return self->CloseAfterWrites();
    }
    self->ArmKeepAlive();
  });
}

void Session::OnRequest(std::string_view text, int64_t in) {
  auto request = ParseRequest(text);
  if (!request) {
    if (request.error() == RequestError::kNoId) {
      return OnBadFrame(ErrorFrame(kNoIdCode, kNoIdMessage, Times{in, Now()}));
    }
    return OnBadFrame(ErrorFrame(Error(ErrorCode::kReceiveError), Times{in, Now()}));
  }
  if (request->op == "ping") {
    Send(PongFrame(request->id, request->timestamp.is_null() ? json::value(service_.clock().NowMs())
                                                             : request->timestamp));
    return;
  }
  const OpName* found = nullptr;
  for (const OpName& entry : kSpotOps) {
    if (entry.name == request->op) found = &entry;
  }
  if (found == nullptr) {
    if (OtherMarket(request->op)) {
      // A KuCoin operation of a market kcgate does not run: a business refusal.
      Send(RefusalFrame(request->id, request->op, "400100",
                        request->op + " is not supported: this exchange trades spot only.",
                        Times{in, Now()}, nullptr));
      return;
    }
    return OnBadFrame(RefusalFrame(request->id, request->op, "400102",
                                   Error(ErrorCode::kInvalidParameter).Message(), Times{in, Now()},
                                   nullptr));
  }
  if (request->args_invalid) {
    return OnBadFrame(RefusalFrame(request->id, request->op, "400102",
                                   Error(ErrorCode::kInvalidParameter).Message(), Times{in, Now()},
                                   nullptr));
  }
  const OpCost cost = service_.desk().Cost(found->op);
  gateway::RateDecision rate;
  rate.limit = -1;
  if (auto refusal =
          service_.rate_limit().Consume(gateway::RateLimit::UidOwner(key_->uid), cost.pool,
                                        cost.weight, peer_.connection_id, &rate)) {
    Send(RefusalFrame(request->id, request->op, std::to_string(Numeric(refusal->code())),
                      refusal->Message(), Times{in, Now()}, rate.limit >= 0 ? &rate : nullptr));
    return;
  }
  // The test lab's rule, asked after the real checks: a request refused for
  // real is never faulted too.
  std::optional<FaultAction> fault;
  if (FaultBook* faults = service_.faults()) {
    fault = faults->Fire(FaultSubject{.kind = FaultKind::kWsApi,
                                      .method = {},
                                      .path = {},
                                      .uid = key_->uid,
                                      .api_key = key_->key,
                                      .ip = peer_.ip,
                                      .topic = {},
                                      .op = request->op});
  }
  ++in_flight_;
  RunOp(
      PendingOp{found->op, found->name, std::move(request->id), std::move(request->args), in, rate},
      std::move(fault));
}

void Session::RunOp(PendingOp pending, std::optional<FaultAction> fault) {
  if (fault && fault->delay_ms > 0) {
    auto timer = std::make_shared<boost::asio::steady_timer>(
        ws_.get_executor(), std::chrono::milliseconds(std::exchange(fault->delay_ms, 0)));
    timer->async_wait([self = shared_from_this(), timer, pending = std::move(pending),
                       fault = std::move(fault)](beast::error_code ec) mutable {
      if (ec || self->state_ != State::kOpen) return self->FinishOp();
      self->RunOp(std::move(pending), std::move(fault));
    });
    return;
  }
  const gateway::RateDecision* pool = pending.rate.limit >= 0 ? &pending.rate : nullptr;
  if (fault) {
    if (fault->disconnect) {
      NoteReason("test lab fault: disconnect");
      return Abort();
    }
    if (!fault->close_code.empty()) {
      CloseWith(fault->close_code, fault->close_message);
      return FinishOp();
    }
    if (!fault->code.empty() && !fault->after_execute) {
      Send(RefusalFrame(pending.id, pending.name, fault->code, fault->message,
                        Times{pending.in, Now()}, pool));
      return FinishOp();
    }
  }
  const SpotOp op = pending.op;
  const boost::json::object args = std::move(pending.args);
  service_.desk().Run(
      op, key_->uid, args, ws_.get_executor(),
      [self = shared_from_this(), pending = std::move(pending),
       fault = std::move(fault)](OpResult result) {
        const gateway::RateDecision* charged = pending.rate.limit >= 0 ? &pending.rate : nullptr;
        const Times times{pending.in, self->Now()};
        if (fault && fault->after_execute) {
          // Executed; the client sees only the error.
          self->Send(
              RefusalFrame(pending.id, pending.name, fault->code, fault->message, times, charged));
        } else if (result.ok()) {
          self->Send(AnswerFrame(pending.id, pending.name, result.data, times, charged));
        } else {
          self->Send(
              RefusalFrame(pending.id, pending.name, result.code, result.message, times, charged));
        }
        self->FinishOp();
      });
}

void Session::FinishOp() {
  --in_flight_;
  if (state_ == State::kOpen) Read();
}

void Session::OnBadFrame(std::string frame) {
  Send(std::move(frame));
  const Options& options = service_.options();
  const int64_t now = SteadyMs();
  if (now - error_window_start_ms_ >= options.error_window_ms) {
    error_window_start_ms_ = now;
    bad_frames_ = 0;
  }
  if (++bad_frames_ > options.max_bad_frames) {
    spdlog::info("wsapi: session {} ({}): too many bad frames, disconnecting", session_id_,
                 peer_.ip);
    const int64_t stamp = Now();
    NoteReason(Error(ErrorCode::kTooManyErrors));
    Send(ErrorFrame(Error(ErrorCode::kTooManyErrors), Times{stamp, stamp}));
    CloseAfterWrites();
  }
}

void Session::CloseWith(const Error& error) {
  if (state_ != State::kSigningIn && state_ != State::kOpen) return;
  const int64_t now = Now();
  NoteReason(error);
  Send(ErrorFrame(error, Times{now, now}));
  CloseAfterWrites();
}

void Session::CloseWith(std::string_view code, std::string_view message) {
  if (state_ != State::kSigningIn && state_ != State::kOpen) return;
  const int64_t now = Now();
  NoteReason(std::string(code) + " " + std::string(message));
  Send(ErrorFrame(code, message, Times{now, now}));
  CloseAfterWrites();
}

// ---- output ----

void Session::Send(std::string frame) {
  if (state_ == State::kClosed || close_after_writes_) return;
  out_bytes_ += frame.size();
  out_.push_back(std::move(frame));
  if (out_bytes_ > service_.options().send_queue_bytes) {
    spdlog::warn("wsapi: session {} ({}) dropped: {} bytes queued, client not reading", session_id_,
                 peer_.ip, out_bytes_);
    NoteReason("send queue full: client not reading");
    return Abort();
  }
  WriteNext();
}

void Session::WriteNext() {
  if (writing_ || state_ == State::kClosed) return;
  if (out_.empty()) {
    if (close_after_writes_) {
      writing_ = true;  // nothing may be written after the close frame
      ws_.async_close(websocket::close_code::normal,
                      // Completes on the peer's close frame or the stream's timeout.
                      [self = shared_from_this()](beast::error_code) { self->Finish(); });
    }
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(boost::asio::buffer(out_.front()),
                  [self = shared_from_this()](beast::error_code ec, size_t) {
                    self->writing_ = false;
                    if (ec) return self->Abort();
                    self->out_bytes_ -= self->out_.front().size();
                    self->out_.pop_front();
                    self->WriteNext();
                  });
}

void Session::CloseAfterWrites() {
  if (state_ == State::kClosed || close_after_writes_) return;
  state_ = State::kClosing;
  timer_.cancel();
  close_after_writes_ = true;
  WriteNext();
}

void Session::Abort() {
  if (state_ == State::kClosed) return;
  Finish();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

void Session::Finish() {
  if (reported_) {
    reported_ = false;
    ReportSession(/*opened=*/false);
  }
  state_ = State::kClosed;
  timer_.cancel();
  if (admitted_) {
    admitted_ = false;
    service_.Release(key_->key, this);
  }
}

void Session::NoteReason(std::string reason) {
  if (close_reason_.empty()) close_reason_ = std::move(reason);
}

void Session::NoteReason(const Error& error) {
  NoteReason(std::to_string(Numeric(error.code())) + " " + std::string(error.Message()));
}

void Session::ReportSession(bool opened) {
  AccessObserver* observer = service_.observer();
  if (observer == nullptr) return;
  SessionRecord record;
  record.kind = SessionKind::kWsApi;
  record.opened = opened;
  record.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  record.client_ip = peer_.ip;
  record.session_id = session_id_;
  if (key_ != nullptr) {
    record.uid = key_->uid;
    record.api_key = key_->key;
  }
  if (!opened) {
    record.reason = close_reason_.empty() ? std::string_view("closed by the client")
                                          : std::string_view(close_reason_);
    record.duration_ms = opened_ms_ == 0 ? 0 : SteadyMs() - opened_ms_;
  }
  observer->OnSession(record);
}

}  // namespace kc::wsapi
