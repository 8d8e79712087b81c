"""Hostile and malformed input over real HTTP: always a 4xx with a key, never a 5xx."""
import concurrent.futures

import requests

from conftest import STRONG


def test_oversized_body_is_413(server):
    r = requests.post(server.url("/identity/users"), data={"email": "a" * (1 << 20), "password": STRONG})
    assert r.status_code == 413
    assert r.json() == {"errors": ["server.request.too_large"]}
    # the server is still fine
    assert requests.get(server.url("/public/ping")).json() == {"ping": "pong"}


def test_malformed_and_hostile_params(server):
    cases = [
        (dict(data=b'{"email": "x@y.io", "password"', headers={"Content-Type": "application/json"}),
         400, ["server.request.malformed_body"]),
        (dict(data=b"email=\xff\xfe&password=x", headers={"Content-Type": "application/x-www-form-urlencoded"}),
         400, ["server.request.malformed_body"]),
        (dict(data=b"hello", headers={"Content-Type": "text/plain"}),
         415, ["server.request.unsupported_media_type"]),
        (dict(json={"email": "x' OR '1'='1@y.io", "password": STRONG}), 422, ["email.invalid"]),
        (dict(json={"email": "nul\u0000@y.io", "password": STRONG}), 422, ["email.invalid"]),
        (dict(json={"email": "ok@y.io", "password": STRONG + "\u0000"}), 422, ["password.requirements"]),
        (dict(json={"email": 12, "password": True}), 422, ["email.invalid", "password.requirements"]),
        (dict(json={"email": None, "password": []}), 422, ["identity.user.missing_email", "identity.user.invalid_password"]),
        (dict(json={"email": "geetest@y.io", "password": STRONG, "captcha_response": {"geetest_challenge": "x"}}),
         201, None),
    ]
    for kwargs, status, keys in cases:
        r = requests.post(server.url("/identity/users"), **kwargs)
        assert r.status_code == status, (kwargs, r.text)
        if keys is not None:
            assert sorted(r.json()["errors"]) == sorted(keys), (kwargs, r.text)
    r = requests.post(server.url("/identity/sessions"), json={"email": "' OR 1=1 --", "password": "x"})
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.invalid_params"]}


def test_duplicate_signup_race_leaves_one_user(server):
    def signup(_):
        r = requests.post(server.url("/identity/users"), json={"email": "race@example.com", "password": STRONG})
        return r.status_code, r.json()

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(signup, range(4)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 422, 422, 422], results
    assert all(body == {"errors": ["email.taken"]} for status, body in results if status == 422)
