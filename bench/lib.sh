# Shared by the bench scripts: installs wrk/nginx when missing, starts the
# release binary and a static nginx on free loopback ports, runs wrk and
# prints a figures table. Source it; it cleans up on exit.
set -euo pipefail
BIN=${PORTCULLIS_BIN:-$PWD/.build/release/portcullis}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}

need=""
command -v wrk >/dev/null || need="$need wrk"
command -v nginx >/dev/null || need="$need nginx-light"
command -v curl >/dev/null || need="$need curl"
if [ -n "$need" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need; fi

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
nginx_port=$(free_port)
APP="http://127.0.0.1:$app_port/api/v2/auth"

cleanup() {
  stop_instances
  for pid in "$work"/*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done
  [ -n "${pg_bin:-}" ] && $as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_instance PORT DATABASE_URL [KEY=VALUE …]: one more release binary.
# Instances share $work/data, so they share the development keys (the first creates them).
start_instance() {
  local port=$1 url=$2; shift 2
  (cd "$work" && exec env BARONG_LISTEN_PORT="$port" BARONG_DATABASE_URL="$url" BARONG_DATA_DIR="$work/data" \
    BARONG_LOG_LEVEL=warning BARONG_BCRYPT_COST=4 "$@" "$BIN" serve >>"$work/server-$port.log" 2>&1) &
  app_pids="${app_pids:-} $!"
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/api/v2/auth/public/ping" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$work/server-$port.log")"; exit 1
}

stop_instances() {
  for pid in ${app_pids:-}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${app_pids:-}; do wait "$pid" 2>/dev/null || true; done
  app_pids=""
}

# start_app [KEY=VALUE …]: the release binary with a temp SQLite database on $app_port.
start_app() { start_instance "$app_port" "sqlite://$work/bench.sqlite3" "$@"; }

# start_postgres: a PostgreSQL cluster (Debian's package, default durability
# settings) on a free loopback port; `new_database NAME` prints a database_url.
start_postgres() {
  command -v psql >/dev/null && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  pg_port=$(free_port)
  mkdir -p "$work/pg"
  as_pg=""
  if [ "$(id -u)" = 0 ]; then chmod 755 "$work"; chown postgres "$work/pg"; as_pg="runuser -u postgres --"; fi
  $as_pg "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust >/dev/null
  $as_pg "$pg_bin/pg_ctl" -D "$work/pg/data" -o "-p $pg_port -k $work/pg -h 127.0.0.1 -c max_connections=200" \
    -l "$work/pg/log" -w start >/dev/null
}

new_database() {
  psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $1" >/dev/null
  echo "postgres://postgres@127.0.0.1:$pg_port/$1?sslmode=disable"
}

# start_balancer PORT APP_PORT…: nginx as a round-robin reverse proxy (keepalive) to the instances.
start_balancer() {
  local port=$1; shift
  local servers=""
  for p in "$@"; do servers="$servers server 127.0.0.1:$p;"; done
  cat >"$work/lb-$port.conf" <<NGINX
worker_processes 1;
pid $work/lb-$port.pid;
error_log $work/lb-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  upstream portcullis { $servers keepalive 64; }
  server {
    listen 127.0.0.1:$port;
    location / { proxy_pass http://portcullis; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
  nginx -c "$work/lb-$port.conf"
  sleep 0.3
}

stop_balancer() { kill "$(cat "$work/lb-$1.pid")" 2>/dev/null || true; rm -f "$work/lb-$1.pid"; sleep 0.3; }

# apikey_script BASE_URL EMAIL OUT: logs EMAIL in, enables 2FA, creates an
# HMAC API key and writes a wrk Lua script sending a fresh signed nonce per request.
apikey_script() { python3 "$(dirname "${BASH_SOURCE[0]}")/apikey_script.py" "$@"; }

# signup EMAIL [BASE_URL]: prints the session cookie (user agent "bench").
signup() {
  curl -s -A bench -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"Xq9!mzPw#Lk2\"}" "${2:-$APP}/identity/users" \
    | tr -d '\r' | sed -n 's/^Set-Cookie: \(_barong_session=[^;]*\).*/\1/Ip'
}

start_nginx() {
  cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '{"ping":"pong"}'; }
  }
}
NGINX
  nginx -c "$work/nginx.conf"
  sleep 0.3
}

# measure LABEL wrk-args…: prints "LABEL rps p50 p99 non2xx" into $work/results.
measure() {
  local label=$1; shift
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$work/wrk.txt"
  awk -v label="$label" '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
       /Non-2xx/ {bad=$5} END {printf "%s|%s|%s|%s|%s\n", label, rps, p50, p99, (bad == "" ? 0 : bad)}' "$work/wrk.txt" >>"$work/results"
}

# report: the table, and each row's req/s as a share of the nginx row (named "nginx").
report() {
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores"
  python3 - "$work/results" <<'PY'
import sys
rows = [line.rstrip("\n").split("|") for line in open(sys.argv[1]) if line.strip()]
ref = next(float(r[1]) for r in rows if r[0].startswith("nginx"))
print("%-40s %11s %9s %9s %8s %9s" % ("target", "req/s", "p50", "p99", "non-2xx", "of nginx"))
for label, rps, p50, p99, bad in rows:
    print("%-40s %11s %9s %9s %8s %8.1f%%" % (label, rps, p50, p99, bad, 100 * float(rps) / ref))
PY
}
