#!/usr/bin/env bash
# Benchmark: users/me and authorize (session cookie; API key with a fresh
# nonce, which on PostgreSQL is one INSERT per request) on the embedded
# SQLite backend and on PostgreSQL with one and with two instances, the
# last behind an nginx round-robin upstream (with one instance behind the
# same nginx for a fair comparison). Each setup gets a new database.
cd "$(dirname "$0")/.."
source bench/lib.sh
start_postgres
start_nginx
lb_port=$(free_port)
second_port=$(free_port)
lb="http://127.0.0.1:$lb_port/api/v2/auth"
# Precomputed nonces (one per millisecond from now) must stay valid for the whole run.
nonce_env=BARONG_APIKEY_NONCE_LIFETIME=3600000

# run_set LABEL BASE_URL: a new user; users/me and authorize with its cookie, then with an API key.
run_set() {
  local label=$1 base=$2 cookie
  cookie=$(signup bench@example.com "$base")
  local path="$base/api/v2/peatio/account/balances"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$path")" = 200 ] || { echo "$label: authorize failed"; exit 1; }
  measure "$label: users/me" -H "Cookie: $cookie" -H "User-Agent: bench" "$base/resource/users/me"
  measure "$label: authorize, cookie" -H "Cookie: $cookie" -H "User-Agent: bench" "$path"
  apikey_script "$base" bench@example.com "$work/signed.lua"
  measure "$label: authorize, API key" -s "$work/signed.lua" "$path"
}

start_app $nonce_env
run_set "sqlite 1x" "$APP"
stop_instances

start_instance "$app_port" "sqlite://$work/bench2.sqlite3" $nonce_env
start_balancer "$lb_port" "$app_port"
run_set "sqlite 1x via nginx" "$lb"
stop_balancer "$lb_port"
stop_instances

start_instance "$app_port" "$(new_database one)" $nonce_env
run_set "postgres 1x" "$APP"
stop_instances

start_instance "$app_port" "$(new_database one_lb)" $nonce_env
start_balancer "$lb_port" "$app_port"
run_set "postgres 1x via nginx" "$lb"
stop_balancer "$lb_port"
stop_instances

url=$(new_database two)
start_instance "$app_port" "$url" $nonce_env
start_instance "$second_port" "$url" $nonce_env
start_balancer "$lb_port" "$app_port" "$second_port"
run_set "postgres 2x via nginx" "$lb"
stop_balancer "$lb_port"
stop_instances

measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
report
