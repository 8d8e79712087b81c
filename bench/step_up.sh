#!/usr/bin/env bash
# Benchmark: what one passkey step-up verification costs the server. A user
# with a passkey (the tests' soft-webauthn authenticator, P-256) makes
# ROUNDS (default 500) `POST resource/passkeys/options` calls, each approved
# by a fresh step-up assertion in place of the code. Only the approved call
# is timed (the challenge and the client's signature are not). Beside it,
# `GET resource/users/me` on the same session is the floor every signed-in
# call pays. Prints p50/p99 of each and their difference: the verification
# itself (challenge spent, passkey read, signature checked, counter stored,
# throttle counted and cleared). One client, SQLite.
cd "$(dirname "$0")/.."
source bench/lib.sh
start_app BARONG_DOMAIN=example.test
PYTHONPATH=Tests/IntegrationTests python3 - "$APP" "${ROUNDS:-500}" <<'PY'
import statistics, sys, time
import requests
from test_passkeys import ORIGIN, Authenticator, assertion_json, register, unb64

app, rounds = sys.argv[1], int(sys.argv[2])
s = requests.Session()
r = s.post(app + "/identity/users", json={"email": "bench@example.com", "password": "Xq9!mzPw#Lk2"})
assert r.status_code == 201, r.text
s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
device = Authenticator()
assert register(s, app, device).status_code == 201


def timed(call):
    started = time.perf_counter()
    r = call()
    return r, (time.perf_counter() - started) * 1000


step_up, floor, options = [], [], []
for _ in range(rounds):
    r, ms = timed(lambda: s.post(app + "/resource/passkeys/step_up/options", json={"action": "passkey.create"}))
    options.append(ms)
    o = r.json()
    assertion = assertion_json(device.get({"publicKey": {"rpId": o["rpId"], "challenge": unb64(o["challenge"])}}, ORIGIN))
    r, ms = timed(lambda: s.post(app + "/resource/passkeys/options", json={"webauthn": assertion}))
    assert r.status_code == 200, r.text
    step_up.append(ms)
    r, ms = timed(lambda: s.get(app + "/resource/users/me"))
    assert r.status_code == 200
    floor.append(ms)


def line(name, values):
    values = sorted(values)
    print(f"{name:38} p50 {statistics.median(values):6.2f} ms   p99 {values[int(len(values) * .99) - 1]:6.2f} ms   (n={len(values)})")
    return statistics.median(values)


print("passkey step-up, one client, SQLite")
line("step_up/options (a challenge)", options)
approved = line("passkeys/options approved by webauthn", step_up)
base = line("users/me (the signed-in floor)", floor)
print(f"one verification costs about {approved - base:+.2f} ms at p50 over the floor")
PY
