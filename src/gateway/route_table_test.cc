#include "gateway/route_table.h"

#include <gtest/gtest.h>

#include "gateway/authenticate.h"
#include "gateway/query.h"

namespace kc::gateway {
namespace {

namespace http = boost::beast::http;

RouteTable Table() {
  RouteTable table;
  for (const char* pattern : {"/api/v1/orders", "/api/v1/orders/{orderId}", "/api/v1/orders/test",
                              "/api/v1/order/client-order/{clientOid}"}) {
    table.Add({.method = http::verb::get, .pattern = pattern, .handler = {}});
  }
  table.Add({.method = http::verb::delete_, .pattern = "/api/v1/orders/{orderId}", .handler = {}});
  return table;
}

TEST(RouteTable, ExactPathsWinOverPatterns) {
  RouteTable table = Table();
  auto match = table.Find(http::verb::get, "/api/v1/orders/test");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route->pattern, "/api/v1/orders/test");
  EXPECT_TRUE(match->params.empty());
}

// Literal segments win over parameters, whatever order the routes came in.
TEST(RouteTable, LiteralSegmentsWinOverParametersInAnyOrder) {
  const std::vector<std::string> patterns = {"/a/{id}/{what}", "/a/{id}/fills", "/a/client/{oid}",
                                             "/a/client/fills/{n}", "/a/{id}/fills/{n}"};
  for (int order = 0; order < 2; ++order) {
    RouteTable table;
    for (std::size_t i = 0; i < patterns.size(); ++i) {
      const std::string& pattern = order == 0 ? patterns[i] : patterns[patterns.size() - 1 - i];
      table.Add({.method = http::verb::get, .pattern = pattern, .handler = {}});
    }
    const auto found = [&](std::string_view path) {
      auto match = table.Find(http::verb::get, path);
      return match ? match->route->pattern : std::string("none");
    };
    EXPECT_EQ(found("/a/client/fills"), "/a/client/{oid}");
    EXPECT_EQ(found("/a/7/fills"), "/a/{id}/fills");
    EXPECT_EQ(found("/a/7/other"), "/a/{id}/{what}");
    EXPECT_EQ(found("/a/client/fills/3"), "/a/client/fills/{n}");
    EXPECT_EQ(found("/a/7/fills/3"), "/a/{id}/fills/{n}");
  }
}

TEST(RouteTable, PatternsCaptureDecodedParameters) {
  RouteTable table = Table();
  auto match = table.Find(http::verb::get, "/api/v1/order/client-order/my%20oid");
  ASSERT_TRUE(match);
  ASSERT_EQ(match->params.size(), 1u);
  EXPECT_EQ(match->params[0].first, "clientOid");
  EXPECT_EQ(match->params[0].second, "my oid");
  auto by_method = table.Find(http::verb::delete_, "/api/v1/orders/abc");
  ASSERT_TRUE(by_method);
  EXPECT_EQ(by_method->route->method, http::verb::delete_);
}

TEST(RouteTable, NoMatchForOtherMethodsShapesOrTrailingSlashes) {
  RouteTable table = Table();
  EXPECT_FALSE(table.Find(http::verb::post, "/api/v1/orders/abc"));
  EXPECT_FALSE(table.Find(http::verb::get, "/api/v1/orders/abc/def"));
  EXPECT_FALSE(table.Find(http::verb::get, "/api/v1/orders/"));
  EXPECT_FALSE(table.Find(http::verb::get, "/api/v1/orders//"));
  EXPECT_FALSE(table.Find(http::verb::get, ""));
  EXPECT_FALSE(table.Find(http::verb::get, "api/v1/orders/x"));
}

TEST(RouteTable, ExactPathsAreLookedUpPerMethod) {
  RouteTable table = Table();
  table.Add({.method = http::verb::post, .pattern = "/api/v1/orders", .handler = {}});
  auto get = table.Find(http::verb::get, "/api/v1/orders");
  auto post = table.Find(http::verb::post, "/api/v1/orders");
  ASSERT_TRUE(get);
  ASSERT_TRUE(post);
  EXPECT_EQ(get->route->method, http::verb::get);
  EXPECT_EQ(post->route->method, http::verb::post);
  EXPECT_NE(get->route, post->route);
  EXPECT_FALSE(table.Find(http::verb::put, "/api/v1/orders"));
  EXPECT_FALSE(table.Find(http::verb::delete_, "/api/v1/orders"));
  // A view into a longer buffer, as the request target is: only its own bytes count.
  const std::string target = "/api/v1/orders/test?x=1";
  auto prefix = table.Find(http::verb::get, std::string_view(target).substr(0, 14));
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->route->pattern, "/api/v1/orders");
  EXPECT_FALSE(table.Find(http::verb::get, "/API/v1/orders"));
  EXPECT_FALSE(table.Find(http::verb::get, "/api/v1/orders "));
}

TEST(Query, DecodesAndSplits) {
  EXPECT_EQ(PercentDecode("BTC%2CUSDT"), "BTC,USDT");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  auto params = ParseQuery("symbol=BTC-USDT&&flag&currency=BTC%2CUSDT&");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>("symbol", "BTC-USDT")));
  EXPECT_EQ(params[1], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_EQ(params[2], (std::pair<std::string, std::string>("currency", "BTC,USDT")));
  EXPECT_EQ(SplitTarget("/a?b=1").second, "b=1");
  EXPECT_EQ(SplitTarget("/a?").second, "");
  EXPECT_EQ(SplitTarget("/a").first, "/a");
}

TEST(IpWhitelist, MatchesAddressesAndCidrBlocks) {
  EXPECT_TRUE(IpAllowed({}, "1.2.3.4"));
  EXPECT_TRUE(IpAllowed({"1.2.3.4"}, "1.2.3.4"));
  EXPECT_FALSE(IpAllowed({"1.2.3.4"}, "1.2.3.5"));
  EXPECT_TRUE(IpAllowed({"10.0.0.0/8"}, "10.200.1.1"));
  EXPECT_FALSE(IpAllowed({"10.0.0.0/8"}, "11.0.0.1"));
  EXPECT_TRUE(IpAllowed({"2001:db8::/32"}, "2001:db8::1"));
  EXPECT_FALSE(IpAllowed({"2001:db8::/32"}, "2001:db9::1"));
  EXPECT_FALSE(IpAllowed({"1.2.3.4"}, "not an ip"));
}

// Upstream prefixes: whole segments only, longest first, ahead of built-in routes.
TEST(RouteTable, PrefixesMatchWholeSegmentsLongestFirst) {
  RouteTable table = Table();
  table.AddPrefix({.method = http::verb::get, .pattern = "/wallet", .handler = {}});
  table.AddPrefix({.method = http::verb::get, .pattern = "/wallet/v2/", .handler = {}});
  table.AddPrefix({.method = http::verb::get, .pattern = "/api/v1/orders/mine", .handler = {}});
  auto pattern_of = [&](http::verb method, std::string_view path) -> std::string {
    auto match = table.Find(method, path);
    return match ? match->route->pattern : "none";
  };
  EXPECT_EQ(pattern_of(http::verb::get, "/wallet"), "/wallet");
  EXPECT_EQ(pattern_of(http::verb::get, "/wallet/deposits/7"), "/wallet");
  EXPECT_EQ(pattern_of(http::verb::get, "/wallets"), "none");
  EXPECT_EQ(pattern_of(http::verb::get, "/wallet/v2/x"), "/wallet/v2/");
  EXPECT_EQ(pattern_of(http::verb::get, "/wallet/v2"), "/wallet");
  EXPECT_EQ(pattern_of(http::verb::post, "/wallet"), "none");
  // The prefix takes a path a built-in pattern would have matched.
  EXPECT_EQ(pattern_of(http::verb::get, "/api/v1/orders/mine"), "/api/v1/orders/mine");
  EXPECT_EQ(pattern_of(http::verb::get, "/api/v1/orders/other"), "/api/v1/orders/{orderId}");
}

TEST(Permissions, ParseAndPrintInKucoinOrder) {
  auto parsed = Permissions::Parse("spot, General,withdrawal");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->ToString(), "General,Spot,Transfer");
  EXPECT_FALSE(Permissions::Parse("General,Root"));
  EXPECT_TRUE(Permissions().Has(Permission::kNone));
  EXPECT_FALSE(Permissions().Has(Permission::kGeneral));
}

}  // namespace
}  // namespace kc::gateway
