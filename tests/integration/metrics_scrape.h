// Reading kcgate's GET /metrics in socket tests: the exposition parsed into
// series -> value, and deltas between two scrapes.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "test_client.h"

namespace kc::testing {

// Series text (`name{labels}` as written) -> value.
using Series = std::map<std::string, double>;

inline Series ParseExposition(const std::string& text) {
  Series series;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string::npos) {
      ADD_FAILURE() << "not a sample line: " << line;
      continue;
    }
    series[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return series;
}

inline double Value(const Series& series, const std::string& name) {
  auto it = series.find(name);
  return it == series.end() ? 0 : it->second;
}

struct Scrape {
  std::string text;
  Series series;
  double operator[](const std::string& name) const { return Value(series, name); }
};

inline Scrape ScrapeMetrics(boost::asio::ip::tcp::endpoint admin, const Headers& headers = {}) {
  Reply reply = TestClient(admin).Get("/metrics", headers);
  EXPECT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(reply.headers[boost::beast::http::field::content_type],
            "text/plain; version=0.0.4; charset=utf-8");
  return {reply.body, ParseExposition(reply.body)};
}

}  // namespace kc::testing
