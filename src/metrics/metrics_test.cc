#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "metrics/exposition.h"
#include "metrics/histogram.h"
#include "metrics/request_metrics.h"
#include "metrics/thread_shards.h"

namespace kc::metrics {
namespace {

TEST(ThreadShards, EveryThreadsIncrementsAreSummed) {
  ThreadShards shards(20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shards] {
      for (int i = 0; i < 10000; ++i) shards.Add(static_cast<size_t>(i % 20), 1);
    });
  }
  for (auto& thread : threads) thread.join();
  const std::vector<uint64_t> totals = shards.Sum();
  for (uint64_t total : totals) EXPECT_EQ(total, 4u * 10000 / 20);
}

TEST(ThreadShards, TwoInstancesOnOneThreadKeepTheirOwnCounts) {
  ThreadShards a(3);
  ThreadShards b(3);
  a.Add(0, 1);
  b.Add(0, 5);
  a.Add(0, 1);  // the thread's cache now names b: the slow path finds a's block again
  EXPECT_EQ(a.Sum()[0], 2u);
  EXPECT_EQ(b.Sum()[0], 5u);
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
  Exposition out;
  out.Family("x_total", "counter", "a \\ b\nc");
  out.Sample("x_total", {{"route", "a\"b\\c\nd"}}, uint64_t{3});
  EXPECT_EQ(out.text(),
            "# HELP x_total a \\\\ b\\nc\n# TYPE x_total counter\n"
            "x_total{route=\"a\\\"b\\\\c\\nd\"} 3\n");
}

TEST(Exposition, HistogramBucketsAreCumulative) {
  Exposition out;
  const double bounds[] = {1, 2};
  const uint64_t counts[] = {1, 2, 3};
  const Label labels[] = {{"route", "/r"}};
  out.Histogram("h", labels, bounds, counts, 7.5);
  EXPECT_EQ(out.text(),
            "h_bucket{route=\"/r\",le=\"1\"} 1\nh_bucket{route=\"/r\",le=\"2\"} 3\n"
            "h_bucket{route=\"/r\",le=\"+Inf\"} 6\nh_sum{route=\"/r\"} 7.5\n"
            "h_count{route=\"/r\"} 6\n");
}

TEST(Histogram, ObservationsLandInTheFirstBoundNotBelowThem) {
  Histogram histogram(std::vector<double>{1, 10});
  histogram.Observe(1);    // le=1
  histogram.Observe(5);    // le=10
  histogram.Observe(100);  // +Inf
  Exposition out;
  histogram.Render(out, "b");
  EXPECT_NE(out.text().find("b_bucket{le=\"1\"} 1\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("b_bucket{le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(out.text().find("b_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(out.text().find("b_sum 106\n"), std::string::npos);
}

TEST(RequestMetrics, CountsByRouteStatusAndCode) {
  RequestMetrics metrics({{"/api/v1/a", "GET"}, {"/api/v1/b", "POST"}});
  RequestRecord record;
  record.route = "/api/v1/b";
  record.route_index = 1;
  record.method = "POST";
  record.status = 200;
  record.code = "200000";
  record.latency_us = 300;  // 0.0005 bucket
  metrics.OnRequest(record);
  metrics.OnRequest(record);
  record.status = 401;
  record.code = "400005";
  metrics.OnRequest(record);
  RequestRecord unmatched;
  unmatched.method = "DELETE";
  unmatched.status = 404;
  unmatched.code = "400001";
  metrics.OnRequest(unmatched);
  Exposition out;
  metrics.Render(out);
  const std::string& text = out.text();
  EXPECT_NE(
      text.find(
          "kcgate_http_requests_total{route=\"/api/v1/b\",method=\"POST\",status=\"200\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "kcgate_http_requests_total{route=\"/api/v1/b\",method=\"POST\",status=\"401\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      text.find(
          "kcgate_http_requests_total{route=\"unmatched\",method=\"DELETE\",status=\"404\"} 1\n"),
      std::string::npos);
  EXPECT_EQ(text.find("route=\"/api/v1/a\""), std::string::npos);  // nothing counted, nothing shown
  EXPECT_NE(text.find("kcgate_kucoin_answers_total{code=\"200000\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("kcgate_kucoin_answers_total{code=\"400005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kcgate_kucoin_answers_total{code=\"400001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("kcgate_http_request_duration_seconds_bucket{route=\"/api/v1/b\",method="
                      "\"POST\",le=\"0.00025\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("kcgate_http_request_duration_seconds_bucket{route=\"/api/v1/b\",method="
                      "\"POST\",le=\"0.0005\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("kcgate_http_request_duration_seconds_sum{route=\"/api/v1/b\",method="
                      "\"POST\"} 0.0009\n"),
            std::string::npos);
}

TEST(RequestMetrics, ManyDistinctCodesSpillIntoOther) {
  RequestMetrics metrics({});
  RequestRecord record;
  record.method = "GET";
  record.status = 200;
  std::vector<std::string> codes;
  for (int i = 0; i < 130; ++i) codes.push_back(std::to_string(300000 + i));
  for (const std::string& code : codes) {
    record.code = code;
    metrics.OnRequest(record);
  }
  record.code = "abc";
  metrics.OnRequest(record);
  Exposition out;
  metrics.Render(out);
  EXPECT_NE(out.text().find("kcgate_kucoin_answers_total{code=\"300000\"} 1\n"), std::string::npos);
  EXPECT_NE(out.text().find("kcgate_kucoin_answers_total{code=\"other\"} 3\n"), std::string::npos)
      << out.text();
}

}  // namespace
}  // namespace kc::metrics
