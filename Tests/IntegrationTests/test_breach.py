"""Breached passwords against the real binary (takeover.md §P): the range
API is a local fake that records every request — only 5 hex characters of
the SHA-1 leave the server, with the padding header; a silent one is timed
out and the fail-open rule decides, logged and counted in metrics; the
`file` list refuses a breached password and flags a sign-in with one, whose
advisory mail (with the freeze link) is sent once — also when two
instances see the sign-ins at once (PostgreSQL)."""
import hashlib
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from conftest import BACKEND, STRONG, free_port, run_cli, start_shared_pair
from helpers import SMTPSink, token_from
from test_admin import query
from test_races import at_once

BREACHED = "Correct-Horse-9!"
ADVICE = "your password appears in a data breach"


def sha1(password):
    return hashlib.sha1(password.encode()).hexdigest().upper()


class FakeRangeAPI:
    """`GET /range/<prefix>`: the suffixes of `breached` under that prefix,
    then padding lines (count 0). `delay` seconds before any answer."""

    def __init__(self, breached=(), delay=0.0):
        self.requests = []
        self.delay = delay
        self.hashes = {sha1(p): n for p, n in breached}
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                api.requests.append((self.path, dict(self.headers)))
                time.sleep(api.delay)
                prefix = self.path.rsplit("/", 1)[-1]
                lines = [f"{h[5:]}:{n}" for h, n in api.hashes.items() if h.startswith(prefix)]
                lines += [f"{os.urandom(18).hex().upper()[:35]}:0" for _ in range(40)]
                body = "\r\n".join(lines).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:
                    pass  # the server gave up on a slow answer

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self):
        self.http.shutdown()


def range_env(api, **extra):
    return {"BARONG_PASSWORD_BREACH_CHECK": "range", "BARONG_PASSWORD_BREACH_API_URL": api.url, **extra}


def signup(server, email, password):
    return requests.post(server.url("/identity/users"), json={"email": email, "password": password}, timeout=30)


def test_the_range_api_sees_five_hex_characters_and_the_padding_header(make_server):
    api = FakeRangeAPI(breached=[(BREACHED, 7)])
    try:
        server = make_server(env=range_env(api))
        r = signup(server, "a@example.com", BREACHED)
        assert r.status_code == 422 and r.json() == {"errors": ["password.breached"]}, r.text
        r = signup(server, "b@example.com", STRONG)
        assert r.status_code == 201, r.text
        r = requests.post(server.url("/identity/password/validate"), json={"password": BREACHED})
        assert r.status_code == 201 and r.json()["breached"] is True, r.text
        r = requests.post(server.url("/public/password/validate"), json={"password": STRONG})
        assert r.json()["breached"] is False, r.text

        asked = [path for path, _ in api.requests]
        assert asked == [f"/range/{sha1(p)[:5]}" for p in (BREACHED, STRONG, BREACHED, STRONG)], asked
        for path, headers in api.requests:
            assert re.fullmatch(r"/range/[0-9A-F]{5}", path), path
            assert headers.get("Add-Padding") == "true", headers
            sent = path + repr(headers)
            for password in (BREACHED, STRONG):
                assert sha1(password)[5:] not in sent.upper() and password not in sent
        logs = server.logs()
        for password in (BREACHED, STRONG):
            assert password not in logs and sha1(password) not in logs.upper()
    finally:
        api.stop()


def metric(port, result):
    text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    pattern = r'portcullis_password_breach_checks_total\{(?=[^}]*result="%s")(?=[^}]*source="range")[^}]*\} (\d+)' % result
    found = re.search(pattern, text)
    return int(found.group(1)) if found else 0


def test_a_silent_range_api_fails_open_or_closed_as_configured(make_server):
    # It would call the password breached — after 3 s, far past the 300 ms allowed.
    api = FakeRangeAPI(breached=[(BREACHED, 7)], delay=3)
    try:
        ports = free_port(), free_port()
        fail_open = make_server(env=range_env(api, BARONG_PASSWORD_BREACH_TIMEOUT_MS="300",
                                              BARONG_METRICS_LISTEN=f"127.0.0.1:{ports[0]}"))
        fail_closed = make_server(env=range_env(api, BARONG_PASSWORD_BREACH_TIMEOUT_MS="300", BARONG_PASSWORD_BREACH_FAIL_OPEN="false",
                                                BARONG_METRICS_LISTEN=f"127.0.0.1:{ports[1]}"))
        r = signup(fail_open, "a@example.com", BREACHED)
        assert r.status_code == 201, "fail-open: accepted before the slow answer came " + r.text
        r = signup(fail_closed, "a@example.com", STRONG)
        assert r.status_code == 422 and r.json() == {"errors": ["password.breached"]}, "fail-closed: refused " + r.text
        r = requests.post(fail_closed.url("/identity/password/validate"), json={"password": STRONG})
        assert r.status_code == 201 and r.json()["breached"] is True, r.text
        assert metric(ports[0], "unavailable_open") == 1 and metric(ports[0], "breached") == 0
        assert metric(ports[1], "unavailable_closed") == 2
        assert "password breach list did not answer; accepting" in fail_open.logs()
        assert "password breach list did not answer; refusing" in fail_closed.logs()
    finally:
        api.stop()


def write_list(directory, passwords):
    """A sorted HASH:COUNT file: the passwords (count 3) among 20,000 fillers."""
    lines = [f"{hashlib.sha1(f'filler-{i}'.encode()).hexdigest().upper()}:5" for i in range(20000)]
    lines += [f"{sha1(p)}:3" for p in passwords]
    path = os.path.join(directory, "breached.txt")
    with open(path, "w") as f:
        f.write("\r\n".join(sorted(lines)) + "\r\n")
    return path


def sign_in(server, password):
    s = requests.Session()
    r = s.post(server.url("/identity/sessions"), json={"email": "user@example.com", "password": password}, timeout=30)
    return s, r


def test_a_sign_in_with_a_listed_password_is_flagged_and_mailed_once(make_server, tmp_path):
    sink = SMTPSink().start()
    pair = None
    try:
        env = {**sink.env(), "BARONG_PASSWORD_BREACH_CHECK": "file",
               "BARONG_PASSWORD_BREACH_FILE": write_list(str(tmp_path), [BREACHED])}
        if BACKEND == "postgres":
            pair = start_shared_pair(env)
            first, second = pair
        else:
            first = second = make_server(env=env)
        r = signup(first, "new@example.com", BREACHED)
        assert r.status_code == 422 and r.json() == {"errors": ["password.breached"]}, r.text
        # The operator's CLI sets what it is given: a password from before the list knew it.
        assert run_cli("users", "create", "--email", "user@example.com", "--password", BREACHED,
                       env=first.env, cwd=first.dir).returncode == 0

        # Two instances, four sign-ins at once: one advisory mail.
        answers = at_once(*[lambda s=s: sign_in(s, BREACHED) for s in (first, second, first, second)])
        for _, r in answers:
            assert r.status_code == 200 and r.json()["password_breached"] is True, r.text
        browser = answers[1][0]
        me = browser.get(second.url("/resource/users/me"))
        assert me.status_code == 200 and me.json()["password_breached"] is True, me.text
        deadline = time.time() + 15
        while time.time() < deadline and not [m for m in sink.messages if m["message"]["Subject"].endswith(ADVICE)]:
            time.sleep(0.05)
        advice = [m for m in sink.messages if m["message"]["Subject"].endswith(ADVICE)]
        assert len(advice) == 1, [m["message"]["Subject"] for m in sink.messages]
        assert token_from(advice[0], "freeze_token"), "the advice carries the freeze link"
        events = query(first, "SELECT COUNT(*) FROM outbox WHERE name = 'system.user.password.breached'")
        assert events == [("1",)], events

        browser.headers["X-CSRF-Token"] = answers[1][1].json()["csrf_token"]
        r = browser.put(second.url("/resource/users/password"),
                        json={"old_password": BREACHED, "new_password": STRONG, "confirm_password": STRONG})
        assert r.status_code == 201, r.text
        _, r = sign_in(first, STRONG)
        assert r.status_code == 200 and "password_breached" not in r.json(), r.text
    finally:
        for s in pair or []:
            s.stop()
        sink.stop()
