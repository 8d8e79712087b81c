#!/usr/bin/env bash
# The gateway path: the authorize call on its own SwiftNIO
# listener (authorize_listen) beside the main listener, nginx's static
# `return 200`, a raw SwiftNIO server (bench/nio-floor: the same pipeline
# with no work) and the smallest Hummingbird server (bench/floor), all in
# one sitting: wrk -t2 -c32 -d10s, median of ROUNDS (3), targets
# interleaved. Each row gives req/s, p99 and the server's CPU per request
# (utime + stime from /proc around the run, divided by the requests), then
# each goal with met/MISS. A last 60 s API-key run on SQLite looks for
# stalls (wrk's max latency), beside the same run against the raw SwiftNIO
# floor (what wrk and this machine show with no server work at all).
# BASELINE_BIN=path/to/an/older/portcullis measures that binary's main
# listener in the same sitting for the "not slower" goals (else the shares
# of nginx recorded below, in `before`, are the reference).
cd "$(dirname "$0")/.."
THREADS=2 CONNECTIONS=32 DURATION=${DURATION:-10s}
source bench/lib.sh
ROUNDS=${ROUNDS:-3}
STALL_DURATION=${STALL_DURATION:-60s}
export WRK_THREADS=$THREADS
swift build -c release --package-path bench/floor >/dev/null
swift build -c release --package-path bench/nio-floor >/dev/null
start_nginx
start_postgres
floor_port=$(free_port); nio_port=$(free_port); gateway_port=$(free_port)
bench/floor/.build/release/floor "$floor_port" >"$work/floor.log" 2>&1 & echo $! >"$work/floor.pid"
bench/nio-floor/.build/release/nio-floor "$nio_port" >"$work/nio.log" 2>&1 & echo $! >"$work/nio.pid"
for p in "$floor_port/ping" "$nio_port/"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p" >/dev/null && break; sleep 0.1; done
done
GATEWAY="http://127.0.0.1:$gateway_port/api/v2/auth"
peatio=/api/v2/peatio/account/balances

# cpu PID…: the processes' user + system time so far, in clock ticks.
cpu() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$t"; }
# nginx's master (its pid file) and its worker.
nginx_pids() { local master; master=$(cat "$work/nginx.pid"); echo "$master $(pgrep -P "$master" | tr '\n' ' ')"; }

# run LABEL "PIDS" wrk-args…: one measurement, with the CPU the PIDS spent on it.
run() {
  local label=$1 pids=$2; shift 2
  local before after
  before=$(cpu $pids)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" >"$work/wrk.txt"
  after=$(cpu $pids)
  awk -v label="$label" -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
       /Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /requests in/ {n=$1} /Non-2xx/ {bad=$5}
       END {printf "%s|%s|%s|%.2f|%s\n", label, rps, p99, 1e6 * ticks / hz / n, (bad == "" ? 0 : bad)}' \
       "$work/wrk.txt" >>"$work/results"
}

# baseline_rows ROUND: the older binary's main-listener rows (BASELINE_BIN).
baseline_rows() {
  local base="http://127.0.0.1:$baseline_port/api/v2/auth"
  run "public/ping (baseline)|$1" "$baseline_pid" "$base/public/ping"
  run "users/me, cookie (baseline)|$1" "$baseline_pid" -H "Cookie: $baseline_cookie" -H "User-Agent: bench" "$base/resource/users/me"
  run "authorize, cookie (baseline)|$1" "$baseline_pid" -H "Cookie: $baseline_cookie" -H "User-Agent: bench" "$base$peatio"
}
if [ -n "${BASELINE_BIN:-}" ]; then
  baseline_port=$(free_port)
  BIN=$BASELINE_BIN start_instance "$baseline_port" "sqlite://$work/baseline.sqlite3"
  baseline_pid=$(echo $app_pids | awk '{print $NF}')
  baseline_cookie=$(signup baseline@example.com "http://127.0.0.1:$baseline_port/api/v2/auth")
fi

# backend NAME DATABASE_URL: one instance with the gateway listener; its rows.
backend() {
  local name=$1 url=$2 cookie app_pid
  start_instance "$app_port" "$url" BARONG_APIKEY_NONCE_LIFETIME=3600000 BARONG_AUTHORIZE_LISTEN="127.0.0.1:$gateway_port"
  app_pid=$(echo $app_pids | awk '{print $NF}')  # start_instance execs the binary in its subshell
  cookie=$(signup bench@example.com)
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$GATEWAY$peatio")" = 200 ] || { echo "gateway refused"; exit 1; }
  # The last slots serve the 60 s stall run: enough nonces for it.
  NONCES_LAST_RUN=$([ "$name" = sqlite ] && echo 1500000 || echo 400000) \
    apikey_script "$APP" bench@example.com "$work/signed-$name.lua" $(((ROUNDS + 1) * THREADS))
  cookie=$(signup cookie@example.com)
  for round in $(seq 0 $((ROUNDS - 1))); do
    if [ "$name" = sqlite ]; then
      run "nginx|$round" "$(nginx_pids)" "http://127.0.0.1:$nginx_port/"
      run "raw SwiftNIO floor|$round" "$(cat "$work/nio.pid")" "http://127.0.0.1:$nio_port/"
      run "Hummingbird floor|$round" "$(cat "$work/floor.pid")" "http://127.0.0.1:$floor_port/ping"
      run "public/ping (main)|$round" "$app_pid" "$APP/public/ping"
      run "users/me, cookie (main)|$round" "$app_pid" -H "Cookie: $cookie" -H "User-Agent: bench" "$APP/resource/users/me"
      run "authorize, cookie (main)|$round" "$app_pid" -H "Cookie: $cookie" -H "User-Agent: bench" "$APP$peatio"
      run "authorize, cookie (gateway)|$round" "$app_pid" -H "Cookie: $cookie" -H "User-Agent: bench" "$GATEWAY$peatio"
      [ -n "${BASELINE_BIN:-}" ] && baseline_rows "$round"
    fi
    NONCE_RUN=$round run "authorize, API key, $name (gateway)|$round" "$app_pid" -s "$work/signed-$name.lua" "$GATEWAY$peatio"
  done
  if [ "$name" = sqlite ]; then
    NONCE_RUN=$ROUNDS DURATION=$STALL_DURATION run "stall|$name" "$app_pid" -s "$work/signed-$name.lua" "$GATEWAY$peatio"
    awk '/Latency/ && !done {print $4; done=1}' "$work/wrk.txt" >"$work/stall-max"
    NONCE_RUN=$ROUNDS DURATION=$STALL_DURATION run "stall|floor" "$(cat "$work/nio.pid")" -s "$work/signed-$name.lua" "http://127.0.0.1:$nio_port/"
    awk '/Latency/ && !done {print $4; done=1}' "$work/wrk.txt" >"$work/stall-floor-max"
  fi
  stop_instances
}

backend sqlite "sqlite://$work/bench.sqlite3"
backend postgres "$(new_database gateway)"

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, median of $ROUNDS rounds, on $(nproc) cores; CPU per request from /proc"
python3 - "$work/results" "$(cat "$work/stall-max")" "$STALL_DURATION" "$(cat "$work/stall-floor-max")" <<'PY'
import statistics, sys
def ms(text):
    return float(text[:-2]) if text.endswith("ms") else float(text[:-2]) / 1000 if text.endswith("us") else float(text[:-1]) * 1000
rows = {}
for line in open(sys.argv[1]):
    label, rps, p99, cpu, bad = line.rstrip("\n").split("|")[0:1] + line.rstrip("\n").split("|")[2:]
    rows.setdefault(label, []).append((float(rps), ms(p99), float(cpu), int(bad or 0)))
rows.pop("stall", None)
med = {label: tuple(statistics.median(r[i] for r in v) for i in range(3)) + (sum(r[3] for r in v),) for label, v in rows.items()}
nginx = med["nginx"][0]
print("%-40s %10s %9s %9s %8s %9s" % ("target", "req/s", "p99", "CPU/req", "non-2xx", "of nginx"))
for label, (rps, p99, cpu, bad) in med.items():
    print("%-40s %10.0f %7.2fms %7.1fus %8d %8.1f%%" % (label, rps, p99, cpu, bad, 100 * rps / nginx))
def share(label): return 100 * med[label][0] / nginx
stall = ms(sys.argv[2])
# The main listener before the gateway listener existed: share of nginx.
before = {"public/ping (main)": 35.9, "authorize, cookie (main)": 28.7, "users/me, cookie (main)": 28.8}
goals = [
    ("gateway authorize, cookie >= 55 %% of nginx (%.1f %%)" % share("authorize, cookie (gateway)"), share("authorize, cookie (gateway)") >= 55),
    ("gateway authorize, cookie <= 25 us CPU per request (%.1f)" % med["authorize, cookie (gateway)"][2], med["authorize, cookie (gateway)"][2] <= 25),
    ("gateway authorize, cookie p99 < 2 ms (%.2f)" % med["authorize, cookie (gateway)"][1], med["authorize, cookie (gateway)"][1] < 2),
    ("gateway authorize, API key >= 40 %% of nginx on SQLite (%.1f %%)" % share("authorize, API key, sqlite (gateway)"),
     share("authorize, API key, sqlite (gateway)") >= 40),
]
for name in ("sqlite", "postgres"):
    p99 = med["authorize, API key, %s (gateway)" % name][1]
    goals.append(("gateway authorize, API key p99 < 5 ms on %s (%.2f)" % (name, p99), p99 < 5))
goals.append(("no stall above 10 ms in a %s API-key run on SQLite (max %.1f ms; the raw SwiftNIO floor's under the same wrk: %.1f ms)"
              % (sys.argv[3], stall, ms(sys.argv[4])), stall < 10))
extra = med["users/me, cookie (main)"][2] - med["Hummingbird floor"][2]
goals.append(("users/me <= 8 us CPU per request above the Hummingbird floor (%.1f)" % extra, extra <= 8))
for label, old in before.items():
    baseline = label.replace("(main)", "(baseline)")
    if baseline in med:
        # The same sitting: CPU per request, the steadier figure, within 5 %.
        now, was = med[label][2], med[baseline][2]
        goals.append(("%s not slower than the baseline binary (%.1f us CPU per request, baseline %.1f us)" % (label, now, was),
                      now <= was * 1.05))
    else:
        goals.append(("%s not slower than the recorded figure (%.1f %% of nginx, was %.1f %%)" % (label, share(label), old), share(label) >= old))
for text, ok in goals:
    print("%-4s %s" % ("met" if ok else "MISS", text))
PY
