#!/usr/bin/env bash
# Benchmark: the OpenID Connect token endpoint — the code exchange (PKCE
# checked, code spent, access and ID tokens signed) and the refresh
# (rotation: the old token marked, a new one stored, an access token
# signed), each request with its own single-use body prepared beforehand
# (CODES; wrk runs OIDC_DURATION so that they last), and client credentials
# (a service account's access token, the same body every time) — and
# introspection of one access token, beside nginx's `return 200`, on SQLite
# and on PostgreSQL; then the whole code flow (authorize → token) in a loop
# from one client. Hydra publishes introspection 5,109 req/s and client
# credentials 513 req/s on 2 CPUs with an in-memory store.
cd "$(dirname "$0")/.."
source bench/lib.sh
CODES=${CODES:-6000}
OIDC_DURATION=${OIDC_DURATION:-3s}
# The single-use runs: only 2xx answers count (once the bodies run out, the rest are fast refusals).
answered() {
  awk -v label="$1" '/requests in/ {n=$1; s=$4} /Non-2xx/ {bad=$5}
       END {sub(/s$/, "", s); printf "%s: %.0f successful req/s (%d of %d answered 200)\n", label, (n - bad) / s, n - bad, n}' \
    "$work/wrk.txt" >>"$work/answered"
}
python3 -c "import jwcrypto" 2>/dev/null || python3 -m pip install -q jwcrypto
# One management signer, so the bench can make a service account for client credentials.
python3 - "$work" <<'PY'
import sys
sys.path.insert(0, "Tests/IntegrationTests")
from mgmt_signer import SCOPES, Signer, config_yaml
work = sys.argv[1]
signer = Signer("bench", "RS256")
open(f"{work}/management.pem", "wb").write(signer.key.export_to_pem(private_key=True, password=None))
open(f"{work}/management_api.yml", "w").write(config_yaml({"bench": ("RS256", signer.public_value())},
                                                          {name: (["bench"], ["bench"]) for name in SCOPES}))
PY
start_nginx
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
run_backend() {
  local label=$1
  python3 bench/oidc_prepare.py "$APP" "$work" setup >/dev/null
  python3 bench/oidc_prepare.py "$APP" "$work" static
  DURATION=10s measure "$label introspect" -s "$work/introspect.lua" "$APP/oidc/introspect"
  DURATION=10s measure "$label client credentials" -s "$work/client_credentials.lua" "$APP/oidc/token"
  python3 bench/oidc_prepare.py "$APP" "$work" refresh "$CODES"
  DURATION=$OIDC_DURATION measure "$label refresh" -s "$work/refresh.lua" "$APP/oidc/token"
  answered "$label refresh"
  python3 bench/oidc_prepare.py "$APP" "$work" codes "$CODES"
  DURATION=$OIDC_DURATION measure "$label code exchange" -s "$work/codes.lua" "$APP/oidc/token"
  answered "$label code exchange"
  echo "$label: $(python3 bench/oidc_prepare.py "$APP" "$work" flow 5)" >>"$work/answered"
}
oidc_env="BARONG_OIDC_ENABLED=true BARONG_OIDC_LOGIN_URL=https://exchange.bench/signin BARONG_DOMAIN=http://127.0.0.1:$app_port"
oidc_env="$oidc_env BARONG_MANAGEMENT_API_CONFIG=$work/management_api.yml"
# shellcheck disable=SC2086
start_app $oidc_env
run_backend "sqlite"
stop_instances
start_postgres
# shellcheck disable=SC2086
start_instance "$app_port" "$(new_database oidc_bench)" $oidc_env
run_backend "postgres"
report
cat "$work/answered"
