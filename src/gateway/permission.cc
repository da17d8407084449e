#include "gateway/permission.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace kc::gateway {
namespace {

constexpr std::array<std::pair<Permission, std::string_view>, 8> kNames = {{
    {Permission::kGeneral, "General"},
    {Permission::kSpot, "Spot"},
    {Permission::kMargin, "Margin"},
    {Permission::kFutures, "Futures"},
    {Permission::kEarn, "Earn"},
    {Permission::kInnerTransfer, "InnerTransfer"},
    {Permission::kTransfer, "Transfer"},
    {Permission::kFlexTransfers, "FlexTransfers"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<Permissions> Permissions::Parse(std::string_view text) {
  Permissions result;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    std::string_view name = Trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (name.empty()) continue;
    if (EqualsIgnoreCase(name, "Withdrawal")) name = "Transfer";
    auto it = std::find_if(kNames.begin(), kNames.end(),
                           [&](const auto& entry) { return EqualsIgnoreCase(entry.second, name); });
    if (it == kNames.end()) return std::nullopt;
    result.Add(it->first);
  }
  return result;
}

std::string Permissions::ToString() const {
  std::string out;
  for (const auto& [permission, name] : kNames) {
    if (!Has(permission)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

}  // namespace kc::gateway
