#!/usr/bin/env bash
# Benchmark: authorize with a session cookie from an address the GeoIP
# database knows (X-Forwarded-For), with and without `maxminddb_path`, and
# users/me the same way; a GeoLite2-Country-shaped file of 20,000 networks
# is built with mmdb-writer. Prints req/s, p99 and the cost of the lookup.
cd "$(dirname "$0")/.."
THREADS=2 CONNECTIONS=32
source bench/lib.sh
python3 - "$work/country.mmdb" <<'PY'
import sys
from mmdb_writer import MMDBWriter
from netaddr import IPSet
writer = MMDBWriter(ip_version=6, database_type="GeoLite2-Country", ipv4_compatible=True)
countries = [("DE", "EU"), ("JP", "AS"), ("BR", "SA"), ("US", "NA"), ("KE", "AF")]
for n in range(20000):
    country, continent = countries[n % len(countries)]
    writer.insert_network(IPSet(["%d.%d.%d.0/24" % (11 + n // 65536, (n // 256) % 256, n % 256)]),
                          {"country": {"iso_code": country}, "continent": {"code": continent}})
writer.to_db_file(sys.argv[1])
PY
run() {
  local label=$1 db=$2; shift 2
  start_instance "$app_port" "sqlite://$work/$db.sqlite3" "$@"
  local cookie path="$APP/api/v2/peatio/account/balances"
  # The session is bound to the client's network: sign up from the same forwarded address.
  cookie=$(curl -s -A bench -D - -o /dev/null -H 'Content-Type: application/json' -H "X-Forwarded-For: 11.0.7.9" \
    -d '{"email":"bench@example.com","password":"Xq9!mzPw#Lk2"}' "$APP/identity/users" \
    | tr -d '\r' | sed -n 's/^Set-Cookie: \(_barong_session=[^;]*\).*/\1/Ip')
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" -H "X-Forwarded-For: 11.0.7.9" "$path")" = 200 ] \
    || { echo "$label: authorize failed"; exit 1; }
  for round in 0 1 2; do
    measure "$label authorize, cookie|$round" -H "Cookie: $cookie" -H "User-Agent: bench" -H "X-Forwarded-For: 11.0.7.9" \
      "$path"
  done
  stop_instances
}
run "no GeoIP" plain
run "GeoIP loaded" geo BARONG_MAXMINDDB_PATH="$work/country.mmdb"
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, _, rps, p50, p99, bad = line.rstrip("\n").split("|")
    rows.setdefault(label, []).append((float(rps), p99, bad))
print("wrk -t2 -c32 -d10s, median of 3")
for label, runs in rows.items():
    rps = statistics.median(r[0] for r in runs)
    print("%-36s %10.0f req/s   p99 %s   non-2xx %s" % (label, rps, sorted(r[1] for r in runs)[1], sum(int(r[2]) for r in runs)))
off = statistics.median(r[0] for r in rows["no GeoIP authorize, cookie"])
on = statistics.median(r[0] for r in rows["GeoIP loaded authorize, cookie"])
print("GeoIP lookup: %.1f us per request (%.1f %% of req/s)" % (max(0, 1e6 / on - 1e6 / off), 100 * (off - on) / off))
PY
