#!/usr/bin/env bash
# An order's round trip over the WebSocket order API against signed REST, in
# the same run against the same kcgate: kcgate-bench --scenario order-cancel
# places an HF limit order and cancels it, again and again, one request in
# flight per connection, every answer checked; over one connection and over
# many, REST (POST /api/v1/hf/orders + DELETE /api/v1/hf/orders/{id}) and
# WS API sessions (spot.order + spot.cancel). Prints orders/s (place+cancel
# pairs) and the per-request latency, and the WS/REST ratios.
#
#   bench/wsapi_vs_rest.sh                        # 3 rounds of 5 s runs, 1 and 32 connections
#   bench/wsapi_vs_rest.sh --duration 10s --many 64 --server-threads 2 --client-threads 2
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries

duration=5s warmup=1s many=32 server_threads=1 client_threads=1 rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --many) many=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --client-threads) client_threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--duration 5s] [--warmup 1s] [--many 32] [--server-threads 1] [--client-threads 1] [--rounds 3]" >&2; exit 2 ;;
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

# Rounds interleave REST and WS API runs so that a burst of load from other
# processes on a shared machine hits both alike; the medians are reported.
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-8s %-24s %12s %10s %10s %10s\n' "round" "target" "orders/s" "p50 ms" "p99 ms" "requests"
declare -A rps p50 p99
for round in $(seq "$rounds"); do
  for connections in 1 "$many"; do
    for transport in rest ws; do
      if [ "$transport" = rest ]; then url=$kcgate_url; else url=$ws_url; fi
      read -r r a _ c _ n _ < <(run "$transport" "$url" "$connections")
      key="$transport-$connections"
      rps[$key]+="$(echo "$r / 2" | bc -l) " p50[$key]+="$a " p99[$key]+="$c "
      printf '%-8s %-24s %12.1f %10s %10s %10s\n' "$round" "$transport x$connections" \
        "$(echo "$r / 2" | bc -l)" "$a" "$c" "$n"
    done
  done
done
echo
echo "medians over $rounds round(s):"
for connections in 1 "$many"; do
  for transport in rest ws; do
    key="$transport-$connections"
    # shellcheck disable=SC2086  # word splitting intended: one value per round
    printf '%-24s %12.1f %10s %10s\n' "$transport x$connections" "$(median ${rps[$key]})" \
      "$(median ${p50[$key]})" "$(median ${p99[$key]})"
  done
done
echo
for connections in 1 "$many"; do
  # shellcheck disable=SC2086
  printf 'x%-4s WS/REST: orders/s %.2fx, p50 %.2fx, p99 %.2fx\n' "$connections" \
    "$(echo "$(median ${rps[ws-$connections]}) / $(median ${rps[rest-$connections]})" | bc -l)" \
    "$(echo "$(median ${p50[ws-$connections]}) / $(median ${p50[rest-$connections]})" | bc -l)" \
    "$(echo "$(median ${p99[ws-$connections]}) / $(median ${p99[rest-$connections]})" | bc -l)"
done
