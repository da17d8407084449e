#include "api/order_request.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "core/decimal.h"

namespace kc::api {

namespace json = boost::json;
using engine::RejectReason;

namespace {

const Refusal kBadParameter{ErrorCode::kInvalidParameter};

// The text of a decimal JSON value: strings as sent, integers exactly, and
// doubles in their shortest round-trip fixed notation ("0.001").
std::optional<std::string> DecimalText(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  if (value.is_int64()) return std::to_string(value.as_int64());
  if (value.is_uint64()) return std::to_string(value.as_uint64());
  if (value.is_double()) {
    char buf[64];
    auto [ptr, ec] =
        std::to_chars(buf, buf + sizeof buf, value.as_double(), std::chars_format::fixed);
    if (ec != std::errc()) return std::nullopt;
    return std::string(buf, ptr);
  }
  return std::nullopt;
}

boost::system::result<std::optional<bool>, Refusal> ReadBool(const json::object& body,
                                                             std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<bool>();
  if (value->is_bool()) return std::optional<bool>(value->as_bool());
  if (value->is_string()) {
    if (value->as_string() == "true") return std::optional<bool>(true);
    if (value->as_string() == "false") return std::optional<bool>(false);
  }
  return kBadParameter;
}

boost::system::result<std::optional<std::string>, Refusal> ReadText(const json::object& body,
                                                                    std::string_view name) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<std::string>();
  if (!value->is_string()) return kBadParameter;
  return std::optional<std::string>(std::string(value->as_string()));
}

// cancelAfter: an integer number of seconds, as a number or a numeric string.
boost::system::result<std::int64_t, Refusal> ReadCancelAfter(const json::object& body) {
  const json::value* value = body.if_contains("cancelAfter");
  if (value == nullptr || value->is_null()) return std::int64_t{0};
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) {
    if (value->as_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return kBadParameter;
    return static_cast<std::int64_t>(value->as_uint64());
  }
  if (value->is_string()) {
    const json::string& s = value->as_string();
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && ptr == s.data() + s.size()) return out;
  }
  return kBadParameter;
}

}  // namespace

boost::system::result<std::optional<engine::Units>, Refusal> ReadDecimalField(
    const json::object& body, std::string_view name, int scale, RejectReason too_precise,
    RejectReason too_large) {
  const json::value* value = body.if_contains(name);
  if (value == nullptr || value->is_null()) return std::optional<engine::Units>();
  const auto text = DecimalText(*value);
  if (!text) return kBadParameter;
  const auto parsed = ParseDecimal(*text, scale);
  if (parsed) return std::optional<engine::Units>(*parsed);
  switch (parsed.error()) {
    case DecimalError::kTooPrecise:
      return Refusal(too_precise);
    case DecimalError::kOverflow:
      return Refusal(too_large);
    case DecimalError::kEmpty:
    case DecimalError::kSyntax:
    case DecimalError::kSign:
      break;
  }
  return kBadParameter;
}

boost::system::result<engine::PlaceOrder, Refusal> ParseOrder(
    const json::object& body, const engine::MarketConfig& markets, engine::Uid uid,
    std::optional<engine::SymbolId> symbol) {
  engine::PlaceOrder o;
  o.uid = uid;
  if (symbol) {
    o.symbol = *symbol;
  } else {
    auto name = ReadText(body, "symbol");
    if (!name) return name.error();
    if (!*name || (*name)->empty()) return kBadParameter;
    const auto id = markets.FindSymbol(**name);
    if (!id) return Refusal(RejectReason::kUnknownSymbol);
    o.symbol = *id;
  }
  const int base_scale = markets.base_scale(o.symbol);
  const int quote_scale = markets.quote_scale(o.symbol);

  auto side = ReadText(body, "side");
  if (!side) return side.error();
  if (*side == "buy") {
    o.side = engine::Side::kBuy;
  } else if (*side == "sell") {
    o.side = engine::Side::kSell;
  } else {
    return kBadParameter;
  }

  auto type = ReadText(body, "type");
  if (!type) return type.error();
  if (!*type || *type == "limit") {
    o.type = engine::OrderType::kLimit;
  } else if (*type == "market") {
    o.type = engine::OrderType::kMarket;
  } else {
    return kBadParameter;
  }

  auto trade_type = ReadText(body, "tradeType");
  if (!trade_type) return trade_type.error();
  if (*trade_type && **trade_type != "TRADE") return kBadParameter;

  auto client_oid = ReadText(body, "clientOid");
  if (!client_oid) return client_oid.error();
  if (*client_oid && !o.client_oid.Assign(**client_oid)) return kBadParameter;
  auto remark = ReadText(body, "remark");
  if (!remark) return remark.error();
  if (*remark && !o.remark.Assign(**remark)) return kBadParameter;

  auto stp = ReadText(body, "stp");
  if (!stp) return stp.error();
  if (*stp && !(*stp)->empty()) {
    static constexpr std::pair<std::string_view, engine::Stp> kStps[] = {{"CN", engine::Stp::kCn},
                                                                         {"CO", engine::Stp::kCo},
                                                                         {"CB", engine::Stp::kCb},
                                                                         {"DC", engine::Stp::kDc}};
    const auto* it = std::find_if(std::begin(kStps), std::end(kStps),
                                  [&](const auto& entry) { return entry.first == **stp; });
    if (it == std::end(kStps)) return kBadParameter;
    o.stp = it->second;
  }

  auto size = ReadDecimalField(body, "size", base_scale, RejectReason::kSizeIncrement,
                               RejectReason::kAboveMaxSize);
  if (!size) return size.error();
  if (o.type == engine::OrderType::kLimit) {
    auto price = ReadDecimalField(body, "price", quote_scale, RejectReason::kPriceIncrement,
                                  RejectReason::kInvalidPrice);
    if (!price) return price.error();
    // A limit order needs both (kucoin-node-sdk's HF helper sends neither).
    if (!*price || !*size) return kBadParameter;
    o.price = **price;
    o.size = **size;

    auto tif = ReadText(body, "timeInForce");
    if (!tif) return tif.error();
    if (!*tif || *tif == "GTC") {
      o.time_in_force = engine::TimeInForce::kGtc;
    } else if (*tif == "GTT") {
      o.time_in_force = engine::TimeInForce::kGtt;
    } else if (*tif == "IOC") {
      o.time_in_force = engine::TimeInForce::kIoc;
    } else if (*tif == "FOK") {
      o.time_in_force = engine::TimeInForce::kFok;
    } else {
      return kBadParameter;
    }
    // The official SDK sends cancelAfter -1 with every GTC order: only GTT uses it.
    auto cancel_after = ReadCancelAfter(body);
    if (!cancel_after) return cancel_after.error();
    if (o.time_in_force == engine::TimeInForce::kGtt) o.cancel_after = *cancel_after;

    for (auto [name, out] : {std::pair{"postOnly", &o.post_only}, std::pair{"hidden", &o.hidden},
                             std::pair{"iceberg", &o.iceberg}}) {
      auto flag = ReadBool(body, name);
      if (!flag) return flag.error();
      *out = flag->value_or(false);
    }
    if (o.iceberg) {
      auto visible =
          ReadDecimalField(body, "visibleSize", base_scale, RejectReason::kInvalidVisibleSize,
                           RejectReason::kInvalidVisibleSize);
      if (!visible) return visible.error();
      if (!*visible) return kBadParameter;
      o.visible_size = **visible;
    }
  } else {
    auto funds = ReadDecimalField(body, "funds", quote_scale, RejectReason::kFundsIncrement,
                                  RejectReason::kAboveMaxFunds);
    if (!funds) return funds.error();
    // Exactly one of size and funds.
    if (size->has_value() == funds->has_value()) return kBadParameter;
    o.size = size->value_or(0);
    o.funds = funds->value_or(0);
  }
  return o;
}

}  // namespace kc::api
