"""The freeze and the anti-phishing code against the real binary, mail read
from the SMTP sink: the freeze link of a security mail, posted, ends a
second browser's session (on the other instance with PostgreSQL), disables
the user's API key (authorize refuses it), and keeps the user from signing
in or resetting the password; an operator's unfreeze lets them sign in and
leaves the key disabled. Every mail shows the anti-phishing code in both
parts; no log line, activity or model event holds it."""
import time

import pytest
import requests

from conftest import BACKEND, STRONG, run_cli, start_shared_pair
from helpers import SMTPSink, api_key_headers, enable_2fa, html_part, text_part, token_from, totp
from test_admin import query

CODE = "Harbor light 7"


def session_on(server, email, password=STRONG, **extra):
    s = requests.Session()
    r = s.post(server.url("/identity/sessions"), json={"email": email, "password": password, **extra}, timeout=30)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s


def mail_with(sink, subject, count=1, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in sink.messages if m["message"]["Subject"].endswith(subject)]
        if len(found) >= count:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no mail '{subject}' in {[m['message']['Subject'] for m in sink.messages]}")


def test_the_freeze_link_ends_everything_and_every_mail_shows_the_code(make_server):
    sink = SMTPSink().start()
    pair = None
    try:
        if BACKEND == "postgres":
            pair = start_shared_pair(sink.env())
            first, second = pair
        else:
            first = second = make_server(env=sink.env())
        assert run_cli("users", "create", "--email", "root@example.com", "--password", STRONG, "--role", "superadmin",
                       env=first.env, cwd=first.dir).returncode == 0
        r = requests.post(first.url("/identity/users"), json={"email": "user@example.com", "password": STRONG}, timeout=30)
        assert r.status_code == 201, r.text
        uid = r.json()["uid"]
        root = session_on(first, "root@example.com")
        r = root.post(first.url("/admin/users/labels"), json={"uid": uid, "key": "email", "value": "verified", "scope": "private"})
        assert r.status_code == 200, r.text
        owner = session_on(first, "user@example.com")
        set_code = owner.put(first.url("/resource/users/anti_phishing"), json={"code": CODE, "password": STRONG})
        assert set_code.status_code == 200, set_code.text
        secret, step = enable_2fa(owner, first.url(""), owner.headers["X-CSRF-Token"])
        key = owner.post(first.url("/resource/api_keys"), json={"algorithm": "HS256", "totp_code": totp(secret, step)})
        assert key.status_code == 201, key.text
        kid, key_secret = key.json()["kid"], key.json()["secret"]
        nonce = str(int(time.time() * 1000))
        authorized = requests.get(first.authorize_base + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, nonce))
        assert authorized.status_code == 200, authorized.text
        browser = session_on(second, "user@example.com", otp_code=totp(secret, step + 1))
        assert browser.get(second.url("/resource/users/me")).status_code == 200

        # Every mail shows the code first, in both parts.
        requests.post(first.url("/identity/users/password/generate_code"), json={"email": "user@example.com"}, timeout=30)
        notice = mail_with(sink, "two-factor authentication was turned on")
        for subject in ("two-factor authentication was turned on", "a new API key was created", "reset your password"):
            mail = mail_with(sink, subject)
            assert text_part(mail).startswith(f"Your anti-phishing code: {CODE}\r\n"), (subject, text_part(mail)[:80])
            assert f"<p>Your anti-phishing code: {CODE}</p>" in html_part(mail), subject
        # The events carried it to the mailer; delivered, the rows keep it no more (never in model events).
        time.sleep(1)
        events = query(first, "SELECT name, payload FROM outbox ORDER BY id")
        assert not any(CODE in payload for name, payload in events), [name for name, payload in events if CODE in payload]
        for event in ("system.user.otp.enabled", "system.user.api_key.created", "system.user.password.reset.token"):
            assert any(name == event and '"anti_phishing_code":"<delivered>"' in payload for name, payload in events), event
        assert not any(CODE in " ".join(row) for row in query(first, "SELECT action, COALESCE(data, '') FROM activities"))

        # The link from the mail freezes: sessions on both instances end, the key is refused.
        token = token_from(notice, "freeze_token")
        assert f"/accounts/freeze?freeze_token={token}" in html_part(notice)
        frozen = requests.post(first.url("/identity/users/freeze"), json={"token": token}, timeout=30)
        assert (frozen.status_code, frozen.json()) == (201, {}), frozen.text
        assert browser.get(second.url("/resource/users/me")).status_code == 401
        assert owner.get(first.url("/resource/users/me")).status_code == 401
        later = str(int(time.time() * 1000) + 5)
        refused = requests.get(first.authorize_base + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, later))
        assert refused.status_code == 401, refused.text
        r = requests.post(first.url("/identity/sessions"), json={"email": "user@example.com", "password": STRONG,
                                                                 "otp_code": totp(secret, step + 2)}, timeout=30)
        assert r.json() == {"errors": ["identity.session.not_active"]}, r.text
        # No reset mail for a frozen account; the user cannot unfreeze themselves.
        before = len(sink.messages)
        requests.post(first.url("/identity/users/password/generate_code"), json={"email": "user@example.com"}, timeout=30)
        mail_with(sink, "your account is frozen")
        time.sleep(1)
        assert not any(m["message"]["Subject"].endswith("reset your password") for m in sink.messages[before:])
        assert requests.post(first.url("/identity/users/freeze"), json={"token": token}).status_code == 201, "frozen already: the same"
        rows = query(first, f"SELECT a.action, a.result FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = '{uid}' "
                            "AND a.action = 'freeze'")
        assert rows == [("freeze", "succeed")], rows

        # An operator's unfreeze lets the owner sign in; the key stays disabled.
        r = root.put(first.url("/admin/users"), json={"uid": uid, "state": "active"})
        assert r.status_code in (200, 201), r.text
        # Past the state check now: only the code question is left (each TOTP step works once).
        r = requests.post(first.url("/identity/sessions"), json={"email": "user@example.com", "password": STRONG}, timeout=30)
        assert r.json() == {"errors": ["identity.session.missing_otp"]}, r.text
        again = str(int(time.time() * 1000) + 9)
        assert requests.get(first.authorize_base + "/api/v2/peatio/account/balances",
                            headers=api_key_headers(kid, key_secret, again)).status_code == 401
        assert requests.post(first.url("/identity/users/freeze"), json={"token": token}).json() == {
            "errors": ["identity.user.utilized_token"]}, "the link works once"

        log = open(first.log_path).read() + (open(second.log_path).read() if second is not first else "")
        assert CODE not in log and token not in log
    finally:
        for server in pair or []:
            server.stop()
        sink.stop()


FIREFOX = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def test_a_new_browser_or_country_mails_once(make_server, tmp_path):
    from test_operations import GB, JP, write_mmdb
    sink = SMTPSink().start()
    try:
        server = make_server(env={**sink.env(), "BARONG_MAXMINDDB_PATH": write_mmdb(str(tmp_path / "country.mmdb"))})
        r = requests.post(server.url("/identity/users"), json={"email": "walker@example.com", "password": STRONG},
                          headers={"X-Forwarded-For": GB}, timeout=30)
        assert r.status_code == 201, r.text

        def browser(ip=GB):
            s = requests.Session()  # a cookie jar of its own: a browser
            s.headers.update({"X-Forwarded-For": ip, "User-Agent": FIREFOX})
            return s

        def sign_in(session):
            r = session.post(server.url("/identity/sessions"), json={"email": "walker@example.com", "password": STRONG}, timeout=30)
            assert r.status_code == 200, r.text
            return r

        def alerts():
            time.sleep(0.5)
            return [m for m in sink.messages if m["message"]["Subject"].endswith("new sign-in to your account")]

        laptop = browser()
        sign_in(laptop)  # the first sign-in after signup alerts nobody
        assert alerts() == []
        sign_in(laptop)
        assert alerts() == [], "the same browser never again"
        sign_in(browser())
        mail = mail_with(sink, "new sign-in to your account")
        text = text_part(mail)
        assert f"IP address: {GB} (GB)" in text and "Browser: Firefox 120 on Ubuntu" in text and "Signed in with: password" in text
        assert "freeze_token=" in text and "UTC" in text
        sign_in(laptop)
        assert len(alerts()) == 1
        traveller = browser(JP)
        traveller.cookies.update(laptop.cookies)  # the same device, from another country
        sign_in(traveller)
        assert len(alerts()) == 2 and f"IP address: {JP} (JP)" in text_part(alerts()[-1])
        events = query(server, "SELECT payload FROM outbox WHERE name = 'system.session.new_device' ORDER BY id")
        assert len(events) == 2 and '"user_ip_country":"JP"' in events[1][0]
    finally:
        sink.stop()


@pytest.mark.skipif(BACKEND != "postgres", reason="two instances share a database on PostgreSQL")
def test_no_session_outlives_a_freeze_raced_on_two_instances():
    from test_races import at_once
    first, second = start_shared_pair()
    try:
        r = requests.post(first.url("/identity/users"), json={"email": "root@example.com", "password": STRONG}, timeout=30)
        r = requests.post(first.url("/identity/users"), json={"email": "racer@example.com", "password": STRONG}, timeout=30)
        uid = r.json()["uid"]
        owner = session_on(first, "racer@example.com")

        def sign_in():
            return requests.post(second.url("/identity/sessions"), json={"email": "racer@example.com", "password": STRONG}, timeout=30)

        results = at_once(lambda: owner.post(first.url("/resource/users/freeze"), json={"password": STRONG}),
                          *[sign_in for _ in range(6)])
        assert results[0].status_code == 201, results[0].text
        alive = query(first, f"SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.uid = '{uid}'")
        assert alive == [("0",)], (alive, [r.status_code for r in results[1:]])
    finally:
        first.stop()
        second.stop()
