"""Regression tests for security defects, each against the real binary
on both backends; every one of them fails on the code before the fix."""
import base64
import json
import os
import socket
import subprocess
import sys
import time
import uuid

import jwt
import pytest
import requests

from conftest import STRONG, run_cli
from helpers import token_from
from test_mail_flows import sink  # noqa: F401  (the SMTP sink fixture)

HERE = os.path.dirname(os.path.abspath(__file__))
HUGE_PAGES = ["922337203685477580", "9223372036854775807", "1000001"]


def signup(server, email):
    s = requests.Session()
    r = s.post(server.url("/identity/users"), json={"email": email, "password": STRONG})
    assert r.status_code == 201, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    s.uid = r.json()["uid"]
    return s


def alive(server):
    assert server.proc.poll() is None, server.logs()
    assert requests.get(server.url("/public/ping"), timeout=5).json() == {"ping": "pong"}


def server_key(server):
    with open(os.path.join(server.dir, "data", "jwt-private.pem")) as f:
        return f.read()


# 1. One request stopped the server: (page - 1) * limit overflowed, Int64(exp) trapped.

def test_huge_page_numbers_are_422_on_every_api_and_the_server_lives(server):
    root = signup(server, "root@example.com")  # the first user is an active superadmin
    user = signup(server, "user@example.com")
    for page in HUGE_PAGES:
        r = user.get(server.url("/resource/users/activity/all"), params={"page": page, "limit": "100"})
        assert r.status_code == 422 and r.json() == {"errors": ["resource.user.invalid_page"]}, (page, r.text)
        r = user.get(server.url("/resource/api_keys"), params={"page": page, "limit": "100"})
        assert r.status_code == 422, (page, r.text)
        assert [k for k in r.json()["errors"] if k.endswith("invalid_page")], r.text
        for path in ("/admin/users", "/admin/permissions", "/admin/activities", "/admin/restrictions"):
            r = root.get(server.url(path), params={"page": page, "limit": "100"})
            assert r.status_code == 422 and r.json() == {"errors": ["invalid_page"]}, (path, page, r.text)
    # The largest page still accepted answers an empty list.
    r = root.get(server.url("/admin/users"), params={"page": "1000000", "limit": "100"})
    assert r.status_code == 200 and r.json() == [] and r.headers["Page"] == "1000000"
    alive(server)


def test_a_signed_token_with_an_exp_beyond_int64_is_refused_not_a_crash(server):
    signup(server, "root@example.com")
    now = int(time.time())
    for exp in (1e30, 2 ** 63, 9.3e18):
        token = jwt.encode({"iat": now, "exp": exp, "sub": "confirmation", "iss": "barong", "aud": ["peatio", "barong"],
                            "jti": uuid.uuid4().hex[:20], "email": "root@example.com", "uid": "ID0000000000"},
                           server_key(server), algorithm="RS256", headers={"typ": "JWT"})
        r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": token})
        assert r.status_code == 422 and r.json() == {"errors": ["jwt.decode_and_verify.invalid"]}, (exp, r.text)
    alive(server)


def test_numbers_in_the_configuration_are_bounded_at_start(tmp_path):
    for name, value in [("SESSION_EXPIRE_TIME", "9223372036854775807"), ("JWT_EXPIRE_TIME", "0"),
                        ("APIKEY_NONCE_LIFETIME", "9223372036854775807"), ("HTTP_IDLE_TIMEOUT", "0")]:
        r = run_cli("serve", env={f"BARONG_{name}": value, "BARONG_DATABASE_URL": f"sqlite://{tmp_path}/x.sqlite3",
                                  "BARONG_LISTEN_PORT": "0", "BARONG_DATA_DIR": str(tmp_path)})
        assert r.returncode == 64, (name, r.returncode, r.stderr)
        assert f"{name.lower()}: must be" in r.stderr, r.stderr


# 2. Mailed tokens worked as bearer tokens on resource and admin routes.

def test_mailed_tokens_are_not_bearer_tokens(make_server, sink):
    server = make_server(env=sink.env())
    root = signup(server, "root@example.com")
    signup(server, "new@example.com")
    confirmation = token_from(sink.wait_for(1)[0], "confirmation_token")
    r = requests.post(server.url("/identity/users/password/generate_code"), json={"email": "root@example.com"})
    assert r.status_code == 201
    reset = token_from(sink.wait_for(2)[1], "reset_token")
    for token in (confirmation, reset):
        for path in ("/resource/users/me", "/admin/users"):
            r = requests.get(server.url(path), headers={"Authorization": "Bearer " + token})
            assert r.status_code == 401 and r.json() == {"errors": ["jwt.decode_and_verify"]}, (path, r.text)
    # The session's own bearer (authorize's JWT) still works.
    bearer = requests.get(server.url("/api/v2/anything"), cookies=root.cookies).headers["Authorization"]
    r = requests.get(server.url("/admin/users"), headers={"Authorization": bearer})
    assert r.status_code == 200, r.text
    # And the tokens still do their own job.
    r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": confirmation})
    assert r.status_code == 201 and r.json()["state"] == "active"


# 3. A banned user unbanned themselves; any label write recomputed the state away.

def test_an_operators_ban_survives_every_user_flow_and_recomputation(make_server, sink):
    server = make_server(env=sink.env())
    root = signup(server, "root@example.com")
    victim = signup(server, "victim@example.com")
    early = token_from(sink.wait_for(1)[0], "confirmation_token")  # mailed before the ban

    r = root.put(server.url("/admin/users"), json={"uid": victim.uid, "state": "banned"})
    assert r.status_code == 200, r.text
    r = requests.post(server.url("/identity/users/email/generate_code"), json={"email": "victim@example.com"})
    assert r.status_code == 201 and r.text == ""
    time.sleep(1.5)
    assert len(sink.messages) == 1, "a banned user is sent no confirmation mail"
    r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": early})
    assert r.status_code == 422 and r.json() == {"errors": ["identity.user.active_or_doesnt_exist"]}
    assert "Set-Cookie" not in r.headers

    # Private-label writes by operators (admin API) recompute level, not the ban.
    for key, value in (("email", "verified"), ("phone", "verified")):
        r = root.post(server.url("/admin/users/labels"), json={"uid": victim.uid, "key": key, "value": value, "scope": "private"})
        assert r.status_code == 200, r.text
    r = root.get(server.url(f"/admin/users/{victim.uid}"))
    assert r.json()["state"] == "banned" and r.json()["level"] == 2, r.text
    r = requests.post(server.url("/identity/sessions"), json={"email": "victim@example.com", "password": STRONG})
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.banned"]}

    # A trigger label an operator adds wins over the hold; removing it falls back to the hold.
    r = root.post(server.url("/admin/users/labels"), json={"uid": victim.uid, "key": "lock", "value": "true", "scope": "private"})
    assert r.status_code == 200 and root.get(server.url(f"/admin/users/{victim.uid}")).json()["state"] == "locked"
    r = root.delete(server.url("/admin/users/labels"), params={"uid": victim.uid, "key": "lock", "scope": "private"})
    assert r.status_code == 200, r.text
    assert root.get(server.url(f"/admin/users/{victim.uid}")).json()["state"] == "banned"

    # Only an operator lifts it; then the labels decide again.
    r = root.put(server.url("/admin/users"), json={"uid": victim.uid, "state": "active"})
    assert r.status_code == 200
    r = root.post(server.url("/admin/users/labels"), json={"uid": victim.uid, "key": "document", "value": "pending",
                                                             "scope": "private"})
    assert r.status_code == 200 and root.get(server.url(f"/admin/users/{victim.uid}")).json()["state"] == "active"
    r = requests.post(server.url("/identity/sessions"), json={"email": "victim@example.com", "password": STRONG})
    assert r.status_code == 200, r.text


# 4. The client chose its own address: X-Forwarded-For was read from the left.

def test_client_address_through_the_shipped_nginx_in_a_network_namespace():
    """The real client must have an address that is no trusted proxy, so the
    scenario runs in a network namespace of its own (unshare; the backend's
    PostgreSQL cluster, if any, starts inside it too)."""
    r = subprocess.run(["unshare", "--net", "--", sys.executable, os.path.join(HERE, "netns_forwarded_for.py")],
                       cwd=os.path.join(HERE, "..", ".."), capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "client address checks passed" in r.stdout


# 6. `//`, dot segments and encodings slipped past authorize rules.

def raw_get(server, path, session):
    """GET with the path exactly as written (requests would re-encode or resolve it)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/api/v2/auth" + path, headers={
        "Cookie": "_barong_session=" + session.cookies["_barong_session"],
        "User-Agent": requests.utils.default_user_agent()})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, json.loads(body) if body else None


def test_path_spellings_meet_the_same_rules(server):
    root = signup(server, "root@example.com")
    assert raw_get(server, "/api/v2/peatio/account", root)[0] == 200
    for path in ("/api/v2//barong/management/users", "/api/v2/barong/./management/x", "/api/v2/peatio/x/../../barong/management",
                 "/api/v2/barong/%6danagement/x", "/api/v2/barong/management%2fx", "/api/v2/%2e%2e/x/../../../etc",
                 "/api/v2/barong/manage%zzment", "/api/v2/barong\\management"):
        assert raw_get(server, path, root) == (401, {"errors": ["authz.permission_denied"]}), path
    # A DROP row for members holds for every spelling.
    member = signup(server, "member@example.com")
    r = root.post(server.url("/admin/permissions"), json={"role": "member", "verb": "ALL", "path": "api/v2/peatio/admin",
                                                          "action": "DROP", "topic": "x"})
    assert r.status_code == 200, r.text
    for path in ("/api/v2/peatio/admin/x", "/api/v2/peatio//admin/x", "/api/v2//peatio/admin", "/api/v2/peatio/%61dmin/x",
                 "/api/v2/peatio/./admin/x", "/api/v2/peatio/y/../admin/x"):
        assert raw_get(server, path, member) == (401, {"errors": ["authz.invalid_permission"]}), path
    assert raw_get(server, "/api/v2/peatio/other", member)[0] == 200
    # The admin API's own permission check (standalone calls) reads the same spelling.
    r = root.post(server.url("/admin/permissions"), json={"role": "superadmin", "verb": "GET", "path": "api/v2/barong/admin/users",
                                                          "action": "DROP", "topic": "x"})
    assert r.status_code == 200, r.text
    for path in ("/admin/users", "/admin//users", "/admin/./users"):
        assert raw_get(server, path, root) == (401, {"errors": ["authz.invalid_permission"]}), path


# 8. No read timeouts: slow headers and stalled bodies held connections open.

def test_slow_and_stalled_clients_are_cut_off(make_server):
    server = make_server(env={"BARONG_HTTP_IDLE_TIMEOUT": "2"})
    # Headers never finished.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"GET /api/v2/auth/public/ping HTTP/1.1\r\nHost: x\r\n")
        started = time.time()
        assert s.recv(1024) == b"", "closed without an answer"
        assert time.time() - started < 6
    # A body announced far above the limit: 413 at once, before any byte of it.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /api/v2/auth/identity/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000000000\r\n\r\n{")
        started = time.time()
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = s.recv(4096)
            assert chunk, answer
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 413"), answer
        assert time.time() - started < 1.5
        head, _, body = answer.partition(b"\r\n\r\n")
        assert b"connection: close" in head.lower()
    # A body announced within the limit that stalls is cut off too.
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /api/v2/auth/identity/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100\r\n\r\n{\"email\"")
        started = time.time()
        data = s.recv(4096)
        while data and b"\r\n\r\n" not in data:
            data += s.recv(4096)
        # closed (possibly after a 4xx), never a hang
        assert time.time() - started < 6, data
    alive(server)


# 9. Login timing told known from unknown emails: both now cost one store write.

def test_failed_logins_count_per_address_known_or_not(server):
    signup(server, "known@example.com")
    for email in ("known@example.com", "unknown@example.com"):
        for _ in range(3):
            r = requests.post(server.url("/identity/sessions"), json={"email": email, "password": "Wrong-pass1!"})
            assert r.status_code == 401 and r.json() == {"errors": ["identity.session.invalid_params"]}
    import hashlib
    for email in ("known@example.com", "unknown@example.com"):
        key = "login:" + hashlib.sha256(email.encode()).hexdigest()
        assert query_one(server, f"SELECT hits FROM rate_limits WHERE key = '{key}'") == "3", email


def query_one(server, sql):
    url = server.env["BARONG_DATABASE_URL"]
    if url.startswith("sqlite://"):
        import sqlite3
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            row = db.execute(sql).fetchone()
            return None if row is None else str(row[0])
    return server.sql(sql) or None


# The management API: defects 1, 5 and 7 on signed requests.

from helpers import enable_2fa, totp  # noqa: E402
from mgmt_signer import b64url, claims, sign  # noqa: E402
from mgmt_signer import SCOPES, config_yaml  # noqa: E402
from test_management import APPLOGIC, PEATIO, Client, mgmt, write_config  # noqa: E402,F401  (the fixture and its signers)

P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
FAILED = {"error": "Failed to verify JWT."}


def post_document(mgmt, path, document):
    return requests.post(mgmt.server.url("/management/" + path), json=document)


def test_management_pages_are_bounded(mgmt):
    for page in HUGE_PAGES:
        r = mgmt.both("users/list", {"page": page})
        assert (r.status_code, r.json()) == (422, {"error": "page is invalid"}), (page, r.text)
        r = mgmt.call("service_accounts/list", {"page": page, "limit": 100})
        assert (r.status_code, r.json()) == (422, {"error": "page is invalid"}), (page, r.text)
    alive(mgmt.server)


@pytest.fixture
def lenient_mgmt(make_server, tmp_path):
    """Barong's default claim options: verify_jti off."""
    scopes = {name: (["applogic", "peatio"], ["applogic"]) for name in SCOPES}
    path = write_config(str(tmp_path), config_yaml({"applogic": ("RS256", APPLOGIC.public_value())}, scopes, jwt_options="{}"))
    return Client(make_server(env={"BARONG_MANAGEMENT_API_CONFIG": path}))


def test_management_jti_must_be_a_nonempty_string(lenient_mgmt):
    mgmt = lenient_mgmt
    assert mgmt.call("timestamp").status_code == 200
    for jti in (12345, "", 0, True, ["a"]):
        r = mgmt.call("timestamp", jti=jti)
        assert (r.status_code, r.json()) == (401, FAILED), (jti, r.text)
        assert (mgmt.call("timestamp", jti=jti).status_code) == 401, "and never accepted on a second try"


def test_management_refuses_crit_headers_and_high_s_signatures(mgmt):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    key = APPLOGIC.key.get_op_key("sign")  # signed by hand: jwcrypto will not write a crit it does not know
    for protected in ({"alg": "RS256", "crit": ["exp"], "exp": 1}, {"alg": "RS256", "crit": ["b64"], "b64": True}):
        head, body = b64url(json.dumps(protected).encode()), b64url(json.dumps(claims({})).encode())
        signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
        document = {"payload": body, "signatures": [{"protected": head, "header": {"kid": "applogic"},
                                                     "signature": b64url(signature)}]}
        r = post_document(mgmt, "timestamp", document)
        assert (r.status_code, r.json()) == (401, FAILED), (protected, r.text)



def es256_spellings(document):
    """The document's second (ES256) signature as its low-S and high-S spellings."""
    peatio = document["signatures"][1]
    raw = base64.urlsafe_b64decode(peatio["signature"] + "==")
    r_part, s = raw[:32], int.from_bytes(raw[32:], "big")
    low, high = min(s, P256_ORDER - s), max(s, P256_ORDER - s)
    return [{"payload": document["payload"],
             "signatures": [document["signatures"][0], dict(peatio, signature=b64url(r_part + value.to_bytes(32, "big")))]}
            for value in (low, high)]


def test_high_s_signatures_are_refused_when_configured(make_server, tmp_path):
    scopes = {name: (["applogic", "peatio"], ["applogic"]) for name in SCOPES}
    path = write_config(str(tmp_path), config_yaml({"applogic": ("RS256", APPLOGIC.public_value()),
                                                    "peatio": ("ES256", PEATIO.public_value())}, scopes))
    strict = make_server(env={"BARONG_MANAGEMENT_API_CONFIG": path, "BARONG_MANAGEMENT_API_LOW_S_ONLY": "true"})
    default = make_server(env={"BARONG_MANAGEMENT_API_CONFIG": path})
    # (high-S spelling, then the low-S spelling of the same request)
    for server, expected in ((strict, (401, 200)), (default, (200, 401))):
        for _ in range(3):
            low, high = es256_spellings(sign(claims({}), APPLOGIC, PEATIO))
            statuses = (requests.post(server.url("/management/timestamp"), json=high).status_code,
                        requests.post(server.url("/management/timestamp"), json=low).status_code)
            # strict: the high-S spelling is refused (and spends nothing); by default it is
            # accepted, and the respelled copy is then a replay of its jti.
            assert statuses == expected, (server is strict, statuses)


def test_otp_sign_cannot_mint_tokens_this_server_accepts(mgmt):
    base = mgmt.server.base
    s = requests.Session()
    r = s.post(base + "/identity/users", json={"email": "root@example.com", "password": STRONG})
    assert r.status_code == 201 and r.json()["state"] == "active"
    uid, csrf = r.json()["uid"], r.json()["csrf_token"]
    secret, step = enable_2fa(s, base, csrf)
    now = int(time.time())
    session_like = {"uid": uid, "email": "root@example.com", "role": "superadmin", "level": 1, "state": "active",
                    "iat": now, "exp": now + 600, "iss": "barong", "jti": uuid.uuid4().hex[:20]}
    refused = [dict(session_like, sub="session", aud=["peatio", "barong"]),
               dict(session_like, sub="confirmation"), dict(session_like, sub="reset", reset_token="x"),
               dict(session_like, aud="barong")]
    for payload in refused:
        doc = {"payload": b64url(json.dumps(payload).encode()), "signatures": []}
        r = mgmt.call("otp/sign", {"user_uid": uid, "otp_code": totp(secret, step), "jwt": doc})
        assert r.status_code == 422 and r.json()["error"].startswith("JWT is invalid by the reason"), (payload, r.text)

    # A payload without our claims is signed (Barong's wire behaviour) and is still no bearer here.
    doc = {"payload": b64url(json.dumps(session_like).encode()), "signatures": []}
    r = mgmt.call("otp/sign", {"user_uid": uid, "otp_code": totp(secret, step), "jwt": doc})
    assert r.status_code == 201, r.text
    barong = r.json()["signatures"][0]
    token = f"{barong['protected']}.{r.json()['payload']}.{barong['signature']}"
    for path in ("/resource/users/me", "/admin/users"):
        r = requests.get(base + path, headers={"Authorization": "Bearer " + token})
        assert r.status_code == 401 and r.json() == {"errors": ["jwt.decode_and_verify"]}, (path, r.text)
    r = requests.post(base + "/identity/users/email/confirm_code", json={"token": token})
    assert r.status_code == 422 and r.json()["errors"][0].startswith("jwt.decode_and_verify"), r.text


def test_nul_characters_are_a_4xx_on_both_backends(mgmt):
    """PostgreSQL cannot hold a NUL in text (found by the management fuzz run):
    such a value is a malformed request there, and SQLite answers as for any
    other unknown value; never a 5xx."""
    server = mgmt.server
    root = signup(server, "root@example.com")
    r = requests.post(server.url("/identity/sessions"), json={"email": "a\u0000b@example.com", "password": STRONG})
    assert (r.status_code, r.json()) in ((401, {"errors": ["identity.session.invalid_params"]}),
                                         (400, {"errors": ["server.request.malformed_body"]})), r.text
    r = root.post(server.url("/admin/users/comments"), json={"uid": root.uid, "title": "t", "data": "x\u0000y"})
    assert r.status_code in (201, 400), r.text
    r = mgmt.both("users/get", {"email": "nul\u0000byte@example.com"})
    assert r.status_code in (400, 404), r.text
    alive(server)
