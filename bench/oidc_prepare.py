"""Prepares the OpenID Connect bench against a running server: a
superadmin who is also the signed-in user, a confidential first-party
client, a service account (made through the management API, signed with
`$work/management.pem`) and a client-credentials client acting for it,
and files of single-use request bodies for wrk (codes live 60 s,
refresh tokens rotate, so every request needs its own); or, with
`flow SECONDS`, runs the whole code flow (authorize → token) in a loop and
prints flows per second."""
import base64
import hashlib
import json
import secrets
import sys
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

app, work, mode = sys.argv[1], sys.argv[2], sys.argv[3]
REDIRECT = "https://rp.bench.test/cb"
s = requests.Session()
s.headers["User-Agent"] = "bench"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
state_file = f"{work}/oidc-client.json"

if mode == "setup":
    r = s.post(app + "/identity/users", json={"email": "oidc-bench@example.com", "password": "Xq9!mzPw#Lk2"})
    assert r.status_code == 201, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    r = s.post(app + "/admin/oidc/clients", json={"name": "bench", "redirect_uris": [REDIRECT], "first_party": True,
                                                  "scopes": ["openid", "email", "offline_access"]})
    assert r.status_code == 201, r.text
    registered = r.json()
    sys.path.insert(0, "Tests/IntegrationTests")
    from jwcrypto import jwk
    from mgmt_signer import claims, sign

    class BenchSigner:
        kid, alg = "bench", "RS256"
        key = jwk.JWK.from_pem(open(f"{work}/management.pem", "rb").read())

    owner = s.get(app + "/resource/users/me").json()["uid"]
    r = requests.post(app + "/management/service_accounts/create",
                      json=sign(claims({"service_account_role": "service_account", "owner_uid": owner}), BenchSigner))
    assert r.status_code == 201, r.text
    r = s.post(app + "/admin/oidc/clients", json={"name": "bench service", "grant_types": ["client_credentials"],
                                                  "scopes": ["openid"], "service_account_uid": r.json()["uid"]})
    assert r.status_code == 201, r.text
    service = {"service_client_id": r.json()["client_id"], "service_client_secret": r.json()["client_secret"]}
    json.dump({"cookie": s.cookies.get("_barong_session"), **registered, **service}, open(state_file, "w"))
    print(registered["client_id"])
    sys.exit()

client = json.load(open(state_file))
s.cookies.set("_barong_session", client["cookie"])
auth = (client["client_id"], client["client_secret"])


def code(scope="openid email offline_access"):
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    r = s.get(app.replace("/api/v2/auth", "") + "/api/v2/auth/oidc/authorize", allow_redirects=False, params={
        "client_id": client["client_id"], "redirect_uri": REDIRECT, "response_type": "code", "scope": scope,
        "state": "s", "code_challenge": challenge, "code_challenge_method": "S256"})
    assert r.status_code == 302, (r.status_code, r.text)
    return parse_qs(urlsplit(r.headers["Location"]).query)["code"][0], verifier


def exchange_body(c, verifier):
    return urlencode({"grant_type": "authorization_code", "code": c, "redirect_uri": REDIRECT, "code_verifier": verifier})


if mode in ("codes", "refresh"):
    count = int(sys.argv[4])
    with open(f"{work}/{mode}.bodies", "w") as out:
        for _ in range(count):
            c, verifier = code()
            if mode == "codes":
                out.write(exchange_body(c, verifier) + "\n")
            else:
                r = s.post(app + "/oidc/token", data=exchange_body(c, verifier), auth=auth, headers=FORM)
                assert r.status_code == 200, r.text
                out.write(urlencode({"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"]}) + "\n")
    basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    open(f"{work}/{mode}.lua", "w").write(f'''
local bodies, i = {{}}, 0
for line in io.lines("{work}/{mode}.bodies") do bodies[#bodies + 1] = line end
request = function()
  i = i + 1
  return wrk.format("POST", nil, {{["Content-Type"] = "application/x-www-form-urlencoded",
                                   ["Authorization"] = "Basic {basic}"}}, bodies[i] or bodies[#bodies])
end
''')
elif mode == "static":
    # Introspection of one live access token, and client credentials: the same body every time.
    c, verifier = code("openid")
    r = s.post(app + "/oidc/token", data=exchange_body(c, verifier), auth=auth, headers=FORM)
    assert r.status_code == 200, r.text
    basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    service = base64.b64encode(f"{client['service_client_id']}:{client['service_client_secret']}".encode()).decode()
    assert s.post(app + "/oidc/token", data="grant_type=client_credentials", headers={**FORM, "Authorization": f"Basic {service}"}
                  ).status_code == 200
    for name, body, basic in [("introspect", urlencode({"token": r.json()["access_token"]}), basic),
                              ("client_credentials", "grant_type=client_credentials", service)]:
        open(f"{work}/{name}.lua", "w").write(
            f'wrk.method = "POST"\nwrk.body = "{body}"\n'
            f'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Authorization"] = "Basic {basic}"\n')
elif mode == "flow":
    seconds, done, started = float(sys.argv[4]), 0, time.time()
    while time.time() - started < seconds:
        c, verifier = code("openid")
        r = s.post(app + "/oidc/token", data=exchange_body(c, verifier), auth=auth, headers=FORM)
        assert r.status_code == 200, r.text
        done += 1
    elapsed = time.time() - started
    print(f"full code flow (authorize + token), one client: {done / elapsed:,.0f} flows/s ({1000 * elapsed / done:.2f} ms each)")
