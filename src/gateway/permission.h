// API key permissions as KuCoin names them ("General,Spot,InnerTransfer").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kc::gateway {

enum class Permission : uint32_t {
  kNone = 0,
  kGeneral = 1u << 0,
  kSpot = 1u << 1,
  kMargin = 1u << 2,
  kFutures = 1u << 3,
  kEarn = 1u << 4,
  kInnerTransfer = 1u << 5,
  kTransfer = 1u << 6,       // KuCoin's name for the withdrawal permission
  kFlexTransfers = 1u << 7,  // universal (flex) transfer
};

// A set of permissions.
class Permissions {
 public:
  constexpr Permissions() = default;
  constexpr explicit Permissions(uint32_t bits) : bits_(bits) {}
  constexpr Permissions(Permission p) : bits_(static_cast<uint32_t>(p)) {}  // NOLINT

  constexpr bool Has(Permission p) const {
    return p == Permission::kNone || (bits_ & static_cast<uint32_t>(p)) != 0;
  }
  constexpr Permissions& Add(Permission p) {
    bits_ |= static_cast<uint32_t>(p);
    return *this;
  }
  constexpr uint32_t bits() const { return bits_; }

  // "General,Spot" (case-insensitive names, spaces ignored); nullopt on an unknown name.
  // "Withdrawal" is accepted as an alias of Transfer.
  static std::optional<Permissions> Parse(std::string_view text);
  // KuCoin's order: "General,Spot,Margin,Futures,Earn,InnerTransfer,Transfer,FlexTransfers".
  std::string ToString() const;

  friend constexpr bool operator==(Permissions, Permissions) = default;

 private:
  uint32_t bits_ = 0;
};

}  // namespace kc::gateway
