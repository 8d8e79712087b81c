#!/usr/bin/env bash
# Benchmark: GET /api/v2/auth/resource/users/me with a valid session cookie,
# against a static reply from nginx on the same machine, in the same run.
# Prints req/s, p50 and p99 for both and the ratio. Not a test: figures only.
#   bash bench/me.sh            (after `make release`)
set -euo pipefail
cd "$(dirname "$0")/.."
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

cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && BARONG_LISTEN_PORT=$app_port BARONG_DATABASE_URL="sqlite://$work/bench.sqlite3" \
  BARONG_DATA_DIR="$work/data" BARONG_LOG_LEVEL=warning BARONG_BCRYPT_COST=4 "$BIN" serve >"$work/server.log" 2>&1) &
app_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$app_port/api/v2/auth/public/ping" >/dev/null && break; sleep 0.1; done

cookie=$(curl -s -A bench -D - -o /dev/null -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"Xq9!mzPw#Lk2"}' \
  "http://127.0.0.1:$app_port/api/v2/auth/identity/users" | tr -d '\r' | sed -n 's/^Set-Cookie: \(_barong_session=[^;]*\).*/\1/Ip')
[ -n "$cookie" ] || { echo "could not sign up: $(cat "$work/server.log")"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "http://127.0.0.1:$app_port/api/v2/auth/resource/users/me")
[ "$status" = 200 ] || { echo "users/me answered $status"; exit 1; }

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

run() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@"; }
parse() { # prints "rps p50 p99"
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}'
}
app=$(run -H "Cookie: $cookie" -H "User-Agent: bench" "http://127.0.0.1:$app_port/api/v2/auth/resource/users/me" | parse)
ref=$(run "http://127.0.0.1:$nginx_port/" | parse)
read -r app_rps app_p50 app_p99 <<<"$app"
read -r ref_rps ref_p50 ref_p99 <<<"$ref"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores"
printf '%-34s %12s %10s %10s\n' target req/s p50 p99
printf '%-34s %12s %10s %10s\n' "portcullis GET resource/users/me" "$app_rps" "$app_p50" "$app_p99"
printf '%-34s %12s %10s %10s\n' "nginx static return 200" "$ref_rps" "$ref_p50" "$ref_p99"
python3 -c "print('ratio portcullis/nginx: %.1f %%' % (100.0 * float('$app_rps') / float('$ref_rps')))"
