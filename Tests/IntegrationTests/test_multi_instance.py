"""Two Portcullis instances sharing one PostgreSQL database behind a real
nginx upstream: state written on one is seen on the other at once, mail is
sent once, and killing an instance loses no acknowledged signup."""
import base64
import os
import signal
import tempfile
import threading
import time

import jwt
import pytest
import requests

from conftest import BACKEND, STRONG, Server, new_database_url, run_cli
from helpers import EchoBackend, Nginx, SMTPSink, api_key_headers, enable_2fa, token_from, totp

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="several instances need the shared PostgreSQL backend")

AUTHORIZE_PREFIX = "/api/v2/auth/api/v2/peatio/"


@pytest.fixture
def pair():
    """Instances A and B: one database, one signing key, one encryption key, one SMTP sink."""
    keys = tempfile.mkdtemp(prefix="portcullis-keys-")
    r = run_cli("keys", "generate", "--out", keys)
    assert r.returncode == 0, r.stderr
    sink = SMTPSink().start()
    shared = {
        **sink.env(),
        "BARONG_JWT_PRIVATE_KEY_PATH": os.path.join(keys, "jwt-private.pem"),
        "BARONG_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
    }
    url = new_database_url(None)
    a = Server(env=shared, database_url=url)
    b = Server(env=shared, database_url=url)
    a.start()
    b.start()
    backend = EchoBackend().start()
    nginx = Nginx(tempfile.mkdtemp(prefix="portcullis-nginx-"), [a.port, b.port], backend.port).start()
    yield a, b, nginx, sink
    nginx.stop()
    backend.stop()
    for s in (a, b):
        s.stop()
    sink.stop()


def signup(base_url, email, session=None):
    return (session or requests).post(base_url + "/identity/users", json={"email": email, "password": STRONG}, timeout=10)


def seconds_until(condition, limit=1.5):
    """Polls `condition` until it holds; returns how long that took (or `limit`)."""
    started = time.monotonic()
    while not condition() and time.monotonic() - started < limit:
        pass
    return time.monotonic() - started


def authorize_lines(server):
    return server.logs().count(AUTHORIZE_PREFIX)


def verify(token, server):
    key = jwt.PyJWK(requests.get(server.url("/public/jwks")).json()["keys"][0]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience="barong", issuer="barong")


def test_signup_on_one_confirm_and_login_on_the_other(pair):
    a, b, nginx, sink = pair
    assert signup(a.base, "first@example.com").status_code == 201  # the first account is the superadmin
    r = signup(a.base, "alice@example.com")
    assert r.status_code == 201 and r.json()["state"] == "pending"
    [mail] = sink.wait_for(1)
    assert mail["to"] == ["alice@example.com"]

    r = requests.post(b.url("/identity/users/email/confirm_code"), json={"token": token_from(mail, "confirmation_token")})
    assert r.status_code == 201, r.text
    assert r.json()["email"] == "alice@example.com" and r.json()["state"] == "active" and r.json()["level"] == 1

    # The token was spent on B: A refuses it too.
    r = requests.post(a.url("/identity/users/email/confirm_code"), json={"token": token_from(mail, "confirmation_token")})
    assert r.status_code == 422 and r.json() == {"errors": ["identity.user.active_or_doesnt_exist"]}

    browser = requests.Session()
    r = browser.post(b.url("/identity/sessions"), json={"email": "alice@example.com", "password": STRONG})
    assert r.status_code == 200 and r.json()["state"] == "active"
    # The session cookie B set works on A (sessions live in the database).
    r = browser.get(a.url("/resource/users/me"))
    assert r.status_code == 200 and r.json()["email"] == "alice@example.com"


def test_authorize_through_nginx_alternates_and_logout_shows_everywhere(pair):
    a, b, nginx, sink = pair
    browser = requests.Session()
    r = signup(nginx.url("/api/v2/auth"), "bob@example.com", browser)
    assert r.status_code == 201, r.text
    before = (authorize_lines(a), authorize_lines(b))
    for i in range(20):
        r = browser.get(nginx.url(f"/api/v2/peatio/account/balances?i={i}"))
        assert r.status_code == 200, r.text
        assert verify(r.json()["authorization"][7:], a)["email"] == "bob@example.com"
    served = (authorize_lines(a) - before[0], authorize_lines(b) - before[1])
    assert served[0] + served[1] == 20 and min(served) >= 5, f"nginx should spread authorize calls: {served}"

    # Log out on A with B's cache warm: B's cache entry is dropped by A's
    # notification, not by its 2 s TTL. The notification races the client's
    # next request (sub-millisecond on an idle machine), so the test measures
    # how long B keeps answering and bounds it well below the TTL.
    lags = []
    for round in range(20):
        s = requests.Session()
        r = s.post(a.url("/identity/sessions"), json={"email": "bob@example.com", "password": STRONG})
        assert r.status_code == 200 and r.json()["email"] == "bob@example.com"
        r = s.get(b.url("/resource/users/me"))
        assert r.status_code == 200 and r.json()["email"] == "bob@example.com"
        r = s.get(b.url("/api/v2/peatio/account/balances"))
        assert r.status_code == 200 and verify(r.headers["Authorization"][7:], b)["email"] == "bob@example.com"
        cookie = {"_barong_session": s.cookies["_barong_session"]}
        r = s.delete(a.url("/identity/sessions"))
        assert r.status_code == 200, r.text
        lags.append(seconds_until(lambda: requests.get(b.url("/resource/users/me"), cookies=cookie).status_code != 200))
        r = requests.get(b.url("/resource/users/me"), cookies=cookie)
        assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}, f"round {round}: {r.text}"
        assert lags[-1] < 0.5, f"round {round}: B served a logged-out session for {lags[-1]:.3f} s"
        r = requests.get(b.url("/api/v2/peatio/account/balances"), cookies=cookie)
        assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}, f"round {round}: {r.text}"
    print(f"\nlogout on A refused on B after (s): max {max(lags):.4f}, median {sorted(lags)[len(lags) // 2]:.4f}")


def test_without_the_cache_logout_is_refused_everywhere_on_the_next_request(make_server):
    """auth_cache_ttl = 0: every request reads the session, so there is no window at all."""
    url = new_database_url(None)
    a, b = make_server(database_url=url), make_server(env={"BARONG_AUTH_CACHE_TTL": "0"}, database_url=url)
    assert signup(a.base, "dave@example.com").status_code == 201
    for round in range(10):
        s = requests.Session()
        r = s.post(a.url("/identity/sessions"), json={"email": "dave@example.com", "password": STRONG})
        assert r.status_code == 200 and r.json()["email"] == "dave@example.com"
        r = s.get(b.url("/resource/users/me"))
        assert r.status_code == 200 and r.json()["email"] == "dave@example.com"
        cookie = {"_barong_session": s.cookies["_barong_session"]}
        assert s.delete(a.url("/identity/sessions")).status_code == 200
        r = requests.get(b.url("/resource/users/me"), cookies=cookie)
        assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}, f"round {round}"


def test_user_changes_and_api_key_nonces_hold_across_instances(pair):
    a, b, nginx, sink = pair
    s = requests.Session()
    assert signup(a.base, "carol@example.com", s).status_code == 201
    csrf = s.post(a.url("/identity/sessions"), json={"email": "carol@example.com", "password": STRONG}).json()["csrf_token"]
    assert s.get(b.url("/resource/users/me")).json()["otp"] is False  # B caches the user
    secret, step = enable_2fa(s, a.base, csrf)
    lag = seconds_until(lambda: s.get(b.url("/resource/users/me")).json()["otp"] is True)
    assert lag < 0.5, f"B still showed otp false {lag:.3f} s after A enabled it"

    # A code spent on A is refused on B (the used step is in the database).
    r = s.post(b.url("/resource/api_keys"), json={"algorithm": "HS256", "totp_code": totp(secret, step)},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    kid, key_secret = r.json()["kid"], r.json()["secret"]
    r = s.post(a.url("/resource/api_keys"), json={"algorithm": "HS256", "totp_code": totp(secret, step)},
               headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422 and r.json() == {"errors": ["resource.api_key.invalid_totp"]}

    headers = api_key_headers(kid, key_secret, str(int(time.time() * 1000)))
    r = requests.get(a.url("/api/v2/peatio/account/balances"), headers=headers)
    assert r.status_code == 200, r.text
    assert verify(r.headers["Authorization"][7:], a)["email"] == "carol@example.com"
    r = requests.get(b.url("/api/v2/peatio/account/balances"), headers=headers)
    assert r.status_code == 401 and r.json() == {"errors": ["authz.nonce_expired"]}, "a nonce replayed on another instance"


def test_each_mail_is_sent_once_by_two_workers(pair):
    a, b, nginx, sink = pair
    assert signup(a.base, "root@example.com").status_code == 201
    emails = [f"m{i}@example.com" for i in range(30)]
    for i, email in enumerate(emails):
        assert signup((a if i % 2 else b).base, email).status_code == 201
    sink.wait_for(len(emails))
    time.sleep(3)  # both workers poll every second: any duplicate would have arrived
    sent = sorted(m["to"][0] for m in sink.messages)
    assert sent == sorted(emails)


def test_killing_an_instance_loses_no_acknowledged_signup(pair):
    a, b, nginx, sink = pair
    assert signup(a.base, "root@example.com").status_code == 201
    acknowledged, failures, stop = [], [], threading.Event()
    lock = threading.Lock()

    def load(worker):
        n = 0
        while not stop.is_set():
            email = f"load{worker}-{n}@example.com"
            n += 1
            try:
                r = signup(nginx.url("/api/v2/auth"), email)
            except requests.RequestException as error:
                with lock:
                    failures.append(type(error).__name__)
                continue
            with lock:
                (acknowledged if r.status_code == 201 else failures).append(email if r.status_code == 201 else r.status_code)

    threads = [threading.Thread(target=load, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    with lock:
        before_kill = len(acknowledged)
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait()
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    with lock:
        after_kill = len(acknowledged) - before_kill
    assert before_kill > 20 and after_kill > 20, f"load kept running on B: {before_kill} before, {after_kill} after"
    assert all(f in (502, 504) or isinstance(f, str) for f in failures), f"only gateway errors may fail: {set(failures)}"

    # Every acknowledged signup is in the database and can log in (on B).
    for email in acknowledged:
        r = requests.post(b.url("/identity/sessions"), json={"email": email, "password": STRONG}, timeout=10)
        assert r.status_code in (200, 401), r.text
        if r.status_code == 200:
            assert r.json()["email"] == email
        else:  # pending accounts may not log in; they must exist
            assert r.json() == {"errors": ["identity.session.not_active"]}, f"{email}: {r.text}"
    print(f"\nsignups acknowledged: {before_kill} before the kill, {after_kill} after; failed: {len(failures)}")


def race(calls):
    """Runs the calls at the same moment on threads; returns their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_racing_first_signups_make_one_superadmin(pair):
    a, b, nginx, sink = pair
    emails = [f"early{i}@example.com" for i in range(6)]
    answers = race([lambda e=e, s=s: signup(s.base, e) for e, s in zip(emails, [a, b] * 3)])
    assert [r.status_code for r in answers] == [201] * 6
    roles = sorted(r.json()["role"] for r in answers)
    assert roles == ["member"] * 5 + ["superadmin"], roles


def test_racing_reset_requests_leave_one_secret(pair):
    a, b, nginx, sink = pair
    assert signup(a.base, "reset@example.com").status_code == 201  # the superadmin: active, no confirmation mail
    answers = race([lambda s=s: requests.post(s.url("/identity/users/password/generate_code"),
                                              json={"email": "reset@example.com"}) for s in [a, b] * 4])
    assert [r.status_code for r in answers] == [201] * 8
    mails = sink.wait_for(8)
    assert a.sql("SELECT count(*) FROM one_time_tokens WHERE kind = 'reset'") == "1", "one live reset secret"
    new = "Zy8?nQ4!vbW3"
    answers = [requests.post(b.url("/identity/users/password/confirm_code"), json={
        "reset_password_token": token_from(m, "reset_token"), "password": new, "confirm_password": new}) for m in mails]
    assert sorted(r.status_code for r in answers) == [201] + [422] * 7, [r.text for r in answers]
    assert all(r.json() == {"errors": ["identity.user.utilized_token"]} for r in answers if r.status_code == 422)
    r = requests.post(a.url("/identity/sessions"), json={"email": "reset@example.com", "password": new})
    assert r.status_code == 200 and r.json()["email"] == "reset@example.com", "the one accepted token set the password"


def test_racing_profile_creations_leave_one_open_profile(pair):
    a, b, nginx, sink = pair
    s = requests.Session()
    r = signup(a.base, "kyc@example.com", s)
    headers = {"X-CSRF-Token": r.json()["csrf_token"]}
    profile = {"first_name": "Ann", "last_name": "Lee", "dob": "1991-02-03", "country": "DE"}
    answers = race([lambda x=x: s.post(x.url("/resource/profiles"), json=profile, headers=headers) for x in [a, b] * 3])
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [422] * 5, [r.text for r in answers]
    assert all(r.json() == {"errors": ["state.exists"]} for r in answers if r.status_code == 422)
    assert len(s.get(b.url("/resource/profiles")).json()) == 1
