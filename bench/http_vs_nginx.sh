#!/usr/bin/env bash
# kcgate against nginx on this machine, under the same load: nginx answering a
# fixed 200 from `return` (the floor any HTTP server pays: accept, parse,
# write), then kcgate on a public route (GET /api/v1/timestamp: routing and the
# response path) and on a signed private route (GET /api/v1/user/api-key: the
# whole authentication pipeline, a fresh signature per request). Prints
# requests/s, p50, p99 and p99.9, and each ratio to nginx measured in the same
# round.
#
# Builds nothing: run `make release` first. Every process it starts is stopped
# on exit; every run is bounded by --warmup + --duration. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/http_vs_nginx.sh [options]
  --duration D        measured time per run (default 10s)
  --warmup D          unmeasured load before each run (default 1s)
  --connections N     keep-alive connections (default 32)
  --server-threads N  kcgate threads = nginx worker_processes (default 1)
  --client-threads N  kcgate-bench threads (default 1)
  --rounds N          repeat the three runs N times (default 1)
  --no-pin            do not pin servers and client to separate CPUs
environment: BUILD (default build/release), KCGATE, KCGATE_BENCH, NGINX
EOF
}

duration=10s
warmup=1s
connections=32
server_threads=1
client_threads=1
rounds=1
pin=1
while [ $# -gt 0 ]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --client-threads) client_threads=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --no-pin) pin=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries

# Servers on the first CPUs, the load generator on the next ones, when there
# are enough; otherwise they share and the figures say less.
cpus=$(nproc)
server_cpus="" client_cpus="" pin_text="none"
if [ "$pin" = 1 ] && command -v taskset >/dev/null &&
  [ $((server_threads + client_threads)) -le "$cpus" ]; then
  server_cpus="0-$((server_threads - 1))"
  client_cpus="$server_threads-$((server_threads + client_threads - 1))"
  pin_text="servers on CPU $server_cpus, client on CPU $client_cpus"
fi

nginx_port=$(pick_port)
mkdir -p "$tmp/nginx"
write_nginx_config "$tmp/nginx" "$nginx_port" "$server_threads"
start_nginx "$server_cpus" "$tmp/nginx" "$nginx_port"

make_kcgate_data "$tmp/kcgate" "$server_threads"
start_kcgate "$server_cpus" "$tmp/kcgate"

common=(--connections "$connections" --threads "$client_threads" --duration "$duration"
  --warmup "$warmup" --output tsv)
run() {  # run NAME URL [signing flags...]: appends "NAME<TAB>tsv" to $tmp/results
  local name=$1 url=$2 line
  local -a cmd=("$bench" --url "$url" "${common[@]}")
  shift 2
  [ -n "$client_cpus" ] && cmd=(taskset -c "$client_cpus" "${cmd[@]}")
  if ! line=$("${cmd[@]}" "$@"); then
    echo "run '$name' failed (kcgate-bench's message above)" >&2
    exit 1
  fi
  printf '%s\t%s\n' "$name" "$line" >>"$tmp/results"
  echo "  done: $name" >&2
}

echo "kcgate vs nginx: $cpus CPUs; $server_threads server thread(s) (kcgate threads =" \
  "nginx workers), $client_threads client thread(s), $connections connections," \
  "$duration per run after $warmup warm-up; pinning: $pin_text" >&2
: >"$tmp/results"
for round in $(seq "$rounds"); do
  [ "$rounds" -gt 1 ] && echo "round $round" >&2
  run "nginx GET / (return 200)" "http://127.0.0.1:$nginx_port/"
  run "kcgate GET /api/v1/timestamp" "$kcgate_url/api/v1/timestamp"
  run "kcgate GET /api/v1/user/api-key (signed)" "$kcgate_url/api/v1/user/api-key" \
    --key "$api_key" --secret "$secret" --passphrase "$passphrase"
done

echo
echo "$kcgate (repo at $(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo '?'))," \
  "$("$nginx_bin" -v 2>&1 | sed 's/.*: //'), $cpus CPUs, $server_threads server thread(s)," \
  "$client_threads client thread(s), $connections connections, $duration, pinning: $pin_text"
awk -F'\t' -v rounds="$rounds" '
  function median(list, count,    i, j, v, a) {
    for (i = 1; i <= count; i++) a[i] = list[i]
    for (i = 2; i <= count; i++) {
      v = a[i]
      for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
      a[j + 1] = v
    }
    return count % 2 ? a[(count + 1) / 2] : (a[count / 2] + a[count / 2 + 1]) / 2
  }
  BEGIN {
    printf "%-42s %10s %9s %9s %9s %9s\n", "target", "req/s", "p50 ms", "p99 ms", "p99.9 ms",
           "vs nginx"
  }
  $1 ~ /^nginx/ { base = $2 }
  {
    ratio = base > 0 ? $2 / base : 0
    printf "%-42s %10.0f %9.3f %9.3f %9.3f %9.2f\n", $1, $2, $3, $5, $6, ratio
    if (!($1 in n)) order[++targets] = $1
    k = ++n[$1]; rps[$1, k] = $2; p50[$1, k] = $3; p99[$1, k] = $5; p999[$1, k] = $6
    ratios[$1, k] = ratio
  }
  END {
    if (rounds < 2) exit
    printf "median of %d rounds:\n", rounds
    for (t = 1; t <= targets; t++) {
      name = order[t]
      for (k = 1; k <= n[name]; k++) {
        r[k] = rps[name, k]; a[k] = p50[name, k]; b[k] = p99[name, k]; c[k] = p999[name, k]
        q[k] = ratios[name, k]
      }
      printf "%-42s %10.0f %9.3f %9.3f %9.3f %9.2f\n", name, median(r, n[name]),
             median(a, n[name]), median(b, n[name]), median(c, n[name]), median(q, n[name])
    }
  }
' "$tmp/results"
