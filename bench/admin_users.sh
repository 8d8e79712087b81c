#!/usr/bin/env bash
# Benchmark: GET admin/users filtered by email, state and level over 100,000
# users (USERS), with a superadmin's session cookie, on SQLite and on
# PostgreSQL. One connection (ADMIN_CONNECTIONS, default 1): the figure of
# interest is one query's latency (goal p99 < 20 ms), not throughput.
cd "$(dirname "$0")/.."
source bench/lib.sh
USERS=${USERS:-100000}
CONNECTIONS=${ADMIN_CONNECTIONS:-1}

# admin_cookie BASE_URL DATABASE_URL: the first signup is a superadmin; make it active and log in.
admin_cookie() {
  local base=$1 url=$2 cookie
  cookie=$(signup admin@bench.example "$base")
  if [[ $url == sqlite://* ]]; then
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE users SET state='active'\"); c.commit()" "${url#sqlite://}"
  else
    psql -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d "${url##*/}" -c "UPDATE users SET state='active'" >/dev/null
  fi
  echo "$cookie"
}

run_backend() {
  local label=$1 port=$2 url=$3 base cookie
  base="http://127.0.0.1:$port/api/v2/auth"
  start_instance "$port" "$url"
  cookie=$(admin_cookie "$base" "${url%%\?*}")
  python3 bench/seed_users.py "$url" "$USERS"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$base/admin/users?limit=1")" = 200 ] \
    || { echo "admin/users failed on $label"; exit 1; }
  for filter in "email=user77777@bench.example" "state=banned" "level=2" "state=active&level=3" "state=locked&page=50"; do
    measure "$label admin/users?$filter" -H "Cookie: $cookie" -H "User-Agent: bench" "$base/admin/users?$filter"
  done
}

start_nginx
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
run_backend sqlite "$app_port" "sqlite://$work/bench.sqlite3"
start_postgres
run_backend postgres "$(free_port)" "$(new_database admin_bench)"
echo "$USERS users; each request counts the matching users and returns a page of up to 100"
report
