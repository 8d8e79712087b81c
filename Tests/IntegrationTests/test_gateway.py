"""The gateway path end to end: real nginx with deploy/nginx/portcullis.conf,
auth_request to the real binary (its main listener, or the gateway listener
of authorize_listen), a tiny upstream echoing what it got."""
import tempfile
import time

import jwt
import pytest
import requests

from conftest import STRONG
from helpers import EchoBackend, Nginx, api_key_headers, enable_2fa, totp


@pytest.fixture(params=["main listener", "gateway listener"])
def gateway(request, make_server):
    """nginx's auth_request to the main listener, or to the gateway listener (authorize_listen)."""
    server = make_server(gateway=request.param == "gateway listener")
    backend = EchoBackend().start()
    nginx = Nginx(tempfile.mkdtemp(prefix="portcullis-nginx-"), server.port, backend.port, authorize_port=server.gateway_port).start()
    yield server, nginx, backend
    nginx.stop()
    backend.stop()


def verify(token, server):
    jwks = requests.get(server.url("/public/jwks")).json()
    key = jwt.PyJWK(jwks["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience="barong", issuer="barong")


def test_session_cookie_through_nginx(gateway):
    server, nginx, backend = gateway
    browser = requests.Session()
    r = browser.post(nginx.url("/api/v2/auth/identity/users"), json={"email": "gw@example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    csrf = r.json()["csrf_token"]

    r = browser.get(nginx.url("/api/v2/peatio/account/balances?currency=btc"))
    assert r.status_code == 200, r.text
    echoed = r.json()
    assert echoed["path"] == "/api/v2/peatio/account/balances?currency=btc"
    assert echoed["authorization"].startswith("Bearer ")
    claims = verify(echoed["authorization"][7:], server)
    assert claims["email"] == "gw@example.com" and claims["sub"] == "session"
    assert claims["aud"] == ["peatio", "barong"]
    assert jwt.get_unverified_header(echoed["authorization"][7:]) == {"alg": "RS256", "typ": "JWT"}

    # The original method reaches authorize: a POST without its CSRF token is refused.
    hits = len(backend.hits)
    r = browser.post(nginx.url("/api/v2/peatio/market/orders"), json={"market": "btcusd"})
    assert r.status_code == 401
    assert len(backend.hits) == hits, "a refused request never reaches the upstream"
    r = browser.post(nginx.url("/api/v2/peatio/market/orders"), json={"market": "btcusd"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json()["method"] == "POST"


def test_denied_requests_stop_at_nginx(gateway):
    server, nginx, backend = gateway
    r = requests.get(nginx.url("/api/v2/peatio/account/balances"))
    assert r.status_code == 401
    r = requests.get(nginx.url("/api/v2/peatio/account/balances"), cookies={"_barong_session": "forged"})
    assert r.status_code == 401
    r = requests.get(nginx.url("/api/v2/barong/management/users"))
    assert r.status_code == 401
    assert backend.hits == []
    r = requests.get(nginx.url("/api/v2/peatio/public/markets"))
    assert r.status_code == 200 and r.json()["authorization"] in (None, "")


def test_api_key_through_nginx(gateway):
    server, nginx, backend = gateway
    s = requests.Session()
    s.post(nginx.url("/api/v2/auth/identity/users"), json={"email": "bot@example.com", "password": STRONG})
    r = s.post(nginx.url("/api/v2/auth/identity/sessions"), json={"email": "bot@example.com", "password": STRONG})
    csrf = r.json()["csrf_token"]
    secret, step = enable_2fa(s, nginx.url("/api/v2/auth"), csrf)
    r = s.post(nginx.url("/api/v2/auth/resource/api_keys"), json={"algorithm": "HS256", "totp_code": totp(secret, step)},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    kid, key_secret = r.json()["kid"], r.json()["secret"]

    def signed(nonce, secret=key_secret):
        return api_key_headers(kid, secret, nonce)

    nonce = str(int(time.time() * 1000))
    r = requests.post(nginx.url("/api/v2/peatio/market/orders"), headers=signed(nonce), json={"volume": "1"})
    assert r.status_code == 200, r.text
    claims = verify(r.json()["authorization"][7:], server)
    assert claims["email"] == "bot@example.com"
    assert requests.post(nginx.url("/api/v2/peatio/market/orders"), headers=signed(nonce)).status_code == 401, "replay"
    later = str(int(time.time() * 1000) + 1)
    assert requests.get(nginx.url("/api/v2/peatio/account/balances"), headers=signed(later, "0" * 32)).status_code == 401

    # Direct calls show the error keys nginx hides.
    r = requests.get(server.authorize_base + "/api/v2/peatio/account/balances",
                     headers=signed(str(int(time.time() * 1000) + 2), "0" * 32))
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_signature"]}
