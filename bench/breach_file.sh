#!/usr/bin/env bash
# Benchmark: the breached-password file searched in place (takeover.md §P).
# Generates a sorted HASH:COUNT list of SIZE_GIB (default 2) GiB — hashes
# spread evenly over the SHA-1 space, each at a random point of its slot
# (sparse order), PROBES of them real passwords' hashes — and times
# `POST identity/password/validate` on a server with password_breach_check
# = file beside the same call on one with the check off (the reference):
#   cold: the file evicted from the page cache (posix_fadvise DONTNEED) and
#         the server restarted before each timed lookup (COLD rounds);
#   warm: the file read into the page cache first, then WARM lookups.
# Prints p50/p99 of each, their difference (the lookup), and the server's
# resident memory (VmRSS, and its RssAnon and RssFile parts) before and
# after: the anonymous part must not grow with the file.
cd "$(dirname "$0")/.."
source bench/lib.sh
size_gib=${SIZE_GIB:-2}
list="$work/breached.txt"
python3 - "$list" "$size_gib" <<'PY'
import hashlib, os, random, sys, time
path, gib = sys.argv[1], float(sys.argv[2])
line_bytes = 45                      # 40 hex, ':', a count of 2 digits, CRLF
n = int(gib * (1 << 30)) // line_bytes + 1
step = (1 << 160) // n
hits = {}
for i in range(200):                 # the probes that are in the list
    h = int(hashlib.sha1(f"Leaked-{i}-Password!".encode()).hexdigest(), 16)
    hits[h // step] = h
started = time.time()
rng = random.Random(7)
with open(path, "w") as f:
    chunk = []
    for i in range(n):
        value = hits.get(i) or i * step + rng.randrange(step)
        chunk.append("%040X:%02d\r\n" % (value, 10 + i % 90))
        if len(chunk) == 200_000:
            f.write("".join(chunk)); chunk = []
    f.write("".join(chunk))
print(f"generated {n:,} lines, {os.path.getsize(path) / (1 << 30):.2f} GiB in {time.time() - started:.0f} s")
PY
ref_port=$(free_port)
cat > "$work/lookups.py" <<'PY'
"""cold: one timed lookup on each server; warm: the file read into the page
cache, WARM lookups, then every figure (the cold ones from cold.txt)."""
import os, random, statistics, sys, time
import requests
mode, path, port, ref_port, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
listed, ref = f"http://127.0.0.1:{port}/api/v2/auth", f"http://127.0.0.1:{ref_port}/api/v2/auth"
probes = [f"Leaked-{i}-Password!" for i in range(200)] + [f"Never-Seen-{i}-Pw!" for i in range(200)]
rng = random.Random(int(time.time() * 1000))


def validate(base, password, expected=None):
    started = time.perf_counter()
    r = requests.post(base + "/identity/password/validate", json={"password": password}, timeout=60)
    ms = (time.perf_counter() - started) * 1000
    assert r.status_code == 201, r.text
    if expected is not None:
        assert r.json()["breached"] is expected, (password, r.text)
    return ms


def memory(pid):
    fields = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status"))
    return "  ".join(f"{k} {int(fields[k].split()[0]) / 1024:.1f}" for k in ("VmRSS", "RssAnon", "RssFile"))


def line(name, values):
    values = sorted(values)
    p99 = values[max(0, int(len(values) * .99) - 1)]
    print(f"{name:40} p50 {statistics.median(values):7.2f} ms   p99 {p99:7.2f} ms   (n={len(values)})")
    return statistics.median(values)


if mode == "cold":
    password = probes[rng.randrange(len(probes))]
    print(validate(listed, password, password.startswith("Leaked")), validate(ref, password))
    sys.exit()
pid, ref_pid = int(os.environ["LISTED_PID"]), int(os.environ["REF_PID"])
before, ref_before = memory(pid), memory(ref_pid)
with open(path, "rb") as f:
    while f.read(1 << 24):
        pass
warm, warm_ref = [], []
for _ in range(rounds):
    password = probes[rng.randrange(len(probes))]
    warm.append(validate(listed, password, password.startswith("Leaked")))
    warm_ref.append(validate(ref, password))
after, ref_after = memory(pid), memory(ref_pid)
cold = [tuple(map(float, l.split())) for l in open(os.environ["COLD_FILE"])]
print(f"list {os.path.getsize(path) / (1 << 30):.2f} GiB; password/validate, one client, SQLite")
a = line("cold: check = file", [c[0] for c in cold])
b = line("cold: check = off (reference)", [c[1] for c in cold])
print(f"{'  a cold lookup costs about':40} {a - b:+.2f} ms at p50")
c = line("warm: check = file", warm)
d = line("warm: check = off (reference)", warm_ref)
print(f"{'  a warm lookup costs about':40} {c - d:+.2f} ms at p50")
print(f"server memory, MiB, before: {before}")
print(f"server memory, MiB, after {rounds} warm lookups: {after}")
print(f"reference's memory, MiB, before: {ref_before}; after: {ref_after}")
print("(RssFile: pages of the list this process touched — page cache, shared, reclaimable; RssAnon: its own memory)")
PY
evict() { python3 -c 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)' "$list"; }
start_both() {
  start_app BARONG_PASSWORD_BREACH_CHECK=file BARONG_PASSWORD_BREACH_FILE="$list"
  start_instance "$ref_port" "sqlite://$work/ref.sqlite3"
}
# Cold: nothing of the list in the page cache and a fresh process for each lookup.
for _ in $(seq "${COLD:-30}"); do
  evict; start_both
  python3 "$work/lookups.py" cold "$list" "$app_port" "$ref_port" 1 >> "$work/cold.txt"
  stop_instances
done
start_both
pid_on() { ss -ltnpH "sport = :$1" | sed 's/.*pid=\([0-9]*\).*/\1/'; }
LISTED_PID=$(pid_on "$app_port") REF_PID=$(pid_on "$ref_port") COLD_FILE="$work/cold.txt" \
  python3 "$work/lookups.py" warm "$list" "$app_port" "$ref_port" "${WARM:-2000}"
