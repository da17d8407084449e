// Prometheus' text exposition format 0.0.4, written by hand: Debian bookworm
// packages no Prometheus client library for C++ (no prometheus-cpp; `apt-cache
// policy libprometheus-cpp-dev` has no candidate), and the format is a few
// lines of text per family (# HELP, # TYPE, then `name{labels} value`), so a
// writer of our own costs less than vendoring one. Label values are escaped
// as the format says (backslash, double quote, newline). Not thread-safe: one
// scrape builds one Exposition.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace kc::metrics {

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

using Label = std::pair<std::string_view, std::string_view>;

class Exposition {
 public:
  // Starts a family: `type` is "counter", "gauge" or "histogram". Each family
  // once per scrape, its samples right after it.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, std::initializer_list<Label> labels, uint64_t value);
  void Sample(std::string_view name, std::span<const Label> labels, uint64_t value);
  void Sample(std::string_view name, std::span<const Label> labels, double value);
  void Sample(std::string_view name, std::initializer_list<Label> labels, double value);
  // A histogram's series: `bounds` (seconds or units, ascending) and the
  // count of observations in each of bounds.size() + 1 buckets (the last one
  // past every bound), not cumulative; `sum` of the observed values.
  void Histogram(std::string_view name, std::span<const Label> labels,
                 std::span<const double> bounds, std::span<const uint64_t> counts, double sum);

  const std::string& text() const { return text_; }
  std::string Take() { return std::move(text_); }

 private:
  void Name(std::string_view name, std::span<const Label> labels, const Label* extra);

  std::string text_;
};

// Appends `value` with \, " and newline escaped (label values).
void AppendEscaped(std::string& out, std::string_view value);

}  // namespace kc::metrics
