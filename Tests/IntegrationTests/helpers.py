"""Real helper servers for integration tests: an SMTP sink (aiosmtpd) and a
fake reCAPTCHA siteverify endpoint, both on loopback."""
import email
import email.policy
import http.server
import json
import re
import threading
import time
import urllib.parse

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import free_port


class SMTPSink:
    """Collects every message it accepts; can require AUTH."""

    def __init__(self, port=None, credentials=None):
        self.port = port or free_port()
        self.messages = []
        self.auth_logins = []
        self.credentials = credentials
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({
            "from": envelope.mail_from,
            "to": list(envelope.rcpt_tos),
            "raw": envelope.original_content or envelope.content,
            "message": email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default),
        })
        return "250 OK"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            ok = (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
            if ok:
                self.auth_logins.append((mechanism, auth_data.login.decode()))
            return AuthResult(success=ok)
        return AuthResult(success=False)

    def start(self):
        kwargs = {}
        if self.credentials:
            kwargs = dict(authenticator=self._authenticate, auth_require_tls=False, auth_required=True)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mails, got {len(self.messages)}")

    def env(self):
        return {"BARONG_SMTP_HOST": "127.0.0.1", "BARONG_SMTP_PORT": str(self.port)}


def text_part(message):
    return message["message"].get_body(preferencelist=("plain",)).get_content()


def html_part(message):
    return message["message"].get_body(preferencelist=("html",)).get_content()


def token_from(message, parameter):
    match = re.search(parameter + r"=([^&\s]+)", text_part(message))
    assert match, text_part(message)
    return match.group(1)


class FakeRecaptcha:
    """siteverify: success when the response is 'good'; 'slow' sleeps 8 s."""

    def __init__(self):
        self.port = free_port()
        self.requests = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                sink.requests.append(form)
                response = form.get("response", [""])[0]
                if response == "slow":
                    time.sleep(8)
                body = json.dumps({"success": response == "good"}).encode()
                if response == "garbage":
                    body = b"<html>"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()

    def url(self):
        return f"http://127.0.0.1:{self.port}/recaptcha/api/siteverify"
