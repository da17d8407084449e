#include "wsapi/service.h"

#include <boost/asio/post.hpp>
#include <vector>

#include "wsapi/session.h"

namespace kc::wsapi {

WsApiService::WsApiService(Options options, ConnectCheck check, gateway::RateLimit& rate_limit,
                           OrderDesk& desk, const Clock& clock)
    : options_(std::move(options)),
      check_(std::move(check)),
      rate_limit_(rate_limit),
      desk_(desk),
      clock_(clock) {}

WsApiService::~WsApiService() = default;

bool WsApiService::WantsUpgrade(const net::HttpRequest& request) const {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?')) == options_.path;
}

void WsApiService::OnUpgrade(net::HttpRequest request, boost::beast::tcp_stream stream,
                             const net::Peer& peer) {
  auto session = std::make_shared<Session>(*this, std::move(stream), peer);
  session->Start(std::move(request));
}

bool WsApiService::Admit(const std::string& api_key, Session* session,
                         const boost::asio::any_io_executor& loop, std::weak_ptr<Session> handle) {
  std::lock_guard lock(mutex_);
  size_t& open = per_key_[api_key];
  if (open >= options_.max_sessions_per_key) {
    if (open == 0) per_key_.erase(api_key);
    return false;
  }
  ++open;
  sessions_.insert_or_assign(session, Entry{loop, std::move(handle)});
  return true;
}

void WsApiService::Release(const std::string& api_key, Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  auto it = per_key_.find(api_key);
  if (it != per_key_.end() && --it->second == 0) per_key_.erase(it);
}

void WsApiService::CloseAll(const Error& error) {
  std::vector<Entry> open;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [session, entry] : sessions_) open.push_back(entry);
  }
  for (Entry& entry : open) {
    boost::asio::post(entry.loop, [handle = std::move(entry.session), error] {
      if (auto session = handle.lock()) session->CloseWith(error);
    });
  }
}

size_t WsApiService::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace kc::wsapi
