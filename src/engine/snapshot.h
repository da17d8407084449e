// The engine's snapshot format: the Exchange's whole state (accounts and
// ledger, active orders and their books, market data, done-order and fill
// histories, indexes, expiries, fees, id counters, engine time) as compact
// versioned binary, so that a restart loads the latest snapshot and replays
// only the journal after it instead of the whole journal:
//   "KCSN" | u32 version | u64 body length | u32 CRC-32 of body | body
// with little-endian fixed-width fields. Loading never trusts its input: a bad
// magic, version, length or checksum, an index or enum out of range, linked
// lists that do not hold together, other markets or history capacities, or
// trailing bytes fail cleanly and leave the Exchange as it was.
//
// The entry points are Exchange::SaveSnapshot / LoadSnapshot (exchange.h),
// called on the thread that owns the Exchange (the engine thread, or the
// constructing thread before the CommandLoop starts).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kc::engine {

// 2: dead-cancel-all settings. 3: untriggered stop orders. 4: deposits,
// withdrawals and what withdrawals took out. 5: triggered stop orders kept.
inline constexpr std::uint32_t kSnapshotVersion = 5;

// The format version a snapshot's header states, or nullopt when `bytes` does
// not start with a snapshot header. Any thread.
std::optional<std::uint32_t> SnapshotVersion(std::string_view bytes);

}  // namespace kc::engine
