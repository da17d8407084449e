#!/usr/bin/env bash
# What counting requests for GET /metrics costs on the request path, two ways,
# each comparing two kcgate processes of the same build in the same run, one
# with [metrics] enabled = false and one with the default (on):
#   1. instructions per request (the repeatable figure): both under valgrind's
#      callgrind, one event loop, warmed up, counters zeroed, exactly
#      --requests signed GET /api/v1/user/api-key over one connection; the
#      event-loop thread's instructions divided by the requests;
#   2. with --throughput: signed requests/s over --connections, rounds
#      interleaved so that load from elsewhere hits both alike; medians.
#
#   bench/metrics_cost.sh                           # callgrind, 5000 requests after 1000
#   bench/metrics_cost.sh --throughput --rounds 3   # and throughput, 3 rounds of 5 s
#
# Builds nothing: run `make release` first; callgrind needs valgrind.
set -euo pipefail

requests=5000 warmup=1000 throughput=0 rounds=3 duration=5s connections=16
while [ $# -gt 0 ]; do
  case $1 in
    --requests) requests=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --throughput) throughput=1; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *)
      echo "usage: $0 [--requests 5000] [--warmup 1000] [--throughput [--rounds 3]" \
        "[--duration 5s] [--connections 16]]" >&2
      exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries
for tool in valgrind callgrind_control; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install valgrind" >&2; exit 2; }
done

# make_variant NAME: a data dir whose config has [metrics] enabled per NAME.
make_variant() {
  make_kcgate_data "$tmp/$1" 1
  printf '\n[metrics]\nenabled = %s\n' "$([[ $1 == on* ]] && echo true || echo false)" \
    >>"$tmp/$1/kcgate.toml"
}

# callgrind_ir NAME: ir[NAME] = Ir per request of NAME's event-loop thread
# (NAME's key: run right after make_variant NAME).
declare -A ir
callgrind_ir() {
  local name=$1 prefix="$tmp/$1.cg" pid f total loop=""
  start_kcgate "" "$tmp/$name" valgrind --tool=callgrind --separate-threads=yes \
    --callgrind-out-file="$prefix"
  pid=${pids[-1]}
  local -a cmd=("$bench" --url "$kcgate_url/api/v1/user/api-key" --key "$api_key"
    --secret "$secret" --passphrase "$passphrase" --connections 1 --threads 1 --timeout 60s
    --max-time 600s --output tsv)
  "${cmd[@]}" --requests "$warmup" >/dev/null
  callgrind_control -z "$pid" >/dev/null 2>&1
  "${cmd[@]}" --requests "$requests" >/dev/null
  callgrind_control -d "$pid" >/dev/null 2>&1
  for _ in $(seq 100); do
    compgen -G "$prefix.1-*" >/dev/null && break
    sleep 0.1
  done
  sleep 0.5
  for f in "$prefix".1-*; do
    if grep -q HttpSession "$f"; then
      total=$(awk '/^summary:/ { print $2 }' "$f")
      loop=$((total / requests))
    fi
  done
  kill -TERM "$pid" 2>/dev/null || true
  [ -n "$loop" ] || { echo "$name: no event-loop thread in the dump" >&2; exit 1; }
  ir[$name]=$loop
}

for variant in off on; do
  make_variant "$variant"
  callgrind_ir "$variant"
done
ir_off=${ir[off]} ir_on=${ir[on]}
echo "instructions per signed GET /api/v1/user/api-key on the event loop (callgrind," \
  "$requests requests after $warmup; repo at" \
  "$(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '  metrics off %d, on %d: %+d instructions, %.4fx\n' "$ir_off" "$ir_on" \
  "$((ir_on - ir_off))" "$(echo "$ir_on / $ir_off" | bc -l)"

[ "$throughput" = 1 ] || exit 0
declare -A k_url k_key k_secret k_pass
for variant in off on; do
  make_variant "$variant-rps"
  start_kcgate "" "$tmp/$variant-rps"
  k_url[$variant]=$kcgate_url k_key[$variant]=$api_key k_secret[$variant]=$secret
  k_pass[$variant]=$passphrase
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -A rps
printf '%-6s %-8s %12s %10s %10s\n' round metrics "req/s" "p50 ms" "p99 ms"
for round in $(seq "$rounds"); do
  for variant in off on; do
    read -r r a _ c _ _ _ < <("$bench" --url "${k_url[$variant]}/api/v1/user/api-key" \
      --key "${k_key[$variant]}" --secret "${k_secret[$variant]}" \
      --passphrase "${k_pass[$variant]}" --connections "$connections" --threads 1 \
      --duration "$duration" --warmup 1s --output tsv)
    rps[$variant]+="$r "
    printf '%-6s %-8s %12.0f %10s %10s\n' "$round" "$variant" "$r" "$a" "$c"
  done
done
# shellcheck disable=SC2086  # one value per round
off=$(median ${rps[off]}) on=$(median ${rps[on]})
printf 'median req/s: metrics off %.0f, on %.0f: %.3fx\n' "$off" "$on" "$(echo "$on / $off" | bc -l)"
