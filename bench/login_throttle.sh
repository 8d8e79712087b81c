#!/usr/bin/env bash
# Password guessing against the login throttle,
# on SQLite with bcrypt at the default cost 12: GUESSERS threads (4) send
# wrong passwords for one account from 127.0.0.2 for GUESS_SECONDS (60)
# while another user signs in once a second from 127.0.0.3. Prints how
# many passwords were compared (every 401) against the most the throttle
# allows in that time, how fast a throttled answer comes back, and the
# other user's sign-in times during the run beside the same sign-ins alone.
cd "$(dirname "$0")/.."
source bench/lib.sh
start_app BARONG_BCRYPT_COST=12
python3 - "$APP" "${GUESS_SECONDS:-60}" "${GUESSERS:-4}" <<'PY'
import statistics, sys, threading, time
import requests

app, duration, guessers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
PASSWORD = "Xq9!mzPw#Lk2"


class Source(requests.adapters.HTTPAdapter):
    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(address):
    s = requests.Session()
    s.mount("http://", Source(address))
    return s


def login(s, email, password):
    started = time.perf_counter()
    r = s.post(app + "/identity/sessions", json={"email": email, "password": password}, timeout=60)
    return r.status_code, (time.perf_counter() - started) * 1000


for email in ("root@example.com", "victim@example.com", "other@example.com"):
    assert requests.post(app + "/identity/users", json={"email": email, "password": PASSWORD}).status_code == 201
other = client("127.0.0.3")
alone = [login(other, "other@example.com", PASSWORD) for _ in range(10)]
assert all(status == 200 for status, _ in alone), alone

results, lock, stop = [], threading.Lock(), time.monotonic() + duration


def guess():
    s = client("127.0.0.2")
    while time.monotonic() < stop:
        status, ms = login(s, "victim@example.com", "Wrong-pass-1!")
        with lock:
            results.append((status, ms))


threads = [threading.Thread(target=guess) for _ in range(guessers)]
for t in threads:
    t.start()
during = []
while time.monotonic() < stop - 1:
    tick = time.monotonic()
    during.append(login(other, "other@example.com", PASSWORD))
    time.sleep(max(0, 1 - (time.monotonic() - tick)))
for t in threads:
    t.join()

# The account's attempts at 0 s (five), then after waits of 1, 2, 4, 8, 16, 32, 60… s.
allowed, t, wait = 5, 0.0, 1
while t + wait <= duration:
    t += wait
    allowed += 1
    wait = min(wait * 2, 60)
checked = [ms for status, ms in results if status == 401]
throttled = sorted(ms for status, ms in results if status == 429)
other_ok = [ms for status, ms in during if status == 200]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))] if values else float("nan")


print(f"guessing one account for {duration:.0f} s with {guessers} threads from one address, bcrypt cost 12, SQLite")
print(f"  attempts                  {len(results):8d}")
print(f"  passwords compared (401)  {len(checked):8d}   most the throttle allows: {allowed}   {'met' if len(checked) <= allowed else 'MISS'}")
print(f"  throttled (429)           {len(throttled):8d}   p50 {pct(throttled, .5):6.2f} ms   p99 {pct(throttled, .99):6.2f} ms")
print(f"  other answers             {len(results) - len(checked) - len(throttled):8d}")
print(f"another user from another address, one sign-in a second")
print(f"  alone         n={len(alone):3d}  p50 {pct([m for _, m in alone], .5):7.1f} ms   max {max(m for _, m in alone):7.1f} ms")
print(f"  during        n={len(during):3d}  p50 {pct(other_ok, .5):7.1f} ms   max {max(other_ok or [0]):7.1f} ms   "
      f"refused {len(during) - len(other_ok)}   {'met' if len(other_ok) == len(during) else 'MISS'}")
PY
