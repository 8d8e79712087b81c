"""Auth0 login against a fake JWKS endpoint on loopback; tokens signed with PyJWT."""
import http.server
import json
import time

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from helpers import LoopbackServer, changed_signature, respelled_signature, send_json


class FakeAuth0(LoopbackServer):
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": "k1", "alg": "RS256", "use": "sig"})
        self.jwks = json.dumps({"keys": [jwk]}).encode()
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                send_json(self, 200, fake.jwks)

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)
        self.start()

    def token(self, key=None, kid="k1", alg="RS256", **claims):
        body = {"iss": "https://tenant.example/", "aud": "client-1", "exp": int(time.time()) + 300, **claims}
        secret = "hs-secret" if alg == "HS256" else (key or self.key)
        return jwt.encode(body, secret, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def auth0(make_server):
    fake = FakeAuth0()
    server = make_server(env={"BARONG_AUTH0_DOMAIN": "tenant.example", "BARONG_AUTH0_CLIENT_ID": "client-1",
                              "BARONG_AUTH0_JWKS_URL": f"http://127.0.0.1:{fake.port}/.well-known/jwks.json"})
    yield server, fake
    fake.server.shutdown()


def login(server, token):
    return requests.post(server.url("/identity/sessions/auth0"), json={"id_token": token})


def test_verified_address_creates_an_active_user(auth0):
    server, fake = auth0
    assert requests.get(server.url("/public/configs/auth0")).json() == {"auth0_domain": "tenant.example", "auth0_client_id": "client-1"}
    r = login(server, fake.token(email="New@Example.com", email_verified=True))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["email"] == "new@example.com" and body["state"] == "active" and body["level"] == 1
    assert len(body["csrf_token"]) == 20 and "_barong_session" in r.cookies
    # existing user: logged in whatever email_verified says
    assert login(server, fake.token(email="new@example.com", email_verified=False)).status_code == 200


def test_refusals(auth0):
    server, fake = auth0
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    good = fake.token(email="a@example.com", email_verified=True)
    cases = [
        (changed_signature(good), 422),
        (respelled_signature(good), 422),
        (fake.token(email="a@example.com", email_verified=False), 401),
        (fake.token(email_verified=True), 401),
        (fake.token(email="a@example.com", email_verified=True, aud="someone-else"), 422),
        (fake.token(email="a@example.com", email_verified=True, iss="https://evil.example/"), 422),
        (fake.token(email="a@example.com", email_verified=True, exp=int(time.time()) - 10), 422),
        (fake.token(key=other, email="a@example.com", email_verified=True), 422),
        (fake.token(alg="HS256", email="a@example.com", email_verified=True), 422),
        (fake.token(kid="unknown", email="a@example.com", email_verified=True), 422),
        ("not-a-token", 422),
    ]
    for token, status in cases:
        r = login(server, token)
        assert r.status_code == status, (token, r.text)
        assert r.json() == {"errors": ["identity.session.auth0.invalid_params"]}
    r = requests.post(server.url("/identity/sessions/auth0"), json={})
    assert r.status_code == 422 and r.json() == {"errors": ["identity.session.missing_id_token"]}


def test_without_a_domain_the_route_is_422(server):
    r = requests.post(server.url("/identity/sessions/auth0"), json={"id_token": "x.y.z"})
    assert r.status_code == 422 and r.json() == {"errors": ["identity.session.auth0.invalid_params"]}
