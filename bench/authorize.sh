#!/usr/bin/env bash
# Benchmark: the authorize call with a session cookie and with API-key
# headers (each request a fresh nonce and HMAC, precomputed since replays
# are refused), against a static reply from nginx in the same run.
cd "$(dirname "$0")/.."
source bench/lib.sh
# Precomputed nonces (one per millisecond from now) must stay valid for the whole run.
start_app BARONG_APIKEY_NONCE_LIFETIME=3600000
cookie=$(signup bench@example.com)
path="$APP/api/v2/peatio/account/balances"
[ "$(curl -s -o /dev/null -w '%{http_code}' -A bench -H "Cookie: $cookie" "$path")" = 200 ] || { echo "authorize failed"; exit 1; }

start_nginx
measure "authorize, session cookie" -H "Cookie: $cookie" -H "User-Agent: bench" "$path"

# 2FA and an API key for the same user (enabling 2FA ends the other
# sessions, so this comes after the cookie run), then signed requests.
python3 - "$APP" "$cookie" "$work/signed.lua" <<'PY'
import base64, hashlib, hmac, json, struct, sys, time, urllib.parse, urllib.request
app, cookie, out = sys.argv[1], sys.argv[2], sys.argv[3]
def call(path, body, csrf=None):
    req = urllib.request.Request(app + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", "Cookie": cookie, "User-Agent": "bench",
                                          **({"X-CSRF-Token": csrf} if csrf else {})})
    return json.loads(urllib.request.urlopen(req).read() or b"null")
login = urllib.request.Request(app + "/identity/sessions", data=json.dumps({"email": "bench@example.com", "password": "Xq9!mzPw#Lk2"}).encode(),
                               headers={"Content-Type": "application/json", "User-Agent": "bench"})
resp = urllib.request.urlopen(login)
cookie = resp.headers["Set-Cookie"].split(";")[0]
csrf = json.loads(resp.read())["csrf_token"]
qr = call("/resource/otp/generate_qrcode", {}, csrf)
secret = urllib.parse.parse_qs(urllib.parse.urlparse(qr["data"]["url"]).query)["secret"][0]
def totp(step):
    mac = hmac.new(base64.b32decode(secret + "=" * (-len(secret) % 8)), struct.pack(">Q", step), hashlib.sha1).digest()
    o = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)
step = int(time.time()) // 30
call("/resource/otp/enable", {"code": totp(step - 1)}, csrf)
key = call("/resource/api_keys", {"algorithm": "HS256", "totp_code": totp(step)}, csrf)
kid, sec = key["kid"], key["secret"]
start = int(time.time() * 1000)
with open(out + ".txt", "w") as f:
    for i in range(1000000):
        n = str(start + i)
        f.write("%s %s\n" % (n, hmac.new(sec.encode(), (n + kid).encode(), hashlib.sha256).hexdigest()))
with open(out, "w") as f:
    f.write('local nonces, signatures, n = {}, {}, 0\n')
    f.write('for line in io.lines("%s") do\n  n = n + 1\n' % (out + ".txt"))
    f.write('  nonces[n], signatures[n] = line:match("(%d+) (%x+)")\nend\n')
    f.write('local i = 0\nwrk.headers["X-Auth-Apikey"] = "%s"\n' % kid)
    f.write('request = function()\n  i = i + 1\n  wrk.headers["X-Auth-Nonce"] = nonces[i]\n'
            '  wrk.headers["X-Auth-Signature"] = signatures[i]\n  return wrk.format("GET")\nend\n')
PY
measure "authorize, API key (HMAC, fresh nonce)" -s "$work/signed.lua" "$path"
measure "nginx static return 200" "http://127.0.0.1:$nginx_port/"
# wrk rebuilds each request in Lua when headers change per request; this row
# shows that ceiling for the API-key run.
measure "nginx static, same API-key Lua script" -s "$work/signed.lua" "http://127.0.0.1:$nginx_port/"
report
