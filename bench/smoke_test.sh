#!/usr/bin/env bash
# ctest's check that the load generator still talks to the current server:
# a few hundred signed and unsigned requests through kcgate-bench against a
# fresh kcgate, every answer a 200. Times nothing.
# usage: bench/smoke_test.sh KCGATE KCGATE_BENCH
set -euo pipefail
export KCGATE=$1 KCGATE_BENCH=$2
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries

make_kcgate_data "$tmp/kcgate" 1
start_kcgate "" "$tmp/kcgate"
limits=(--connections 4 --threads 2 --requests 200 --timeout 10s --max-time 60s)
"$bench" --url "$kcgate_url/api/v1/timestamp" "${limits[@]}"
"$bench" --url "$kcgate_url/api/v1/user/api-key" "${limits[@]}" \
  --key "$api_key" --secret "$secret" --passphrase "$passphrase"
# An order's round trip over REST and over the WebSocket order API: 20 orders
# each, every one placed and then canceled, every answer a success.
auth=(--key "$api_key" --secret "$secret" --passphrase "$passphrase")
"$bench" --scenario order-cancel --url "$kcgate_url" "${auth[@]}" --connections 2 --threads 1 \
  --requests 20 --timeout 10s --max-time 60s --symbol ETH-USDT --price 500 --size 0.01
"$bench" --scenario order-cancel --url "${kcgate_url/http:/ws:}/v1/private" "${auth[@]}" \
  --connections 2 --threads 1 --requests 20 --timeout 10s --max-time 60s
if "$bench" --url "$kcgate_url/api/v1/user/api-key" --requests 5 --output tsv \
  --key "$api_key" --secret "wrong-$secret" --passphrase "$passphrase" 2>/dev/null; then
  echo "a wrong secret was measured as a success" >&2
  exit 1
fi
echo "kcgate-bench smoke test passed"
