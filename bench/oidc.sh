#!/usr/bin/env bash
# Benchmark: the OpenID Connect token endpoint — the code exchange (PKCE
# checked, code spent, access and ID tokens signed) and the refresh
# (rotation: the old token marked, a new one stored, an access token
# signed), each request with its own single-use body prepared beforehand
# (CODES, default 3000; wrk runs OIDC_DURATION, default 4 s, so that they
# last) — and introspection of one access token, beside nginx's `return
# 200`, on SQLite and on PostgreSQL; then the whole code flow (authorize →
# token) in a loop from one client. Hydra publishes introspection 5,109
# req/s and client credentials 513 req/s on 2 CPUs with an in-memory store.
cd "$(dirname "$0")/.."
source bench/lib.sh
CODES=${CODES:-6000}
OIDC_DURATION=${OIDC_DURATION:-3s}
# The single-use runs: only 2xx answers count (once the bodies run out, the rest are fast refusals).
answered() {
  awk -v label="$1" '/requests in/ {n=$1; s=$4} /Non-2xx/ {bad=$5}
       END {sub(/s$/, "", s); printf "%s: %.0f successful req/s (%d of %d answered 200)\n", label, (n - bad) / s, n - bad, n}' \
    "$work/wrk.txt" >>"$work/answered"
}
start_nginx
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
run_backend() {
  local label=$1
  python3 bench/oidc_prepare.py "$APP" "$work" setup >/dev/null
  python3 bench/oidc_prepare.py "$APP" "$work" static
  DURATION=10s measure "$label introspect" -s "$work/introspect.lua" "$APP/oidc/introspect"
  python3 bench/oidc_prepare.py "$APP" "$work" refresh "$CODES"
  DURATION=$OIDC_DURATION measure "$label refresh" -s "$work/refresh.lua" "$APP/oidc/token"
  answered "$label refresh"
  python3 bench/oidc_prepare.py "$APP" "$work" codes "$CODES"
  DURATION=$OIDC_DURATION measure "$label code exchange" -s "$work/codes.lua" "$APP/oidc/token"
  answered "$label code exchange"
  echo "$label: $(python3 bench/oidc_prepare.py "$APP" "$work" flow 5)" >>"$work/answered"
}
oidc_env="BARONG_OIDC_ENABLED=true BARONG_OIDC_LOGIN_URL=https://exchange.bench/signin BARONG_DOMAIN=http://127.0.0.1:$app_port"
# shellcheck disable=SC2086
start_app $oidc_env
run_backend "sqlite"
stop_instances
start_postgres
# shellcheck disable=SC2086
start_instance "$app_port" "$(new_database oidc_bench)" $oidc_env
run_backend "postgres"
report
cat "$work/answered"
