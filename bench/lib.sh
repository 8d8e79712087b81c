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
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_app [KEY=VALUE …]: the release binary with a temp database.
start_app() {
  (cd "$work" && env BARONG_LISTEN_PORT=$app_port BARONG_DATABASE_URL="sqlite://$work/bench.sqlite3" \
    BARONG_DATA_DIR="$work/data" BARONG_LOG_LEVEL=warning BARONG_BCRYPT_COST=4 "$@" "$BIN" serve >"$work/server.log" 2>&1) &
  app_pid=$!
  for _ in $(seq 100); do curl -sf "$APP/public/ping" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$work/server.log")"; exit 1
}

# signup EMAIL: prints the session cookie (user agent "bench").
signup() {
  curl -s -A bench -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"Xq9!mzPw#Lk2\"}" "$APP/identity/users" \
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
