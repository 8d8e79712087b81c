#!/usr/bin/env bash
# Benchmark: GET resource/users/me with a valid session cookie, against a
# static reply from nginx in the same run. Prints req/s, p50, p99, ratio.
cd "$(dirname "$0")/.."
source bench/lib.sh
start_app
cookie=$(signup bench@example.com)
[ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$APP/resource/users/me")" = 200 ] || { echo "users/me failed"; exit 1; }
start_nginx
measure "portcullis GET resource/users/me" -H "Cookie: $cookie" -H "User-Agent: bench" "$APP/resource/users/me"
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
report
