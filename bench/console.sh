#!/usr/bin/env bash
# The admin console's pages over 100,000 users (USERS), one connection
# (CONSOLE_CONNECTIONS, default 1: one operator's page latency is the
# figure, not throughput), on SQLite and on PostgreSQL: the dashboard, the
# user list (first page, an email search, a state filter, a page deep in
# the list), one user's page and the activity page. Prints req/s, p50, p99.
cd "$(dirname "$0")/.."
source bench/lib.sh
USERS=${USERS:-100000}
CONNECTIONS=${CONSOLE_CONNECTIONS:-1}

# console_cookie PORT DATABASE_URL: a superadmin with 2FA, signed in to the console; prints the cookie.
console_cookie() {
  BARONG_DATABASE_URL=$2 BARONG_DATA_DIR="$work/data" "$BIN" users create --email root@bench.example \
    --password 'Xq9!mzPw#Lk2' --role superadmin >/dev/null
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, re, struct, sys, time, urllib.parse
import requests

port = sys.argv[1]
api, admin = f"http://127.0.0.1:{port}/api/v2/auth", f"http://127.0.0.1:{port}/admin"


def totp(secret, step):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    value = struct.unpack(">I", mac[mac[-1] & 15:][:4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


s = requests.Session()
csrf = s.post(api + "/identity/sessions", json={"email": "root@bench.example", "password": "Xq9!mzPw#Lk2"}).json()["csrf_token"]
url = s.post(api + "/resource/otp/generate_qrcode", headers={"X-CSRF-Token": csrf}).json()["data"]["url"]
secret = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)["secret"][0]
step = int(time.time()) // 30
s.post(api + "/resource/otp/enable", json={"code": totp(secret, step - 1)}, headers={"X-CSRF-Token": csrf}).raise_for_status()
browser = requests.Session()
form = browser.get(admin + "/sign_in").text
token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
r = browser.post(admin + "/sign_in", data={"email": "root@bench.example", "password": "Xq9!mzPw#Lk2",
                                           "otp_code": totp(secret, step), "csrf_token": token}, allow_redirects=False)
assert r.status_code == 303, r.text
print("portcullis_console=" + browser.cookies["portcullis_console"])
PY
}

run_backend() {
  local label=$1 port=$2 url=$3 cookie base
  base="http://127.0.0.1:$port/admin"
  start_instance "$port" "$url"
  cookie=$(console_cookie "$port" "$url")
  python3 bench/seed_users.py "$url" "$USERS"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$base/users")" = 200 ] \
    || { echo "the console refused the operator on $label"; exit 1; }
  for page in "" "users" "users?email=user77777@bench.example" "users?state=banned" "users?page=3000" \
              "users/IDB000012FD1" "activity?kind=user"; do
    measure "$label /admin/$page" -H "Cookie: $cookie" -H "User-Agent: bench" "$base/$page"
  done
}

start_nginx
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
run_backend sqlite "$app_port" "sqlite://$work/bench.sqlite3"
start_postgres
run_backend postgres "$(free_port)" "$(new_database console_bench)"
echo "$USERS users; every page is rendered HTML (mustache) behind the console session, CSRF and ability checks"
report
