#!/usr/bin/env bash
# Benchmark: does a failed login say whether the email exists? 1000 wrong-password
# logins, alternating a registered and an unregistered address, one client,
# bcrypt cost 4 (so that the store work, not bcrypt, is what differs), on SQLite. Prints the median and p90 of each
# and their difference; the goal is a difference inside
# the run-to-run noise. ROUNDS overrides 1000.
cd "$(dirname "$0")/.."
source bench/lib.sh
# The login throttle is off: this run is about the timing of one answer, not guessing.
start_app BARONG_BCRYPT_COST=4 BARONG_LOGIN_THROTTLE_ACCOUNT=0 BARONG_LOGIN_THROTTLE_IP=0
python3 - "$APP" "${ROUNDS:-1000}" <<'PY'
import statistics, sys, time
import requests
app, rounds = sys.argv[1], int(sys.argv[2])
s = requests.Session()
assert s.post(app + "/identity/users", json={"email": "known@example.com", "password": "Xq9!mzPw#Lk2"}).status_code == 201
times = {"known": [], "unknown": []}
for i in range(rounds):
    for kind in ("known", "unknown") if i % 2 == 0 else ("unknown", "known"):
        started = time.perf_counter()
        r = s.post(app + "/identity/sessions", json={"email": f"{kind}@example.com", "password": "Wrong-pass1!"})
        times[kind].append((time.perf_counter() - started) * 1000)
        assert r.status_code == 401, r.text
for kind, values in times.items():
    values.sort()
    print(f"{kind:8} median {statistics.median(values):7.2f} ms   p90 {values[int(len(values) * .9)]:7.2f} ms   (n={len(values)})")
print(f"difference of medians: {statistics.median(times['known']) - statistics.median(times['unknown']):+.3f} ms")
PY
