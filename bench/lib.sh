# Shared by the bench/ scripts (sourced, not run): binaries, a temp directory,
# servers started in the background and always stopped on exit, a kcgate data
# directory with one key, and a minimal nginx configuration.
# shellcheck shell=bash

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD:-$bench_root/build/release}
kcgate=${KCGATE:-$build/src/app/kcgate}
bench=${KCGATE_BENCH:-$build/tools/kcgate-bench}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

require_binaries() {
  local f
  for f in "$kcgate" "$bench"; do
    [ -x "$f" ] || { echo "missing $f: run 'make release' first" >&2; exit 2; }
  done
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kcgate-bench.XXXXXX")
pids=()
cleanup() {
  local pid killer
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # Whatever has not stopped 10 s later is killed.
    (sleep 10 && kill -KILL "${pids[@]}" 2>/dev/null) </dev/null >/dev/null 2>&1 &
    killer=$!
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    kill "$killer" 2>/dev/null || true
    wait "$killer" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server CPUS LOG command...: runs the command in the background (pinned
# to CPUS when not empty), output to LOG; its pid is appended to pids.
start_server() {
  local cpus=$1 log=$2
  local -a exec_args
  shift 2
  if [ -n "$cpus" ]; then exec_args=(taskset -c "$cpus" "$@"); else exec_args=("$@"); fi
  # exec: $! is the server itself (taskset execs too), not a subshell around it.
  (exec "${exec_args[@]}" </dev/null >"$log" 2>&1) &
  pids+=($!)
}

# wait_for_line FILE REGEX PID SECONDS: prints the first line of FILE matching REGEX.
wait_for_line() {
  local file=$1 regex=$2 pid=$3 tenths=$(($4 * 10)) line
  for _ in $(seq "$tenths"); do
    line=$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)
    if [ -n "$line" ]; then echo "$line"; return 0; fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# wait_http URL PID SECONDS: until URL answers 200.
wait_http() {
  local tenths=$(($3 * 10))
  for _ in $(seq "$tenths"); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if port_free "$port"; then echo "$port"; return; fi
  done
  echo "no free port found" >&2
  exit 1
}

# make_kcgate_data DIR THREADS: a data directory with one version-3 key and a
# config file DIR/kcgate.toml; sets api_key, secret, passphrase.
make_kcgate_data() {
  local dir=$1 threads=$2 key_json
  mkdir -p "$dir/data"
  # The rate-limit stage stays on (its cost is part of the request path) with
  # quotas no run can reach; a 429 would fail the run.
  cat >"$dir/kcgate.toml" <<EOF
[server]
threads = $threads

[demo]
create_key = false

[market_maker]
enabled = false

[rate_limit]
enabled = true
spot = 1000000000000
futures = 1000000000000
management = 1000000000000
public_per_ip = 1000000000000
earn = 1000000000000
EOF
  passphrase='bench-passphrase'
  key_json=$("$kcgate" keys create --data "$dir/data" --uid 1 --version 3 \
    --permissions General,Spot --passphrase "$passphrase" --json)
  api_key=$(sed -n 's/.*"apiKey":"\([^"]*\)".*/\1/p' <<<"$key_json")
  secret=$(sed -n 's/.*"secret":"\([^"]*\)".*/\1/p' <<<"$key_json")
  # Funds for order routes (an admin inbox row, applied when the server starts).
  "$kcgate" accounts deposit --data "$dir/data" --uid 1 --currency USDT --amount 1000000000 \
    --account trade >/dev/null
  if [ -z "$api_key" ] || [ -z "$secret" ]; then
    echo "cannot read the new key: $key_json" >&2
    exit 1
  fi
}

# start_kcgate CPUS DIR [wrapper...]: starts kcgate on a free port with DIR's
# config and data (under `wrapper`, e.g. valgrind, when given); sets kcgate_url.
start_kcgate() {
  local cpus=$1 dir=$2 line
  shift 2
  start_server "$cpus" "$dir/kcgate.out" "$@" "$kcgate" --config "$dir/kcgate.toml" \
    --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --data "$dir/data"
  if ! line=$(wait_for_line "$dir/kcgate.out" '^kcgate listening on ' "${pids[-1]}" 120); then
    echo "kcgate did not start:" >&2
    cat "$dir/kcgate.out" >&2
    exit 1
  fi
  # shellcheck disable=SC2034  # for the caller
  kcgate_url=$(sed -n 's/^kcgate listening on \(http:\/\/[0-9.:]*\).*/\1/p' <<<"$line")
}

# write_nginx_config DIR PORT WORKERS [extra main-context directives]: the
# smallest nginx that answers every GET with 200 {"code":"200000"}: no logs,
# keep-alive without a request cap, temp paths inside DIR.
write_nginx_config() {
  local dir=$1 port=$2 workers=$3 extra=${4:-} temp_paths="" module
  for module in client_body proxy fastcgi uwsgi scgi; do
    if [ "$module" = client_body ] ||
      ! "$nginx_bin" -V 2>&1 | grep -q -- "--without-http_${module}_module"; then
      temp_paths+="  ${module}_temp_path $dir/$module;"$'\n'
    fi
  done
  cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
$extra
events { worker_connections 4096; }
http {
  access_log off;
$temp_paths  keepalive_requests 100000000;
  keepalive_timeout 60s;
  default_type application/json;
  server {
    listen 127.0.0.1:$port;
    location / { return 200 '{"code":"200000"}'; }
  }
}
EOF
}

# start_nginx CPUS DIR PORT [wrapper...]: starts nginx with DIR/nginx.conf.
start_nginx() {
  local cpus=$1 dir=$2 port=$3
  shift 3
  [ -x "$nginx_bin" ] || { echo "nginx not found: run scripts/setup (nginx-light)" >&2; exit 2; }
  start_server "$cpus" "$dir/stderr.log" "$@" "$nginx_bin" -p "$dir" -e "$dir/error.log" \
    -c "$dir/nginx.conf"
  if ! wait_http "http://127.0.0.1:$port/" "${pids[-1]}" 120; then
    echo "nginx did not start:" >&2
    cat "$dir/error.log" "$dir/stderr.log" >&2 || true
    exit 1
  fi
}
