#include "gateway/client_address.h"

#include <gtest/gtest.h>

namespace kc::gateway {
namespace {

net::HttpRequest With(std::initializer_list<std::pair<const char*, const char*>> headers) {
  net::HttpRequest request;
  for (auto [name, value] : headers) request.insert(name, value);
  return request;
}

const std::vector<std::string> kProxies = {"10.0.0.0/8", "192.0.2.1"};

TEST(ClientAddress, OnlyTrustedPeersAreBelieved) {
  auto request = With({{"X-Forwarded-For", "203.0.113.7"}});
  EXPECT_EQ(ClientAddress(request, "198.51.100.9", kProxies), "198.51.100.9");
  EXPECT_EQ(ClientAddress(request, "10.1.2.3", {}), "10.1.2.3");
  EXPECT_EQ(ClientAddress(request, "10.1.2.3", kProxies), "203.0.113.7");
}

TEST(ClientAddress, TheRightMostUntrustedHopIsTheClient) {
  // The client prepended a forged address; the trusted proxies appended theirs.
  auto request = With({{"X-Forwarded-For", "1.1.1.1, 203.0.113.7, 10.9.9.9"}});
  EXPECT_EQ(ClientAddress(request, "192.0.2.1", kProxies), "203.0.113.7");
  auto lines = With({{"X-Forwarded-For", "1.1.1.1"}, {"X-Forwarded-For", "203.0.113.7:5555"}});
  EXPECT_EQ(ClientAddress(lines, "10.0.0.1", kProxies), "203.0.113.7");
  auto all_trusted = With({{"X-Forwarded-For", "10.0.0.5, 10.0.0.6"}});
  EXPECT_EQ(ClientAddress(all_trusted, "10.0.0.1", kProxies), "10.0.0.5");
  auto v6 = With({{"X-Forwarded-For", "[2001:db8::1]:443"}});
  EXPECT_EQ(ClientAddress(v6, "10.0.0.1", kProxies), "2001:db8::1");
}

TEST(ClientAddress, GarbageStopsTheWalk) {
  auto request = With({{"X-Forwarded-For", "203.0.113.7, nonsense, 10.0.0.8"}});
  EXPECT_EQ(ClientAddress(request, "10.0.0.1", kProxies), "10.0.0.8");
}

TEST(ClientAddress, RealIpWhenNoForwardedFor) {
  EXPECT_EQ(ClientAddress(With({{"X-Real-IP", "203.0.113.8"}}), "10.0.0.1", kProxies),
            "203.0.113.8");
  EXPECT_EQ(ClientAddress(With({{"X-Real-IP", "junk"}}), "10.0.0.1", kProxies), "10.0.0.1");
  EXPECT_EQ(ClientAddress(With({{"X-Real-IP", "203.0.113.8"}}), "203.0.113.1", kProxies),
            "203.0.113.1");
}

}  // namespace
}  // namespace kc::gateway
