// Simulated deposit addresses: each user has one address per chain, derived
// from the uid and the chain id (so it is stable across restarts and needs no
// storage), in the shape of that chain's addresses (0x + 40 hex on EVM chains,
// bc1q... on Bitcoin, T... on Tron, base58 on Solana). Like KuCoin, tokens on
// one EVM chain share the user's address there. Pure functions: any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/markets.h"

namespace kc::api {

std::string DepositAddress(std::uint64_t uid, const engine::ChainSpec& chain);

// A transaction hash for a simulated transfer `id` on `chain`, in that
// chain's shape (0x + 64 hex on EVM chains, 64 hex elsewhere).
std::string WalletTxId(std::uint64_t id, const engine::ChainSpec& chain);

}  // namespace kc::api
