// One push connection after the WebSocket handshake: admission (capacity,
// token, sessions per user), the welcome, client commands (ping, subscribe,
// unsubscribe) with KuCoin's acks and error frames, limits (messages and
// errors per window, topics per command and per session), keep-alive, and a
// bounded send queue fed by the hub.
//
// A session lives on one event loop and every member is touched only there;
// it is owned by the asynchronous operations in flight (shared_ptr) and
// registered with the hub by raw pointer until it closes (Finish), which is
// the only place that unregisters it. Its destructor touches nothing shared,
// so sessions dropped with a stopped loop are harmless.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/fault_book.h"
#include "push/bullet_tokens.h"
#include "push/client_command.h"
#include "push/hub.h"
#include "push/topics.h"
#include "push/ws_errors.h"

namespace kc::push {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Hub& hub, const TopicRegistry& topics, size_t shard, boost::asio::ip::tcp::socket socket,
          std::string connect_id, std::string peer);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Admits the session (509 busy, 401 token, 509 sessions per user, each then
  // closing), asks the test lab's connect rules, and sends the welcome.
  // `grant` is the verified token, if any; `path` the upgrade's path.
  void Start(std::optional<TokenGrant> grant, std::string_view path);

  // ---- called by the hub on this session's loop ----
  // Queues a fan-out frame; adds this session to `to_flush` when its writer
  // must be started once the batch is queued.
  void EnqueueShared(OutFrame* frame, std::vector<Session*>& to_flush);
  void Flush();
  // Another session left `state`'s list; this one moved to `slot`.
  void OnSlotMoved(const TopicState* state, uint32_t slot);
  // Periodic check: ping timeout, close-handshake deadline.
  void Sweep(int64_t now_ms);
  // Maintenance or shutdown: the 501000 notice, then a close frame.
  void CloseForService();

  size_t subscription_count() const { return subscriptions_.size(); }

 private:
  enum class State { kStarting, kOpen, kClosing, kClosed };
  struct Subscription {
    std::shared_ptr<TopicState> state;
    uint32_t slot;
  };

  void Read();
  void OnReadable();
  // Parses the frames in `data`; returns the bytes consumed. Stops early
  // when the session closes.
  size_t ProcessBytes(char* data, size_t size);
  void OnFrame(ws::Opcode opcode, bool fin, std::string_view payload);
  // A complete message: text runs as a command (1007 when not UTF-8);
  // binary is never read as one (420002).
  void OnComplete(bool binary, std::string_view payload);
  void OnMessage(std::string_view text);
  void OnSubscribe(const ClientCommand& command);
  // Subscribes to the topics of a checked request; acks when `ack`.
  void Subscribe(std::string_view id, const TopicRequest& request, bool ack);
  void Welcome();
  // The test lab's rule that fired on connect (kind connect) or on a
  // subscribe (kind push): after any delay, drop the connection, close with
  // a notice, answer the code instead of executing (or after it), or go on.
  void ApplyConnectFault(FaultAction fault);
  void ApplySubscribeFault(std::string id, TopicRequest request, bool ack, FaultAction fault);
  // Runs `then` after `delay_ms` on this session's loop, if still `state`.
  void AfterDelay(int64_t delay_ms, State state, std::function<void()> then);
  void OnUnsubscribe(const ClientCommand& command);
  void RemoveSubscription(size_t index);

  // Replies of this session's own.
  void Reply(std::string payload, ws::Opcode opcode = ws::Opcode::kText);
  // Sends an error frame; closes the session when the error does, or when
  // the client has provoked too many errors in this window (420001).
  void SendError(std::string_view id, WsError error);
  // Queues the error frame and a close frame, then closes gracefully.
  void CloseWith(std::string_view id, WsError error);
  void CloseWith(std::string_view id, int code, std::string_view message);
  void StartClose(uint16_t code);
  void Enqueue(OutFrame* frame);
  // Writes as much of the queue as the socket takes now (one sendmsg of up to
  // WriteScratch::kMaxFrames frames per round); waits for writability when
  // the socket is full.
  void Write();
  void WaitWritable();
  // Drops the connection now (I/O error, protocol error, slow consumer).
  void Abort(std::string_view reason);
  // Unregisters from the hub and releases the capacity it held; once.
  void Finish();
  // The access record of the session's welcome (opened) or end.
  void ReportSession(bool opened);
  bool CountMessage();  // false when over the message limit of this window

  Hub& hub_;
  const TopicRegistry& topics_;
  const Options& options_;
  const size_t shard_;
  boost::asio::ip::tcp::socket socket_;
  std::string connect_id_;
  std::string peer_;
  State state_ = State::kStarting;
  bool admitted_ = false;
  bool user_admitted_ = false;
  int64_t uid_ = 0;
  bool is_private_ = false;
  bool reading_ = false;

  std::vector<Subscription> subscriptions_;

  // Input: bytes of an incomplete frame, and the message being reassembled
  // from fragments. Both empty (no memory) while idle.
  std::string inbox_;
  std::string fragments_;
  bool in_fragmented_message_ = false;
  bool fragments_binary_ = false;  // the message being reassembled began as binary
  int64_t last_seen_ms_ = 0;
  int64_t window_start_ms_ = 0;
  size_t window_messages_ = 0;
  size_t window_errors_ = 0;
  int64_t close_deadline_ms_ = 0;
  int64_t opened_ms_ = 0;     // steady time of the welcome; 0: never welcomed
  std::string close_reason_;  // the first reason given; empty: the client closed

  // Output: frames not yet fully written; [queue_head_, end) are pending,
  // and head_sent_ bytes (header included) of the first one are on the wire.
  std::vector<OutFrame*> queue_;
  size_t queue_head_ = 0;
  size_t head_sent_ = 0;
  size_t queued_bytes_ = 0;
  bool writing_ = false;  // waiting for the socket to take more
  bool flush_pending_ = false;
  bool shutdown_after_write_ = false;
};

// Milliseconds of the steady clock (keep-alive and rate windows).
int64_t SteadyNowMs();

}  // namespace kc::push
