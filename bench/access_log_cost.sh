#!/usr/bin/env bash
# What the access log costs: signed REST throughput (GET /api/v1/user/api-key,
# the whole policy chain on) of two kcgate processes in the same run, one with
# [access_log] off and one writing every line to a file; rounds interleaved so
# that load from elsewhere on a shared machine hits both alike; medians.
#
#   bench/access_log_cost.sh                      # 3 rounds of 5 s, 16 connections
#   bench/access_log_cost.sh --rounds 5 --duration 3s --connections 32
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries

rounds=3 duration=5s warmup=1s connections=16
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds 3] [--duration 5s] [--warmup 1s] [--connections 16]" >&2; exit 2 ;;
  esac
done

declare -A k_url k_key k_secret k_pass
for variant in off file; do
  make_kcgate_data "$tmp/$variant" 1
  if [ "$variant" = file ]; then
    printf '\n[access_log]\noutput = "file"\npath = "%s"\n' "$tmp/file/access.log" >>"$tmp/$variant/kcgate.toml"
  fi
  start_kcgate "" "$tmp/$variant"
  k_url[$variant]=$kcgate_url k_key[$variant]=$api_key k_secret[$variant]=$secret k_pass[$variant]=$passphrase
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
declare -A rps
printf '%-6s %-10s %12s %10s %10s\n' round "access log" "req/s" "p50 ms" "p99 ms"
for round in $(seq "$rounds"); do
  for variant in off file; do
    read -r r a _ c _ _ _ < <("$bench" --url "${k_url[$variant]}/api/v1/user/api-key" \
      --key "${k_key[$variant]}" --secret "${k_secret[$variant]}" --passphrase "${k_pass[$variant]}" \
      --connections "$connections" --threads 1 --duration "$duration" --warmup "$warmup" \
      --output tsv)
    rps[$variant]+="$r "
    printf '%-6s %-10s %12.0f %10s %10s\n' "$round" "$variant" "$r" "$a" "$c"
  done
done
# shellcheck disable=SC2086  # one value per round
off=$(median ${rps[off]}) file=$(median ${rps[file]})
echo
printf 'median req/s: off %.0f, file %.0f; with the access log: %.3fx (%d lines written)\n' \
  "$off" "$file" "$(echo "$file / $off" | bc -l)" "$(cat "$tmp/file/access.log"* | wc -l)"
