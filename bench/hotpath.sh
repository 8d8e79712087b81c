#!/usr/bin/env bash
# The hot-path goals, measured against nginx: wrk with 2
# threads, 32 connections, 10 s, median of 3 rounds, every target and
# nginx's static `return 200` interleaved in the same run. Prints req/s,
# p99, the share of nginx, and each goal with its verdict:
#   users/me (cookie) >= 32 %, authorize (cookie) >= 37 %, both p99 < 3 ms;
#   authorize (API key) >= 25 %; PostgreSQL within 10 % of SQLite on the
#   two cookie paths. ROUNDS, DURATION override the defaults.
cd "$(dirname "$0")/.."
THREADS=2 CONNECTIONS=32 DURATION=${DURATION:-10s}
source bench/lib.sh
ROUNDS=${ROUNDS:-3}
export WRK_THREADS=$THREADS
nonce_env=BARONG_APIKEY_NONCE_LIFETIME=3600000
start_nginx
start_postgres

# run_backend LABEL DATABASE_URL: a new instance and user; ROUNDS rounds of the three targets and nginx.
run_backend() {
  local label=$1 cookie path
  start_instance "$app_port" "$2" $nonce_env
  cookie=$(signup bench@example.com)
  path="$APP/api/v2/peatio/account/balances"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$path")" = 200 ] || { echo "$label: authorize failed"; exit 1; }
  # The API key needs 2FA, which ends the user's other sessions: the cookie rows use a second user.
  apikey_script "$APP" bench@example.com "$work/signed-$label.lua" $((ROUNDS * THREADS))
  cookie=$(signup cookie@example.com)
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$APP/resource/users/me")" = 200 ] || { echo "$label: signup failed"; exit 1; }
  for round in $(seq 0 $((ROUNDS - 1))); do
    measure "$label users/me, cookie|$round" -H "Cookie: $cookie" -H "User-Agent: bench" "$APP/resource/users/me"
    measure "$label authorize, cookie|$round" -H "Cookie: $cookie" -H "User-Agent: bench" "$path"
    NONCE_RUN=$round measure "$label authorize, API key|$round" -s "$work/signed-$label.lua" "$path"
    measure "nginx|$label $round" "http://127.0.0.1:$nginx_port/"
  done
  stop_instances
}

run_backend sqlite "sqlite://$work/bench.sqlite3"
run_backend postgres "$(new_database hot)"

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $ROUNDS rounds, on $(nproc) cores"
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, rps, p50, p99, bad = line.rstrip("\n").split("|")[0:1] + line.rstrip("\n").split("|")[2:]
    def ms(text):
        return float(text[:-2]) if text.endswith("ms") else float(text[:-2]) / 1000 if text.endswith("us") else float(text[:-1]) * 1000
    rows.setdefault(label, []).append((float(rps), ms(p99), int(bad or 0)))
nginx = statistics.median(r[0] for r in rows.pop("nginx"))
med = {label: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v), sum(r[2] for r in v))
       for label, v in rows.items()}
print("%-34s %10s %9s %8s %9s" % ("target", "req/s", "p99", "non-2xx", "of nginx"))
for label, (rps, p99, bad) in med.items():
    print("%-34s %10.0f %7.2fms %8d %8.1f%%" % (label, rps, p99, bad, 100 * rps / nginx))
print("%-34s %10.0f" % ("nginx static return 200", nginx))
def share(label): return 100 * med[label][0] / nginx
goals = [
    ("users/me cookie >= 32 % of nginx (sqlite)", share("sqlite users/me, cookie") >= 32),
    ("authorize cookie >= 37 % of nginx (sqlite)", share("sqlite authorize, cookie") >= 37),
    ("cookie paths p99 < 3 ms (sqlite)", max(med["sqlite users/me, cookie"][1], med["sqlite authorize, cookie"][1]) < 3),
    ("authorize API key >= 25 % of nginx (sqlite)", share("sqlite authorize, API key") >= 25),
]
for path in ("users/me, cookie", "authorize, cookie"):
    ratio = med["postgres " + path][0] / med["sqlite " + path][0]
    goals.append(("postgres %s within 10 %% of sqlite (%.0f %%)" % (path, 100 * ratio), ratio >= 0.9))
for text, ok in goals:
    print("%-4s %s" % ("met" if ok else "MISS", text))
PY
