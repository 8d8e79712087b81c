"""Against the real binary on either backend: the device cookie and the
login throttle reworked around it — a browser that signed in before is throttled by
its own attempts only, others by (account, address), by address and, for
guesses spread over many addresses, account-wide — and the passwords and
codes asked outside the login form counted in the same throttle, with the
TOTP code required from 2FA users."""
import hashlib
import re

import pytest
import requests

from conftest import BACKEND, STRONG
from helpers import enable_2fa, totp
from test_admin import query, signup
from test_auth0 import FakeAuth0, login as auth0_login
from test_login_throttle import TOO_MANY, WRONG, attempt, checked_passwords, client_from
from test_passkeys import RP, Authenticator, register, sign_in

DEVICE_COOKIE = re.compile(r"_portcullis_device=([A-Za-z0-9_-]{43}); Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax")
NEW_PASSWORD = "Vb7$hnRt@Jc5"


def set_cookies(response):
    """Every Set-Cookie header of the answer, in order."""
    return response.raw.headers.getlist("Set-Cookie")


def new_device(response, secure=False):
    """The answer opened a session and gave the browser a new device cookie:
    `_barong_session` first, the device cookie second, exactly as specified.
    Returns the device cookie's value."""
    cookies = set_cookies(response)
    assert len(cookies) == 2 and cookies[0].startswith("_barong_session="), cookies
    match = DEVICE_COOKIE.fullmatch(cookies[1][:-len("; Secure")] if secure else cookies[1])
    assert match and cookies[1].endswith("; Secure") == secure, cookies
    return match.group(1)


def no_new_device(response):
    """The browser sent a valid device cookie: only the session cookie is set."""
    cookies = set_cookies(response)
    assert len(cookies) == 1 and cookies[0].startswith("_barong_session="), cookies


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def device_hashes(server, email):
    return sorted(row[0] for row in query(server, "SELECT d.id_hash FROM devices d JOIN users u ON u.id = d.user_id "
                                                  f"WHERE u.email = '{email}'"))


def stored_text(server, table=None):
    """Every row of `table` (default: of every table) as text, to search for a value that must not be stored."""
    if BACKEND == "postgres":
        tables = [table] if table else server.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").split()
        return "\n".join(server.sql(f"SELECT t::text FROM {name} t") for name in tables)
    tables = [table] if table else [row[0] for row in query(server, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return "\n".join(repr(row) for name in tables for row in query(server, f"SELECT * FROM {name}"))


def sign_in_ok(response, email):
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.json()["email"] == email and response.json()["csrf_token"], response.text
    return response


def refused(response, retry_after=None):
    """429 too_many_attempts with a Retry-After (the given one, if any)."""
    assert response.status_code == 429 and response.json() == TOO_MANY, (response.status_code, response.text)
    assert int(response.headers["Retry-After"]) >= 1
    if retry_after is not None:
        assert response.headers["Retry-After"] == str(retry_after), response.headers["Retry-After"]


def attack_until_refused(base, email, attacker, limit=12):
    """Wrong passwords from the attacker until one is answered 429; returns how many were checked (401)."""
    for checked in range(limit):
        r = attempt(base, email, session=attacker)
        if r.status_code == 429:
            refused(r)
            return checked
        assert r.status_code == 401 and r.json() == WRONG, (r.status_code, r.text)
    raise AssertionError(f"{limit} wrong passwords, never a 429")


# 1. The device cookie.

def test_every_sign_in_gives_a_browser_without_one_a_device_cookie_stored_only_hashed(make_server):
    fake = FakeAuth0()
    try:
        server = make_server(env={"BARONG_DOMAIN": RP, "BARONG_AUTH0_DOMAIN": "tenant.example", "BARONG_AUTH0_CLIENT_ID": "client-1",
                                  "BARONG_AUTH0_JWKS_URL": f"http://127.0.0.1:{fake.port}/.well-known/jwks.json"})
        base = server.base
        signup(base, "root@example.com")
        values = []
        # Signup.
        alice = requests.Session()
        r = alice.post(base + "/identity/users", json={"email": "alice@example.com", "password": STRONG})
        assert r.status_code == 201 and r.json()["email"] == "alice@example.com", r.text
        alice.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        values.append(new_device(r))
        assert alice.cookies["_portcullis_device"] == values[0]
        rows = query(server, "SELECT d.id_hash, d.user_ip, d.user_agent FROM devices d JOIN users u ON u.id = d.user_id "
                             "WHERE u.email = 'alice@example.com'")
        assert rows == [(sha256(values[0]), "127.0.0.1", requests.utils.default_user_agent())], rows
        # A password sign-in from the same browser sends the cookie back: none set, no second row.
        r = sign_in_ok(attempt(base, "alice@example.com", STRONG, session=alice), "alice@example.com")
        no_new_device(r)
        alice.headers["X-CSRF-Token"] = r.json()["csrf_token"]  # the new session's
        assert device_hashes(server, "alice@example.com") == [sha256(values[0])]
        # A password sign-in from a browser without one, or with one this server never makes.
        values.append(new_device(sign_in_ok(attempt(base, "alice@example.com", STRONG), "alice@example.com")))
        forged = requests.Session()
        forged.cookies.set("_portcullis_device", "not-a-device")
        values.append(new_device(sign_in_ok(attempt(base, "alice@example.com", STRONG, session=forged), "alice@example.com")))
        # Over https (X-Forwarded-Proto from the loopback proxy) both cookies are Secure.
        r = sign_in_ok(requests.post(base + "/identity/sessions", json={"email": "alice@example.com", "password": STRONG},
                                     headers={"X-Forwarded-Proto": "https"}), "alice@example.com")
        values.append(new_device(r, secure=True))
        assert set_cookies(r)[0].endswith("; Secure"), set_cookies(r)
        # A passkey sign-in.
        passkey = Authenticator()
        r = register(alice, base, passkey)
        assert r.status_code == 201 and r.json()["name"] == "laptop", r.text
        r, _ = sign_in(base, passkey)
        values.append(new_device(sign_in_ok(r, "alice@example.com")))
        # An Auth0 sign-in (a new user, and the same one again from another browser).
        r = auth0_login(server, fake.token(email="zero@example.com", email_verified=True))
        zero = [new_device(sign_in_ok(r, "zero@example.com"))]
        zero.append(new_device(sign_in_ok(auth0_login(server, fake.token(email="zero@example.com", email_verified=True)),
                                          "zero@example.com")))
    finally:
        fake.server.shutdown()

    assert len(set(values + zero)) == len(values) + len(zero), "a new random value each time"
    assert device_hashes(server, "alice@example.com") == sorted(sha256(v) for v in values)
    assert device_hashes(server, "zero@example.com") == sorted(sha256(v) for v in zero)
    # The raw value is nowhere: not in devices, not in any other table.
    devices, everything = stored_text(server, "devices"), stored_text(server)
    assert sha256(values[0]) in devices and "alice@example.com" in everything
    for value in values + zero:
        assert value not in devices and value not in everything, value


# 1. The reported attack and the bounds that replace the account-wide wait.

def test_an_attackers_wrong_passwords_never_make_the_owner_wait(server):
    base = server.base
    signup(base, "root@example.com")
    signup(base, "victim@example.com")
    known = client_from("127.0.0.3")
    first = sign_in_ok(attempt(base, "victim@example.com", STRONG, session=known), "victim@example.com")
    device = new_device(first)
    attacker = client_from("127.0.0.2")
    # The attacker is held after its five checked guesses (per account and address) ...
    assert attack_until_refused(base, "victim@example.com", attacker) == 5
    refused(attempt(base, "victim@example.com", STRONG, session=attacker))
    for _ in range(3):
        # ... and the victim's own browser signs in at once, again and again, keeping its device ...
        r = sign_in_ok(attempt(base, "victim@example.com", STRONG, session=known), "victim@example.com")
        no_new_device(r)
        assert known.cookies["_portcullis_device"] == device
        # ... which hands the attacker no fresh guesses: its own count stays.
        own = "account:" + sha256("victim@example.com") + ":ip:127.0.0.2"
        assert [int(row[0]) for row in query(server, f"SELECT attempts FROM login_throttle WHERE key = '{own}'")] == [5]
        # A fresh browser at another address signs in too: the attacker's waits are its own address's.
        r = sign_in_ok(attempt(base, "victim@example.com", STRONG, session=client_from("127.0.0.4")), "victim@example.com")
        new_device(r)
    assert checked_passwords(server) == 5
    rows = query(server, "SELECT DISTINCT user_ip FROM activities WHERE topic = 'session' AND action = 'login' AND result = 'failed'")
    assert rows == [("127.0.0.2",)]


def test_guesses_spread_over_many_addresses_hold_unknown_devices_but_not_the_owners(make_server):
    # Account limit 1: one attempt per (account, address); ten checked failures account-wide.
    server = make_server(env={"BARONG_LOGIN_THROTTLE_ACCOUNT": "1"})
    base = server.base
    signup(base, "root@example.com")
    owner = signup(base, "victim@example.com")  # signed up here: a known device
    for host in range(1, 11):
        r = attempt(base, "victim@example.com", session=client_from(f"127.0.1.{host}"))
        assert r.status_code == 401 and r.json() == WRONG, (host, r.status_code, r.text)
    # An eleventh address, with the right password but no device of the account: it waits.
    refused(attempt(base, "victim@example.com", STRONG, session=client_from("127.0.1.50")), retry_after=1)
    refused(attempt(base, "victim@example.com", STRONG))  # a browser without a cookie at the owner's address too
    assert checked_passwords(server) == 10
    # The owner's browser is not held by anyone's failures.
    no_new_device(sign_in_ok(attempt(base, "victim@example.com", STRONG, session=owner), "victim@example.com"))
    # Its sign-in leaves the account-wide count (ten wrong answers) where it was: no fresh guesses for anyone.
    key = "account:" + sha256("victim@example.com")
    assert [int(row[0]) for row in query(server, f"SELECT attempts FROM login_throttle WHERE key = '{key}'")] == [10]


def test_a_known_device_waits_after_its_own_five_attempts_and_holds_no_one_else(server):
    base = server.base
    signup(base, "root@example.com")
    owner = signup(base, "owner@example.com")
    for _ in range(5):
        r = attempt(base, "owner@example.com", session=owner)
        assert r.status_code == 401 and r.json() == WRONG, r.text
    refused(attempt(base, "owner@example.com", STRONG, session=owner), retry_after=1)
    assert checked_passwords(server) == 5
    # Its failures are its own: another browser at another address signs in at once ...
    new_device(sign_in_ok(attempt(base, "owner@example.com", STRONG, session=client_from("127.0.0.4")), "owner@example.com"))
    # ... and that sign-in leaves the device's own count alone (a sign-in clears only its own) ...
    own = [row[0] for row in query(server, "SELECT key FROM login_throttle WHERE key LIKE '%:device:%'")]
    assert len(own) == 1 and [int(row[0]) for row in query(server, f"SELECT attempts FROM login_throttle WHERE key = '{own[0]}'")] == [5]
    # ... whose wait is a second, never a lock.
    import time
    time.sleep(1.1)
    no_new_device(sign_in_ok(attempt(base, "owner@example.com", STRONG, session=owner), "owner@example.com"))


@pytest.mark.skipif(BACKEND != "postgres", reason="several instances need the shared PostgreSQL backend")
def test_failures_on_one_instance_hold_the_attacker_on_the_other_but_not_the_owner(shared_pair):
    a, b = shared_pair
    signup(a.base, "root@example.com")
    signup(a.base, "victim@example.com")
    known = client_from("127.0.0.3")
    new_device(sign_in_ok(attempt(a.base, "victim@example.com", STRONG, session=known), "victim@example.com"))
    attacker = client_from("127.0.0.2")
    assert attack_until_refused(a.base, "victim@example.com", attacker) == 5
    refused(attempt(b.base, "victim@example.com", STRONG, session=attacker))  # B sees A's counts
    no_new_device(sign_in_ok(attempt(b.base, "victim@example.com", STRONG, session=known), "victim@example.com"))
    # The owner's sign-in on B handed the attacker nothing: its count stays in the shared database.
    own = "account:" + sha256("victim@example.com") + ":ip:127.0.0.2"
    assert [int(row[0]) for row in query(a, f"SELECT attempts FROM login_throttle WHERE key = '{own}'")] == [5]
    new_device(sign_in_ok(attempt(b.base, "victim@example.com", STRONG, session=client_from("127.0.0.4")), "victim@example.com"))
    assert checked_passwords(a) == 5


# 2. Passwords and codes outside the login form.

def passkey_options(session, base, **proof):
    return session.post(base + "/resource/passkeys/options", json=proof)


def change_password(session, base, **extra):
    return session.put(base + "/resource/users/password",
                       json={"old_password": STRONG, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, **extra})


def options_ok(response, email):
    assert response.status_code == 200 and response.json()["user"]["name"] == email and response.json()["challenge"], response.text


def test_passkey_options_need_the_code_from_a_2fa_user_and_a_password_from_others(server):
    base = server.base
    signup(base, "root@example.com")
    plain = signup(base, "plain@example.com")
    r = passkey_options(plain, base)
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_password_or_otp_code"]}, r.text
    r = passkey_options(plain, base, password="Wrong-pass-1!")
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_password"]}, r.text
    options_ok(passkey_options(plain, base, password=STRONG), "plain@example.com")

    guarded = signup(base, "guarded@example.com")
    secret, step = enable_2fa(guarded, base, guarded.headers["X-CSRF-Token"])
    r = passkey_options(guarded, base, password=STRONG)  # the right password alone is not enough
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_otp_code"]}, r.text
    r = passkey_options(guarded, base)
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_password_or_otp_code"]}, r.text
    options_ok(passkey_options(guarded, base, otp_code=totp(secret, step)), "guarded@example.com")
    options_ok(passkey_options(guarded, base, password=STRONG, otp_code=totp(secret, step + 1)), "guarded@example.com")


def test_a_2fa_user_changes_the_password_only_with_the_code(server):
    base = server.base
    signup(base, "root@example.com")
    plain = signup(base, "plain@example.com")
    r = change_password(plain, base)
    assert r.status_code == 201 and r.text == "", r.text
    sign_in_ok(attempt(base, "plain@example.com", NEW_PASSWORD), "plain@example.com")

    guarded = signup(base, "guarded@example.com")
    secret, step = enable_2fa(guarded, base, guarded.headers["X-CSRF-Token"])
    r = change_password(guarded, base)
    assert r.status_code == 422 and r.json() == {"errors": ["resource.password.missing_otp_code"]}, r.text
    r = change_password(guarded, base, otp_code="")
    assert r.status_code == 422 and r.json() == {"errors": ["resource.password.missing_otp_code"]}, r.text
    wrong = "000000" if totp(secret, step) != "000000" else "111111"
    r = change_password(guarded, base, otp_code=wrong)
    assert r.status_code == 422 and r.json() == {"errors": ["resource.password.invalid_otp"]}, r.text
    # Nothing changed so far: the old password still signs in (to the code question).
    r = attempt(base, "guarded@example.com", STRONG)
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.missing_otp"]}, r.text
    r = change_password(guarded, base, otp_code=totp(secret, step))
    assert r.status_code == 201 and r.text == "", r.text
    r = attempt(base, "guarded@example.com", STRONG, otp_code=totp(secret, step + 1))
    assert r.status_code == 401 and r.json() == WRONG, r.text
    sign_in_ok(attempt(base, "guarded@example.com", NEW_PASSWORD, otp_code=totp(secret, step + 1)), "guarded@example.com")


def test_wrong_passwords_on_passkey_options_count_and_right_ones_clear(server):
    base = server.base
    signup(base, "root@example.com")
    user = signup(base, "user@example.com")
    # Ten right confirmations in a row: a right answer clears its own count.
    for _ in range(10):
        options_ok(passkey_options(user, base, password=STRONG), "user@example.com")
    for _ in range(4):
        r = passkey_options(user, base, password="Wrong-pass-1!")
        assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_password"]}, r.text
    options_ok(passkey_options(user, base, password=STRONG), "user@example.com")
    # Five wrong in a row: the next waits, even with the right password, and the login form too (one throttle).
    for _ in range(5):
        r = passkey_options(user, base, password="Wrong-pass-1!")
        assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_password"]}, r.text
    refused(passkey_options(user, base, password=STRONG), retry_after=1)
    refused(attempt(base, "user@example.com", STRONG, session=user))


def test_wrong_totp_codes_on_api_keys_count_in_the_throttle(server):
    base = server.base
    signup(base, "root@example.com")
    user = signup(base, "keys@example.com")
    secret, step = enable_2fa(user, base, user.headers["X-CSRF-Token"])
    right = totp(secret, step)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        r = user.post(base + "/resource/api_keys", json={"algorithm": "HS256", "totp_code": wrong})
        assert r.status_code == 422 and r.json() == {"errors": ["resource.api_key.invalid_totp"]}, r.text
    r = user.post(base + "/resource/api_keys", json={"algorithm": "HS256", "totp_code": right})
    refused(r, retry_after=1)
    r = user.get(base + "/resource/api_keys")
    assert r.status_code == 200 and r.json() == [], r.text


# 3. What the outside review of the first version found.

def test_guesses_in_flight_cannot_slip_past_the_address_and_account_wide_limits(make_server):
    """Each attempt takes its place on every counter before anything is checked: 40 wrong passwords sent
    at once from 40 addresses get at most the account-wide ten checks; 30 at once from one address for
    30 accounts at most its three."""
    import concurrent.futures
    server = make_server(env={"BARONG_LOGIN_THROTTLE_ACCOUNT": "1", "BARONG_LOGIN_THROTTLE_IP": "3"})
    base = server.base
    signup(base, "root@example.com")
    signup(base, "victim@example.com")
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        answers = list(pool.map(lambda i: attempt(base, "victim@example.com", session=client_from(f"127.0.2.{i + 1}")),
                                range(40)))
    checked = [r for r in answers if r.status_code == 401]
    assert all(r.status_code in (401, 429) for r in answers), [r.status_code for r in answers]
    assert 1 <= len(checked) <= 10 and checked_passwords(server) == len(checked), len(checked)
    before = checked_passwords(server)
    one = client_from("127.0.3.1")
    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(lambda i: attempt(base, f"nobody{i}@example.com", session=one), range(30)))
    assert all(r.status_code in (401, 429) for r in answers), [r.status_code for r in answers]
    assert 1 <= checked_passwords(server) - before <= 3, checked_passwords(server) - before


def test_wrong_codes_from_someone_who_knows_the_password_never_hold_the_owner(server):
    """There is no per-user code lock: an attacker with the password and wrong codes waits at their own
    address; the owner's browser signs in with the right code at once."""
    base = server.base
    signup(base, "root@example.com")
    owner = signup(base, "owner@example.com")
    secret, step = enable_2fa(owner, base, owner.headers["X-CSRF-Token"])
    attacker = client_from("127.0.0.2")
    for _ in range(5):
        r = attempt(base, "owner@example.com", STRONG, session=attacker, otp_code="000000" if totp(secret, step) != "000000" else "111111")
        assert r.status_code == 403 and r.json() == {"errors": ["identity.session.invalid_otp"]}, r.text
    refused(attempt(base, "owner@example.com", STRONG, session=attacker, otp_code=totp(secret, step)))
    sign_in_ok(attempt(base, "owner@example.com", STRONG, session=owner, otp_code=totp(secret, step)), "owner@example.com")


def test_a_cross_site_sign_in_sets_no_device_cookie(server):
    """A login form on a foreign page: the browser withholds the Lax device cookie, and the answer must
    not replace it with a new one."""
    base = server.base
    signup(base, "root@example.com")
    signup(base, "user@example.com")
    r = requests.post(base + "/identity/sessions", json={"email": "user@example.com", "password": STRONG},
                      headers={"Sec-Fetch-Site": "cross-site"}, timeout=30)
    sign_in_ok(r, "user@example.com")
    no_new_device(r)
    new_device(requests.post(base + "/identity/sessions", json={"email": "user@example.com", "password": STRONG},
                             headers={"Sec-Fetch-Site": "same-origin"}, timeout=30))


def test_auth0_asks_a_2fa_users_code(make_server):
    """An id token for the address alone does not skip the second factor."""
    fake = FakeAuth0()
    try:
        server = make_server(env={"BARONG_AUTH0_DOMAIN": "tenant.example", "BARONG_AUTH0_CLIENT_ID": "client-1",
                                  "BARONG_AUTH0_JWKS_URL": f"http://127.0.0.1:{fake.port}/.well-known/jwks.json"})
        base = server.base
        signup(base, "root@example.com")
        user = signup(base, "twofa@example.com")
        secret, step = enable_2fa(user, base, user.headers["X-CSRF-Token"])
        token = fake.token(email="twofa@example.com", email_verified=False)
        r = requests.post(base + "/identity/sessions/auth0", json={"id_token": token})
        assert r.status_code == 401 and r.json() == {"errors": ["identity.session.missing_otp"]}, r.text
        r = requests.post(base + "/identity/sessions/auth0", json={"id_token": token, "otp_code": "12345x"})
        assert r.status_code == 403 and r.json() == {"errors": ["identity.session.invalid_otp"]}, r.text
        r = requests.post(base + "/identity/sessions/auth0", json={"id_token": token, "otp_code": totp(secret, step)})
        sign_in_ok(r, "twofa@example.com")
    finally:
        fake.server.shutdown()
