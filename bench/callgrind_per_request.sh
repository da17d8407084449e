#!/usr/bin/env bash
# Instructions per request: the repeatable figure (wall-clock numbers on a
# shared machine are not). Runs kcgate (one event loop) and nginx (one process,
# no master) under valgrind's callgrind, warms each route up, zeroes the
# counters, sends exactly --requests requests over one keep-alive connection,
# dumps, and divides: the event loop's instructions per request, and apart
# those of the other threads. User-space instructions only: the kernel's TCP
# work is not counted. Then prints kcgate's top functions on the signed route.
#
# Builds nothing: run `make release` first; needs valgrind. See bench/README.md.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/callgrind_per_request.sh [options]
  --requests N   measured requests per route (default 5000)
  --warmup N     requests before counting (default 1000)
  --top N        functions listed for the signed route (default 30)
  --no-nginx     skip the nginx baseline
  --keep DIR     copy the callgrind dumps to DIR (for kcachegrind / callgrind_annotate)
environment: BUILD (default build/release), KCGATE, KCGATE_BENCH, NGINX
EOF
}

requests=5000
warmup=1000
top=30
with_nginx=1
keep=""
while [ $# -gt 0 ]; do
  case $1 in
    --requests) requests=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --top) top=$2; shift 2 ;;
    --no-nginx) with_nginx=0; shift ;;
    --keep) keep=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"
require_binaries
for tool in valgrind callgrind_control callgrind_annotate; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install valgrind" >&2; exit 2; }
done

# Names stay uncompressed so that each dump can be read on its own; one dump
# file per thread, so that the event loop's work is told apart from the
# background threads' (key-store and inbox pollers, the engine loop) whose
# cost grows with time, not requests, and is inflated by valgrind's slowness.
callgrind=(valgrind --tool=callgrind --compress-strings=no --compress-pos=no --separate-threads=yes)

last_part() {  # last_part PREFIX: the number of the newest dump (files PREFIX.PART-THREAD)
  local f part=0 n
  for f in "$1".*-*; do
    [ -e "$f" ] || continue
    n=${f#"$1".}
    n=${n%-*}
    [ "$n" -gt "$part" ] && part=$n
  done
  echo "$part"
}

# measure NAME PID DUMP_PREFIX URL [signing flags...]: prints "LOOP OTHER", the
# Ir per request of the busiest thread (the event loop) and of all the others.
measure() {
  local name=$1 pid=$2 prefix=$3 url=$4 before part f ir loop=0 other=0 loop_file=""
  shift 4
  # Under valgrind the first answers take a while: generous timeouts.
  local -a cmd=("$bench" --url "$url" --connections 1 --threads 1 --timeout 60s
    --max-time 600s --output tsv "$@")
  "${cmd[@]}" --requests "$warmup" >/dev/null || { echo "$name: warm-up failed" >&2; exit 1; }
  before=$(last_part "$prefix")
  callgrind_control -z "$pid" >/dev/null 2>&1
  "${cmd[@]}" --requests "$requests" >/dev/null || { echo "$name: run failed" >&2; exit 1; }
  callgrind_control -d "$pid" >/dev/null 2>&1
  for _ in $(seq 100); do
    part=$(last_part "$prefix")
    [ "$part" -gt "$before" ] && break
    sleep 0.1
  done
  [ "$part" -gt "$before" ] || { echo "$name: no callgrind dump" >&2; exit 1; }
  sleep 0.5  # every thread's file of this dump written
  # The event loop is the thread that ran HttpSession or a WS API session
  # (nginx: its only one);
  # on an order route the journal writer can be busier than it.
  for f in "$prefix.$part"-*; do
    # callgrind_annotate 3.19 misreads calls=0 (a call already under way when
    # the counters were zeroed) as exclusive cost of the caller; it is one call.
    sed -i 's/^calls=0 /calls=1 /' "$f"
    ir=$(awk '/^summary:/ { print $2 }' "$f")
    if [ -z "$loop_file" ] && { grep -qE 'HttpSession|wsapi::Session' "$f" || [ "$name" = nginx ]; }; then
      loop=$ir
      loop_file=$f
    else
      other=$((other + ir))
    fi
  done
  [ -n "$loop_file" ] || { echo "$name: no event-loop thread in the dump" >&2; exit 1; }
  cp "$loop_file" "$tmp/$name.callgrind"
  echo "$((loop / requests)) $((other / requests))"
}

results=()
order_body='{"symbol":"BTC-USDT","side":"buy","type":"limit","price":"1000","size":"0.001","timeInForce":"IOC"}'

make_kcgate_data "$tmp/kcgate" 1
start_kcgate "" "$tmp/kcgate" "${callgrind[@]}" --callgrind-out-file="$tmp/kcgate.cg"
kcgate_pid=${pids[-1]}
echo "kcgate under callgrind at $kcgate_url (pid $kcgate_pid)" >&2
out=$(measure timestamp "$kcgate_pid" "$tmp/kcgate.cg" "$kcgate_url/api/v1/timestamp")
read -r loop other <<<"$out"
results+=("kcgate GET /api/v1/timestamp	$loop	$other")
out=$(measure signed "$kcgate_pid" "$tmp/kcgate.cg" "$kcgate_url/api/v1/user/api-key" \
  --key "$api_key" --secret "$secret" --passphrase "$passphrase")
read -r loop other <<<"$out"
results+=("kcgate GET /api/v1/user/api-key (signed)	$loop	$other")
# An order accepted, journaled (fsync) and canceled unfilled: "other threads"
# is then mostly the engine thread and the journal writer (SQLite).
out=$(measure order "$kcgate_pid" "$tmp/kcgate.cg" "$kcgate_url/api/v1/hf/orders" \
  --method POST --body "$order_body" --key "$api_key" --secret "$secret" --passphrase "$passphrase")
read -r loop other <<<"$out"
results+=("kcgate POST /api/v1/hf/orders (signed, IOC)	$loop	$other")
# An order's round trip, REST against the WebSocket order API: place an HF
# limit order and cancel it (kcgate-bench --scenario order-cancel); a request
# is one place or one cancel. The WS API session signs in once per run.
auth=(--key "$api_key" --secret "$secret" --passphrase "$passphrase")
out=$(measure rest-order-cancel "$kcgate_pid" "$tmp/kcgate.cg" "$kcgate_url" \
  --scenario order-cancel "${auth[@]}")
read -r loop other <<<"$out"
results+=("kcgate order+cancel over REST (per request)	$loop	$other")
out=$(measure ws-order-cancel "$kcgate_pid" "$tmp/kcgate.cg" "${kcgate_url/http:/ws:}/v1/private" \
  --scenario order-cancel "${auth[@]}")
read -r loop other <<<"$out"
results+=("kcgate order+cancel over WS API (per request)	$loop	$other")

if [ "$with_nginx" = 1 ]; then
  nginx_port=$(pick_port)
  mkdir -p "$tmp/nginx"
  write_nginx_config "$tmp/nginx" "$nginx_port" 1 "master_process off;"
  start_nginx "" "$tmp/nginx" "$nginx_port" "${callgrind[@]}" \
    --callgrind-out-file="$tmp/nginx.cg"
  out=$(measure nginx "${pids[-1]}" "$tmp/nginx.cg" "http://127.0.0.1:$nginx_port/")
  read -r loop other <<<"$out"
  results=("nginx GET / (return 200)	$loop	$other" "${results[@]}")
fi

echo
echo "user-space instructions per request on the event-loop thread (callgrind; $requests" \
  "requests after $warmup, one connection; $kcgate, repo at" \
  "$(git -C "$bench_root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
printf '%s\n' "${results[@]}" | awk -F'\t' '
  BEGIN {
    printf "%-46s %12s %9s %14s\n", "target", "Ir/request", "vs nginx", "other threads"
  }
  $1 ~ /^nginx/ { base = $2 }
  { printf "%-46s %12d %9s %14d\n", $1, $2, (base > 0 ? sprintf("%.1fx", $2 / base) : "-"), $3 }'

# annotate FILE inclusive|exclusive [FILTER]: the top functions, Ir per request;
# template-heavy names cut at 150 characters.
annotate() {
  local inclusive=no filter=${3:-}
  [ "$2" = inclusive ] && inclusive=yes
  callgrind_annotate --inclusive="$inclusive" --threshold=100 "$1" 2>/dev/null |
    sed -n '/file:function/,$p' | sed -n '3,$p' |
    sed -E 's/^ *([0-9,]+) +\( *([0-9.]+%)\) +(\?\?\?:)?(.*)$/\1\t\2\t\4/; s/ \[[^]]*\]$//' |
    awk -F'\t' -v n="$requests" -v top="$top" -v filter="${filter:-.}" '
      $3 ~ filter && ++shown <= top {
        ir = $1; gsub(",", "", ir); printf "%9d  %6s  %s\n", ir / n, $2, substr($3, 1, 150) }'
}
echo
echo "kcgate, signed route: top $top functions by exclusive Ir per request"
annotate "$tmp/signed.callgrind" exclusive
echo
echo "kcgate, signed route: kcgate's own functions by inclusive Ir per request"
annotate "$tmp/signed.callgrind" inclusive '^kc::'

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  cp "$tmp"/*.callgrind "$keep"/
  echo "dumps kept in $keep" >&2
fi
