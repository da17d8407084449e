#!/usr/bin/env bash
# An order's round trip over the WebSocket order API against signed REST, in
# the same run against the same kcgate: kcgate-bench --scenario order-cancel
# places an HF limit order and cancels it, again and again, one request in
# flight per connection, every answer checked; over one connection and over
# many, REST (POST /api/v1/hf/orders + DELETE /api/v1/hf/orders/{id}) and
# WS API sessions (spot.order + spot.cancel). Prints orders/s (place+cancel
# pairs) and the per-request latency, and the WS/REST ratios.
#
#   bench/wsapi_vs_rest.sh                        # 5 s per run, 1 and 32 connections
#   bench/wsapi_vs_rest.sh --duration 10s --many 64 --server-threads 2 --client-threads 2
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries

duration=5s warmup=1s many=32 server_threads=1 client_threads=1
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --many) many=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --client-threads) client_threads=$2; shift 2 ;;
    *) echo "usage: $0 [--duration 5s] [--warmup 1s] [--many 32] [--server-threads 1] [--client-threads 1]" >&2; exit 2 ;;
  esac
done

make_kcgate_data "$tmp/kcgate" "$server_threads"
start_kcgate "" "$tmp/kcgate"
ws_url=${kcgate_url/http:/ws:}/v1/private
auth=(--key "$api_key" --secret "$secret" --passphrase "$passphrase")

# run NAME URL CONNECTIONS: one measurement; prints "rps p50 p90 p99 p99.9 requests failures".
run() {
  local url=$2 connections=$3 threads=$client_threads
  [ "$threads" -gt "$connections" ] && threads=$connections
  "$bench" --scenario order-cancel --url "$url" "${auth[@]}" --connections "$connections" \
    --threads "$threads" --duration "$duration" --warmup "$warmup" --output tsv
}

printf '%-24s %12s %10s %10s %10s\n' "target" "orders/s" "p50 ms" "p99 ms" "requests"
declare -A rps p50 p99
for connections in 1 "$many"; do
  for transport in rest ws; do
    if [ "$transport" = rest ]; then url=$kcgate_url; else url=$ws_url; fi
    read -r r a _ c _ n _ < <(run "$transport" "$url" "$connections")
    key="$transport-$connections"
    rps[$key]=$r p50[$key]=$a p99[$key]=$c
    printf '%-24s %12.1f %10s %10s %10s\n' "$transport x$connections" \
      "$(echo "$r / 2" | bc -l)" "$a" "$c" "$n"
  done
done
echo
for connections in 1 "$many"; do
  printf 'x%-4s WS/REST: orders/s %.2fx, p50 %.2fx, p99 %.2fx\n' "$connections" \
    "$(echo "${rps[ws-$connections]} / ${rps[rest-$connections]}" | bc -l)" \
    "$(echo "${p50[ws-$connections]} / ${p50[rest-$connections]}" | bc -l)" \
    "$(echo "${p99[ws-$connections]} / ${p99[rest-$connections]}" | bc -l)"
done
