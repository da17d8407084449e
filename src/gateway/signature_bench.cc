// What the signature check costs per request, and what the per-thread cache of
// keyed HMAC contexts (signature.cc) saves: a one-shot HmacSha256 builds a new
// EVP_MAC context and runs the key schedule every time; KeyedHmacSha256
// re-initialises a cached one. Prehashes are those of a typical GET (no body)
// and a typical order POST.
#include <benchmark/benchmark.h>

#include <boost/beast/http/fields.hpp>
#include <string>
#include <vector>

#include "gateway/authenticate.h"
#include "gateway/credentials.h"
#include "gateway/signature.h"

namespace kc::gateway {
namespace {

constexpr std::string_view kSecret = "7f6a3c1e-9d5b-4a1e-8c2f-0b9e4d3a2c1f";
constexpr std::string_view kTimestamp = "1732521600123";

struct Prehash {
  std::string_view method;
  std::string_view path;
  std::string_view body;
};

const Prehash kPrehashes[] = {
    {"GET", "/api/v1/user/api-key", ""},
    {"POST", "/api/v1/hf/orders",
     R"({"clientOid":"5c52e11203aa677f33e493fb","side":"buy","symbol":"BTC-USDT",)"
     R"("type":"limit","price":"60000.1","size":"0.00012","timeInForce":"GTC"})"},
};

ApiKey MakeKey(std::string key, uint64_t generation = 1) {
  ApiKey api_key;
  api_key.key = std::move(key);
  api_key.secret = std::string(kSecret);
  api_key.generation = generation;
  return api_key;
}

void BM_HmacSha256OneShot(benchmark::State& state) {
  const Prehash& p = kPrehashes[state.range(0)];
  for (auto _ : state) {
    benchmark::DoNotOptimize(HmacSha256(kSecret, {kTimestamp, p.method, p.path, p.body}));
  }
}
BENCHMARK(BM_HmacSha256OneShot)->ArgName("post")->Arg(0)->Arg(1);

void BM_KeyedHmacSha256Cached(benchmark::State& state) {
  const Prehash& p = kPrehashes[state.range(0)];
  const ApiKey api_key = MakeKey("65f0a1b2c3d4e5f607182930");
  for (auto _ : state) {
    benchmark::DoNotOptimize(KeyedHmacSha256(api_key, {kTimestamp, p.method, p.path, p.body}));
  }
}
BENCHMARK(BM_KeyedHmacSha256Cached)->ArgName("post")->Arg(0)->Arg(1);

// Requests cycling over `keys` distinct keys: hits while they fit the cache
// (4096 per thread), one key schedule per request (plus eviction) beyond.
void BM_KeyedHmacSha256ManyKeys(benchmark::State& state) {
  std::vector<ApiKey> keys;
  for (int64_t i = 0; i < state.range(0); ++i) {
    // Generation is distinct from the other benchmarks' keys: no cross-talk.
    keys.push_back(MakeKey("bench-many-" + std::to_string(i), 2));
  }
  const Prehash& p = kPrehashes[0];
  size_t next = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(KeyedHmacSha256(keys[next], {kTimestamp, p.method, p.path, p.body}));
    if (++next == keys.size()) next = 0;
  }
}
BENCHMARK(BM_KeyedHmacSha256ManyKeys)->ArgName("keys")->Arg(16)->Arg(4096)->Arg(8192);

void BM_Base64Decode(benchmark::State& state) {
  const std::string sign = SignRequest(kSecret, kTimestamp, "GET", "/api/v1/user/api-key", "");
  for (auto _ : state) benchmark::DoNotOptimize(Base64Decode(sign));
}
BENCHMARK(BM_Base64Decode);

void BM_Base64EncodeDigest(benchmark::State& state) {
  const Digest digest = HmacSha256(kSecret, {kTimestamp});
  for (auto _ : state) benchmark::DoNotOptimize(Base64Encode(digest));
}
BENCHMARK(BM_Base64EncodeDigest);

// The client's side: what kcgate-bench or an SDK pays per request (one-shot).
void BM_SignRequest(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(SignRequest(kSecret, kTimestamp, "GET", "/api/v1/user/api-key", ""));
  }
}
BENCHMARK(BM_SignRequest);

// The server's whole signature check for a GET: decode KC-API-SIGN, keyed
// HMAC through the cache, constant-time compare.
void BM_VerifySignature(benchmark::State& state) {
  const ApiKey api_key = MakeKey("65f0a1b2c3d4e5f607182930");
  const std::string sign = SignRequest(kSecret, kTimestamp, "GET", "/api/v1/user/api-key", "");
  for (auto _ : state) {
    auto bytes = Base64Decode(sign);
    Digest digest{};
    std::copy(bytes->begin(), bytes->end(), digest.begin());
    benchmark::DoNotOptimize(
        SignatureMatches(api_key, digest, kTimestamp, "GET", "/api/v1/user/api-key", ""));
  }
}
BENCHMARK(BM_VerifySignature);

// The KC-API-* header checks that run before any key lookup.
void BM_ReadCredentials(benchmark::State& state) {
  boost::beast::http::fields headers;
  headers.set(boost::beast::http::field::host, "127.0.0.1:8080");
  headers.set(boost::beast::http::field::user_agent, "kucoin-python-sdk/v1.0");
  headers.set("KC-API-KEY", "65f0a1b2c3d4e5f607182930");
  headers.set("KC-API-SIGN", SignRequest(kSecret, kTimestamp, "GET", "/api/v1/user/api-key", ""));
  headers.set("KC-API-TIMESTAMP", kTimestamp);
  headers.set("KC-API-PASSPHRASE", HashPassphrase(kSecret, "passphrase"));
  headers.set("KC-API-KEY-VERSION", "3");
  for (auto _ : state) benchmark::DoNotOptimize(ReadCredentials(headers));
}
BENCHMARK(BM_ReadCredentials);

}  // namespace
}  // namespace kc::gateway

BENCHMARK_MAIN();
