#include "metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace kc::metrics {

namespace {

void AppendNumber(std::string& out, uint64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end);
}

void AppendNumber(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    char digits[32];
    // Shortest round-trip digits, fixed notation down to 1e-4 (le="0.0005").
    auto [end, ec] =
        std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::general);
    out.append(digits, end);
  }
}

}  // namespace

void AppendEscaped(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void Exposition::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  // HELP text escapes backslash and newline only.
  for (char c : help) {
    if (c == '\\') {
      text_ += "\\\\";
    } else if (c == '\n') {
      text_ += "\\n";
    } else {
      text_ += c;
    }
  }
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void Exposition::Name(std::string_view name, std::span<const Label> labels, const Label* extra) {
  text_ += name;
  if (labels.empty() && extra == nullptr) return;
  text_ += '{';
  bool first = true;
  auto add = [&](const Label& label) {
    if (!first) text_ += ',';
    first = false;
    text_ += label.first;
    text_ += "=\"";
    AppendEscaped(text_, label.second);
    text_ += '"';
  };
  for (const Label& label : labels) add(label);
  if (extra != nullptr) add(*extra);
  text_ += '}';
}

void Exposition::Sample(std::string_view name, std::span<const Label> labels, uint64_t value) {
  Name(name, labels, nullptr);
  text_ += ' ';
  AppendNumber(text_, value);
  text_ += '\n';
}

void Exposition::Sample(std::string_view name, std::initializer_list<Label> labels,
                        uint64_t value) {
  Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
}

void Exposition::Sample(std::string_view name, std::span<const Label> labels, double value) {
  Name(name, labels, nullptr);
  text_ += ' ';
  AppendNumber(text_, value);
  text_ += '\n';
}

void Exposition::Sample(std::string_view name, std::initializer_list<Label> labels, double value) {
  Sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
}

void Exposition::Histogram(std::string_view name, std::span<const Label> labels,
                           std::span<const double> bounds, std::span<const uint64_t> counts,
                           double sum) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  std::string le;
  for (size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    le.clear();
    if (i < bounds.size()) {
      AppendNumber(le, bounds[i]);
    } else {
      le = "+Inf";
    }
    const Label extra{"le", le};
    Name(bucket, labels, &extra);
    text_ += ' ';
    AppendNumber(text_, cumulative);
    text_ += '\n';
  }
  Sample(std::string(name) + "_sum", labels, sum);
  Sample(std::string(name) + "_count", labels, cumulative);
}

}  // namespace kc::metrics
