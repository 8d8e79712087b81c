#!/usr/bin/env bash
# Benchmark: the authorize call with a session cookie and with API-key
# headers (each request a fresh nonce and HMAC, precomputed since replays
# are refused), against a static reply from nginx in the same run.
cd "$(dirname "$0")/.."
source bench/lib.sh
# Precomputed nonces (one per millisecond from now) must stay valid for the whole run.
start_app BARONG_APIKEY_NONCE_LIFETIME=3600000
cookie=$(signup bench@example.com)
path="$APP/api/v2/peatio/account/balances"
[ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$path")" = 200 ] || { echo "authorize failed"; exit 1; }

start_nginx
measure "authorize, session cookie" -H "Cookie: $cookie" -H "User-Agent: bench" "$path"

# 2FA and an API key for the same user (enabling 2FA ends the other
# sessions, so this comes after the cookie run), then signed requests.
apikey_script "$APP" bench@example.com "$work/signed.lua"
measure "authorize, API key (HMAC, fresh nonce)" -s "$work/signed.lua" "$path"
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
# wrk rebuilds each request in Lua when headers change per request; this row
# shows that ceiling for the API-key run.
measure "nginx static, same API-key Lua script" -s "$work/signed.lua" "http://127.0.0.1:$nginx_port/"
report
