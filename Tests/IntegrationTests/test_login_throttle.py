"""Password and OTP guessing slowed per account and per address,
against the real binary on either backend: the
increasing waits with Retry-After, no bcrypt for a throttled attempt (each
checked password leaves one failed-login activity), unknown emails treated
alike, parallel guesses counted one by one, a sign-in clearing the account,
and an address over its limit while another address signs in."""
import concurrent.futures
import time

import requests

from conftest import STRONG
from helpers import enable_2fa, totp
from test_admin import query, signup

TOO_MANY = {"errors": ["identity.session.too_many_attempts"]}
WRONG = {"errors": ["identity.session.invalid_params"]}


class SourceAddress(requests.adapters.HTTPAdapter):
    """Connects from another loopback address (the whole 127/8 is local), a client of its own."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client_from(address):
    s = requests.Session()
    s.mount("http://", SourceAddress(address))
    return s


def attempt(base, email, password="Wrong-pass-1!", session=None, **extra):
    return (session or requests).post(base + "/identity/sessions", json={"email": email, "password": password, **extra},
                                      timeout=30)


def checked_passwords(server):
    """Failed-login activities: one per password actually compared (a throttled attempt writes none)."""
    return int(query(server, "SELECT COUNT(*) FROM activities WHERE topic = 'session' AND action = 'login' "
                             "AND result = 'failed'")[0][0])


def test_an_account_waits_longer_after_each_attempt_past_five_and_a_sign_in_clears_it(server):
    base = server.base
    signup(base, "root@example.com")
    signup(base, "victim@example.com")
    for _ in range(5):
        r = attempt(base, "victim@example.com")
        assert r.status_code == 401 and r.json() == WRONG
    r = attempt(base, "victim@example.com", password=STRONG)  # even the right password waits
    assert r.status_code == 429 and r.json() == TOO_MANY and r.headers["Retry-After"] == "1", (r.status_code, r.text)
    assert checked_passwords(server) == 5
    time.sleep(1.05)
    assert attempt(base, "victim@example.com").json() == WRONG  # the 6th: the next waits 2 s
    r = attempt(base, "victim@example.com")
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    time.sleep(2.05)
    assert attempt(base, "victim@example.com").json() == WRONG
    r = attempt(base, "VICTIM@example.com ")  # the same account however it is spelled
    assert r.status_code == 429 and r.headers["Retry-After"] == "4"
    assert checked_passwords(server) == 7
    time.sleep(4.05)
    r = attempt(base, "victim@example.com", password=STRONG)
    assert r.status_code == 200, r.text
    # Cleared: the next mistakes are checked again at once.
    for _ in range(4):
        assert attempt(base, "victim@example.com").json() == WRONG


def test_unknown_emails_and_parallel_guesses(server):
    base = server.base
    signup(base, "root@example.com")
    # An unknown address answers exactly as a known one.
    answers = [attempt(base, "nobody@example.com") for _ in range(6)]
    assert [r.status_code for r in answers] == [401] * 5 + [429]
    assert answers[0].json() == WRONG and answers[5].json() == TOO_MANY
    # Twenty guesses at once on a fresh account: five are checked, the rest wait.
    signup(base, "target@example.com")
    before = checked_passwords(server)
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        statuses = sorted(pool.map(lambda _: attempt(base, "target@example.com").status_code, range(20)))
    assert statuses == [401] * 5 + [429] * 15, statuses
    assert checked_passwords(server) - before == 5


def test_wrong_otp_codes_count_and_the_right_one_clears(server):
    base = server.base
    signup(base, "root@example.com")
    owner = signup(base, "otp@example.com")
    secret, step = enable_2fa(owner, base, owner.headers["X-CSRF-Token"])
    for _ in range(5):
        r = attempt(base, "otp@example.com", password=STRONG, otp_code="000000")
        assert r.status_code == 403 and r.json() == {"errors": ["identity.session.invalid_otp"]}, r.text
    r = attempt(base, "otp@example.com", password=STRONG, otp_code=totp(secret, step))
    assert r.status_code == 429 and r.json() == TOO_MANY


def test_an_address_over_its_limit_waits_while_another_address_signs_in(make_server):
    server = make_server(env={"BARONG_LOGIN_THROTTLE_IP": "3"})
    base = server.base
    signup(base, "root@example.com")
    for name in ("a", "b", "c", "d"):
        signup(base, f"{name}@example.com")
    guesser, other = client_from("127.0.0.2"), client_from("127.0.0.3")
    for name in ("a", "b", "c"):  # one failure per account: no account is near its limit
        assert attempt(base, f"{name}@example.com", session=guesser).json() == WRONG
    r = attempt(base, "d@example.com", password=STRONG, session=guesser)
    assert r.status_code == 429 and r.json() == TOO_MANY and r.headers["Retry-After"] == "1"
    r = attempt(base, "d@example.com", password=STRONG, session=other)
    assert r.status_code == 200, r.text
    rows = query(server, "SELECT user_ip FROM activities WHERE topic = 'session' AND result = 'failed' ORDER BY id")
    assert rows == [("127.0.0.2",)] * 3


def test_zero_turns_the_limits_off(make_server):
    server = make_server(env={"BARONG_LOGIN_THROTTLE_ACCOUNT": "0", "BARONG_LOGIN_THROTTLE_IP": "0"})
    signup(server.base, "root@example.com")
    assert [attempt(server.base, "root@example.com").status_code for _ in range(8)] == [401] * 8
    r = attempt(server.base, "root@example.com", password=STRONG)
    assert r.status_code == 200 and r.json()["email"] == "root@example.com"
