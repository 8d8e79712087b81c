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

    def __init__(self, port=None, credentials=None, tls=None, cert=None):
        """tls: None, "starttls" (required before MAIL) or "tls" (implicit); cert: (crt, key)."""
        self.tls = tls
        self.cert = cert
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
        if self.tls:
            import ssl
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*self.cert)
            if self.tls == "starttls":
                kwargs.update(tls_context=context, require_starttls=True)
            else:
                kwargs.update(ssl_context=context)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        if self.tls == "tls":
            # The Controller's readiness probe would wrap its socket with our
            # server context; probe as a TLS client instead.
            self.controller._trigger_server = self._tls_probe
        self.controller.start()
        return self

    def _tls_probe(self):
        import socket
        import ssl
        client = ssl.create_default_context()
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with client.wrap_socket(raw) as tls:
                tls.recv(1024)

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


def make_tls_files(directory):
    """A throwaway CA and a server certificate for localhost, made with openssl."""
    import os
    import subprocess
    ca_key, ca_crt = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    key, csr, crt = (os.path.join(directory, n) for n in ("server.key", "server.csr", "server.crt"))
    ext = os.path.join(directory, "ext.cnf")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_crt, "-days", "2",
        "-subj", "/CN=Portcullis Test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    run("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-out", crt, "-days", "2",
        "-extfile", ext)
    return ca_crt, crt, key
