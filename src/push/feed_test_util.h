// Test doubles for the feed's tests: a Publisher that records every frame and
// answers HasSubscribers from a set the test controls, and a fixture that
// drives a real engine::Exchange and hands its events to a MarketFeed the way
// the CommandLoop does (after each command). Tests only; one thread.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/test_util.h"
#include "push/feed.h"
#include "push/publisher.h"

namespace kc::push::testing {

class FakePublisher final : public Publisher {
 public:
  struct Sent {
    std::string topic;
    std::int64_t uid;
    Frame frame;
    boost::json::value json() const { return boost::json::parse(*frame); }
  };

  bool HasSubscribers(std::string_view topic, int64_t uid) const override {
    ++asked;
    return everything || subscribed.count({std::string(topic), uid}) != 0;
  }
  void Publish(std::string_view topic, int64_t uid, Frame frame) override {
    sent.push_back({std::string(topic), uid, std::move(frame)});
  }

  void Subscribe(std::string topic, std::int64_t uid = 0) {
    subscribed.insert({std::move(topic), uid});
  }
  void Unsubscribe(const std::string& topic, std::int64_t uid = 0) {
    subscribed.erase({topic, uid});
  }
  // Frames sent to `topic`, oldest first.
  std::vector<Sent> To(std::string_view topic) const {
    std::vector<Sent> out;
    for (const Sent& s : sent) {
      if (s.topic == topic) out.push_back(s);
    }
    return out;
  }

  std::set<std::pair<std::string, std::int64_t>> subscribed;
  bool everything = false;
  std::vector<Sent> sent;
  mutable int asked = 0;
};

class FeedFixture : public engine::testing::ExchangeFixture {
 protected:
  // Applies a command and delivers its events to the feed, as CommandLoop does.
  engine::CommandResult Do(engine::Command c) {
    engine::CommandResult r = Run(std::move(c));
    events_.FlushTo(feed_);
    return r;
  }
  void Deposit(engine::Uid uid, std::string_view currency, std::string_view amount) {
    ASSERT_TRUE(Do(engine::Deposit{uid, Cur(currency), engine::AccountType::kTrade,
                                   engine::testing::U(amount)})
                    .ok());
  }

  FakePublisher pub_;
  MarketFeed feed_{engine::DefaultMarkets(), &pub_};
};

}  // namespace kc::push::testing
