"""The gateway listener (authorize_listen): the authorize call on
a plain SwiftNIO pipeline must answer exactly as the main listener does —
status, Content-Type, Authorization (the same JWT) and body — and survive
malformed, oversized, slow, pipelined and abandoned requests."""
import re
import socket
import time

import jwt
import pytest
import requests

from conftest import STRONG
from helpers import api_key_headers, enable_2fa, totp


@pytest.fixture
def server(make_server):
    return make_server(gateway=True, env={"BARONG_HTTP_IDLE_TIMEOUT": "2"})


def answer(r):
    """What must be the same on both listeners."""
    return (r.status_code, r.headers.get("Content-Type"), r.headers.get("Authorization"), r.content)


def both(server, method, path, **kwargs):
    """The same request to each listener; asserts the answers are identical and returns one."""
    main = requests.request(method, f"http://127.0.0.1:{server.port}{path}", **kwargs)
    gateway = requests.request(method, f"http://127.0.0.1:{server.gateway_port}{path}", **kwargs)
    assert answer(main) == answer(gateway), (path, answer(main), answer(gateway))
    return gateway


def test_both_listeners_answer_byte_for_byte_alike(server):
    s = requests.Session()
    s.headers["User-Agent"] = "cmp"
    r = s.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    csrf, cookie = r.json()["csrf_token"], s.cookies["_barong_session"]
    ua = {"User-Agent": "cmp"}
    peatio = "/api/v2/auth/api/v2/peatio/account/balances"

    r = both(server, "GET", peatio + "?currency=btc", headers={**ua, "Cookie": f"_barong_session={cookie}"})
    assert r.status_code == 200 and r.content == b"" and r.headers["Content-Type"] == "application/json; charset=utf-8"
    jwks = requests.get(server.url("/public/jwks")).json()
    claims = jwt.decode(r.headers["Authorization"][7:], jwt.PyJWK(jwks["keys"][0]).key, algorithms=["RS256"], audience="barong")
    assert claims["email"] == "root@example.com" and claims["sub"] == "session" and claims["role"] == "superadmin"

    refusals = [
        ("GET", peatio, {}, 401, "authz.invalid_session"),
        ("GET", peatio, {"Cookie": "_barong_session=forged"}, 401, "authz.invalid_session"),
        ("POST", "/api/v2/auth/api/v2/peatio/market/orders", {"Cookie": f"_barong_session={cookie}"}, 401, "authz.missing_csrf_token"),
        ("POST", "/api/v2/auth/api/v2/peatio/market/orders", {"Cookie": f"_barong_session={cookie}", "X-CSRF-Token": "wrong"},
         401, "authz.csrf_token_mismatch"),
        ("GET", "/api/v2/auth/api/v2/barong/management/users", {}, 401, "authz.permission_denied"),
        ("GET", "/api/v2/auth/api/v2/peatio/%2Fadmin", {}, 401, "authz.permission_denied"),
        ("GET", "/api/v2/auth/identity/nothing_here", {}, 404, "server.route_not_found"),
        ("GET", "/api/v2/auth/resource/nothing_here", {}, 404, "server.route_not_found"),
    ]
    for method, path, headers, status, key in refusals:
        r = both(server, method, path, headers={**ua, **headers})
        assert (r.status_code, r.json()) == (status, {"errors": [key]}), (path, r.status_code, r.text)

    r = both(server, "POST", "/api/v2/auth/api/v2/peatio/market/orders",
             headers={**ua, "Cookie": f"_barong_session={cookie}", "X-CSRF-Token": csrf}, json={"market": "btcusd"})
    assert r.status_code == 200 and r.headers["Authorization"].startswith("Bearer ")
    r = both(server, "GET", "/api/v2/auth/api/v2/peatio/public/markets", headers=ua)
    assert r.status_code == 200 and "Authorization" not in r.headers, "a pass rule needs no credentials"
    r = both(server, "POST", peatio, headers={**ua, "Content-Type": "application/json"}, data=b"{not json")
    assert (r.status_code, r.json()) == (400, {"errors": ["server.request.malformed_body"]})
    r = both(server, "POST", peatio, headers={**ua, "Content-Type": "text/csv"}, data=b"a,b")
    assert (r.status_code, r.json()) == (415, {"errors": ["server.request.unsupported_media_type"]})

    # An API key: signed with a fresh nonce per request; a replay is refused on the other listener too.
    secret, step = enable_2fa(s, server.base, csrf)
    r = s.post(server.url("/resource/api_keys"), json={"algorithm": "HS256", "totp_code": totp(secret, step)},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    kid, key_secret = r.json()["kid"], r.json()["secret"]
    for base in (server.base, server.authorize_base):
        nonce = str(int(time.time() * 1000))
        r = requests.get(base + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, nonce))
        assert r.status_code == 200 and r.headers["Authorization"].startswith("Bearer "), r.text
        other = server.base if base == server.authorize_base else server.authorize_base
        replay = requests.get(other + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, nonce))
        assert replay.status_code == 401, replay.text
        time.sleep(0.002)
    nonce = str(int(time.time() * 1000) + 5)
    r = both(server, "GET", peatio, headers=api_key_headers(kid, "0" * 32, nonce))
    assert (r.status_code, r.json()) == (401, {"errors": ["authz.invalid_signature"]})

    # A blacklisted address: refused on both, with the row's status and key.
    r = s.post(server.url("/admin/restrictions"), json={"scope": "ip", "value": "127.0.0.1", "category": "blacklist"},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    r = both(server, "GET", peatio, headers={**ua, "Cookie": f"_barong_session={cookie}"})
    assert r.status_code == 401 and r.json() == {"errors": ["authz.restrict.blacklist"]}, r.text


def raw(server, data, read=True, timeout=5):
    """Sends bytes to the gateway listener; returns what came back before it closed or went quiet."""
    chunks = []
    with socket.create_connection(("127.0.0.1", server.gateway_port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            while read:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            pass
        except ConnectionResetError:
            pass  # the server closed while we were still sending: a close is an answer
    return b"".join(chunks)


def alive(server):
    assert requests.get(server.url("/public/ping")).status_code == 200
    r = requests.get(server.authorize_base + "/api/v2/peatio/account/balances")
    assert (r.status_code, r.json()) == (401, {"errors": ["authz.invalid_session"]})


def test_hostile_requests_get_a_4xx_or_a_close_never_a_crash(server):
    path = b"/api/v2/auth/api/v2/peatio/account/balances"
    assert raw(server, b"NOT HTTP AT ALL\r\n\r\n").startswith(b"HTTP/1.1 400")
    huge = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    reply = raw(server, huge)
    assert reply == b"" or reply.startswith(b"HTTP/1.1 4"), reply[:80]
    announced = raw(server, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    assert announced.startswith(b"HTTP/1.1 413") and b"connection: close" in announced.lower()
    assert announced.endswith(b'{"errors":["server.request.too_large"]}')
    chunked = (b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"10000\r\n" + b"a" * 0x10000 + b"\r\n" + b"10\r\n" + b"a" * 16 + b"\r\n0\r\n\r\n")
    assert raw(server, chunked).startswith(b"HTTP/1.1 413"), "a body past 64 KiB without a length"
    alive(server)

    # Pipelined: three requests in one write, three answers in order.
    one = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    passed = b"GET /api/v2/auth/api/v2/peatio/public/markets HTTP/1.1\r\nHost: x\r\n\r\n"
    last = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    reply = raw(server, one + passed + last)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", reply)
    assert statuses == [b"401", b"200", b"401"], reply

    # A peer that leaves mid-body, or right after asking (the async path still answers into a closed channel).
    raw(server, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"a\":", read=False)
    raw(server, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nX-Auth-Apikey: k\r\nX-Auth-Nonce: 1\r\nX-Auth-Signature: s\r\n\r\n",
        read=False)
    # A slow client: half a head, then nothing; the idle timer (2 s here) ends it.
    started = time.time()
    assert raw(server, b"GET " + path + b" HTTP/1.1\r\nHost:", timeout=10) == b""
    assert 1.5 < time.time() - started < 8
    alive(server)
    assert "Fatal error" not in server.logs()
