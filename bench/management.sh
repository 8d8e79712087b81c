#!/usr/bin/env bash
# Benchmark: management POST users/get signed by two RS256 signers (both
# mandatory), against nginx's static reply in the same run. The body is
# signed once without a jti (so it can be replayed; with a jti each request
# would need fresh signatures): every request still verifies both RSA
# signatures. Prints the share of the ceiling `openssl speed rsa2048` gives
# for two verifies per request on all cores.
cd "$(dirname "$0")/.."
source bench/lib.sh
command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl; }
python3 -c "import jwcrypto" 2>/dev/null || python3 -m pip install -q jwcrypto

python3 - "$work" <<'PY'
import json, sys
sys.path.insert(0, "Tests/IntegrationTests")
from mgmt_signer import Signer, claims, config_yaml, sign, SCOPES
work = sys.argv[1]
a, b = Signer("applogic", "RS256"), Signer("peatio", "RS256")
scopes = {name: (["applogic", "peatio"], ["applogic", "peatio"]) for name in SCOPES}
open(f"{work}/management_api.yml", "w").write(config_yaml(
    {"applogic": ("RS256", a.public_value()), "peatio": ("RS256", b.public_value())}, scopes, jwt_options="{leeway: 5}"))
body = sign(claims({"email": "bench@example.com"}, lifetime=3600, jti=None), a, b)
open(f"{work}/body.json", "w").write(json.dumps(body))
open(f"{work}/post.lua", "w").write(
    'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
    f'local f = io.open("{work}/body.json")\nwrk.body = f:read("*a")\nf:close()\n')
PY
start_app BARONG_MANAGEMENT_API_CONFIG="$work/management_api.yml"
signup bench@example.com >/dev/null
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data @"$work/body.json" "$APP/management/users/get")
[ "$status" = 201 ] || { echo "users/get answered $status"; exit 1; }
# PROFILE=1: perf's top symbols while wrk drives `timestamp` (signature checks, no database work).
if [ -n "${PROFILE:-}" ]; then
  pid=$(pgrep -f "$BIN serve" | head -1)
  perf record -F 499 -g -p "$pid" -o "$work/perf.data" -- sleep 8 >/dev/null 2>&1 &
  perf_pid=$!
  wrk -t1 -c64 -d8s -s "$work/post.lua" "$APP/management/timestamp" >/dev/null
  wait "$perf_pid" || true
  perf report -i "$work/perf.data" --no-children --sort symbol -g none --stdio > "$work/perf.txt" 2>&1 || true
  grep "%" "$work/perf.txt" | grep -v "^#" | head -25 || true
fi
start_nginx
measure "portcullis management users/get (2x RS256)" -s "$work/post.lua" "$APP/management/users/get"
measure "portcullis management timestamp (2x RS256)" -s "$work/post.lua" "$APP/management/timestamp"
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
report
verify=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF)}')
rps=$(awk -F'|' '/management users\/get/ {print $2}' "$work/results")
python3 - "$verify" "$rps" "$(nproc)" <<'PY'
import sys
verify, rps, cores = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
ceiling = verify * cores / 2
print(f"openssl rsa2048: {verify:,.0f} verify/s per core; two verifies per request on {cores} cores: ceiling {ceiling:,.0f} req/s")
print(f"reached {rps:,.0f} req/s = {100 * rps / ceiling:.1f} % of that ceiling")
PY
