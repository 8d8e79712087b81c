#!/usr/bin/env bash
# The framework's floor: the smallest Hummingbird 2 server (bench/floor: one
# route, no middleware, the same JSON body) beside Portcullis' public/ping
# (every middleware, no database) and nginx's static `return 200`, with the
# hot-path method (wrk -t2 -c32 -d10s, median of 3). No route of ours can
# reach a larger share of nginx than the first row.
cd "$(dirname "$0")/.."
THREADS=2 CONNECTIONS=32
source bench/lib.sh
swift build -c release --package-path bench/floor >/dev/null
floor_port=$(free_port)
bench/floor/.build/release/floor "$floor_port" >"$work/floor.log" 2>&1 &
echo $! >"$work/floor.pid"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$floor_port/ping" >/dev/null && break; sleep 0.1; done
start_app
start_nginx
for round in 0 1 2; do
  measure "hummingbird 2, one route|$round" "http://127.0.0.1:$floor_port/ping"
  measure "portcullis public/ping|$round" "$APP/public/ping"
  measure "nginx|$round" "http://127.0.0.1:$nginx_port/"
done
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of 3, on $(nproc) cores"
python3 - "$work/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, _, rps, p50, p99, bad = line.rstrip("\n").split("|")
    rows.setdefault(label, []).append(float(rps))
nginx = statistics.median(rows["nginx"])
for label, values in rows.items():
    print("%-34s %10.0f req/s %7.1f %% of nginx" % (label, statistics.median(values), 100 * statistics.median(values) / nginx))
PY
