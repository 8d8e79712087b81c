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


class LoopbackServer:
    """A small HTTP server on a free loopback port, run in a thread."""

    def __init__(self, handler):
        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()

    def url(self):
        return f"http://127.0.0.1:{self.port}"


def send_json(handler, status, body):
    data = json.dumps(body).encode() if not isinstance(body, bytes) else body
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


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


class FakeRecaptcha(LoopbackServer):
    """siteverify: success when the response is 'good'; 'slow' sleeps 8 s."""

    def __init__(self):
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
                send_json(self, 200, body)

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)

    def url(self):
        return f"http://127.0.0.1:{self.port}/recaptcha/api/siteverify"


B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def changed_signature(token):
    """The JWT with one signature byte changed (its first character replaced)."""
    head, signature = token.rsplit(".", 1)
    return head + "." + ("B" if signature[0] == "A" else "A") + signature[1:]


def respelled_signature(token):
    """The same signature bytes spelled differently (an unused last bit set)."""
    return token[:-1] + B64URL[B64URL.index(token[-1]) ^ 1]


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


class EchoBackend(LoopbackServer):
    """The upstream behind nginx: answers 200 with the method, path and
    Authorization header it received, as JSON."""

    def __init__(self):
        self.hits = []
        backend = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _echo(self):
                length = int(self.headers.get("Content-Length", 0) or 0)
                if length:
                    self.rfile.read(length)
                record = {"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization")}
                backend.hits.append(record)
                body = json.dumps(record).encode()
                send_json(self, 200, body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _echo

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)


class Nginx:
    """A real nginx running deploy/nginx/portcullis.conf with the test's ports;
    `portcullis_port` may be a list: one upstream server line per instance.
    `authorize_port` (a port or a list) is where auth_request goes: the
    gateway listeners, or by default the main ones."""

    def __init__(self, directory, portcullis_port, backend_port, authorize_port=None):
        import os
        self.dir = directory
        self.port = free_port()
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "..", "..", "deploy", "nginx", "portcullis.conf")) as f:
            site = f.read()
        ports = portcullis_port if isinstance(portcullis_port, list) else [portcullis_port]
        servers = "\n    ".join(f"server 127.0.0.1:{p};" for p in ports)
        authorize = authorize_port or ports
        authorize = authorize if isinstance(authorize, list) else [authorize]
        site = (site.replace("server 127.0.0.1:8002;", "\n    ".join(f"server 127.0.0.1:{p};" for p in authorize))
                    .replace("server 127.0.0.1:8001;", servers)
                    .replace("server 127.0.0.1:9000;", f"server 127.0.0.1:{backend_port};")
                    .replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{self.port};"))
        assert str(self.port) in site and all(str(p) in site for p in ports)
        with open(os.path.join(directory, "site.conf"), "w") as f:
            f.write(site)
        self.conf = os.path.join(directory, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(f"""
worker_processes 1;
daemon off;
pid {directory}/nginx.pid;
error_log {directory}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}; proxy_temp_path {directory}; fastcgi_temp_path {directory};
    uwsgi_temp_path {directory}; scgi_temp_path {directory};
    include {directory}/site.conf;
}}
""")
        self.proc = None

    def start(self):
        import subprocess
        self.proc = subprocess.Popen(["nginx", "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import socket
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + open(f"{self.dir}/error.log").read())

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"


def totp(secret_b32, step):
    import base64
    import hashlib
    import hmac
    import struct
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def enable_2fa(session, base_url, csrf):
    """Turns 2FA on for the session's user; returns (secret, the step whose code is still unused)."""
    import time
    import urllib.parse
    r = session.post(base_url + "/resource/otp/generate_qrcode", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(r.json()["data"]["url"]).query)["secret"][0]
    step = int(time.time()) // 30
    r = session.post(base_url + "/resource/otp/enable", json={"code": totp(secret, step - 1)}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    return secret, step


def api_key_headers(kid, secret, nonce):
    """The three headers of an HMAC-signed API-key request."""
    import hashlib
    import hmac
    signature = hmac.new(secret.encode(), (nonce + kid).encode(), hashlib.sha256).hexdigest()
    return {"X-Auth-Apikey": kid, "X-Auth-Nonce": nonce, "X-Auth-Signature": signature}


class FakeTwilio(LoopbackServer):
    """Twilio's Messages API on loopback: records each SMS; a number ending
    in 0000 gets Twilio's error 21614 (not a valid mobile number)."""

    def __init__(self):
        self.messages = []
        self.auth = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                fake.auth.append(self.headers.get("Authorization"))
                to = form.get("To", [""])[0]
                if "/Verifications" in self.path or "/VerificationCheck" in self.path:
                    fake.messages.append({"path": self.path, "to": to, "channel": form.get("Channel", [""])[0],
                                          "code": form.get("Code", [""])[0]})
                    approved = form.get("Code", [""])[0] == "777777"
                    status, body = 201, {"status": "approved" if approved else "pending"}
                elif to.endswith("0000"):
                    status, body = 400, {"code": 21614, "message": "not a mobile number"}
                else:
                    fake.messages.append({"path": self.path, "from": form.get("From", [""])[0], "to": to,
                                          "body": form.get("Body", [""])[0]})
                    status, body = 201, {"sid": "SM1", "status": "queued"}
                send_json(self, status, body)

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)



def tiny_png():
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


TINY_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c"
    "20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc0000b080001000101011100ffc4001f000001050101010101010000"
    "0000000000000102030405060708090a0bffc400b5100002010303020403050504040000017d01020300041105122131410613516107227114328191"
    "a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a"
    "737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8"
    "d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008010100003f00fbd3ffd9")

TINY_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 3 3]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


class FakeKYCAID(LoopbackServer):
    """KYCAID's API on loopback. Records every call (method, path, JSON body
    or the uploaded file) in `calls`; creates applicants, files, documents,
    addresses and verifications with ids like `doc-2`; serves the
    verifications a test puts in `verifications`. `down = True` answers
    503 to everything (an outage); `refuse[(method, path)] = status`
    answers that status while it is set."""

    def __init__(self):
        self.calls = []
        self.verifications = {}
        self.tokens = []
        self.down = False
        self.refuse = {}
        self.counter = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                fake.tokens.append(self.headers.get("Authorization"))
                path = self.path.rstrip("/")
                if fake.down:
                    return send_json(self, 503, {"error": "maintenance"})
                if (self.command, path) in fake.refuse:
                    return send_json(self, fake.refuse[(self.command, path)], {"type": "validation", "errors": [{"message": "no"}]})
                call = {"method": self.command, "path": path}
                if path == "/files":
                    call["file"] = fake.file_of(self.headers.get("Content-Type", ""), raw)
                elif raw:
                    call["body"] = json.loads(raw)
                fake.calls.append(call)
                if self.command == "GET":
                    key = path.rsplit("/", 1)[-1]
                    return send_json(self, 200, fake.verifications[key]) if key in fake.verifications else send_json(self, 404, {})
                fake.counter += 1
                kinds = {"/applicants": "applicant", "/files": "file", "/documents": "document", "/addresses": "address",
                         "/verifications": "verification"}
                if self.command == "PATCH" and path.startswith("/documents/"):
                    return send_json(self, 200, {"document_id": path.rsplit("/", 1)[-1]})
                if path in kinds:
                    kind = kinds[path]
                    ident = f"{kind[:3] if kind != 'applicant' else 'app'}-{fake.counter}"
                    return send_json(self, 201, {f"{kind}_id": ident})
                send_json(self, 404, {})

            do_GET = do_POST = do_PATCH = answer

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)

    @staticmethod
    def file_of(content_type, raw):
        """The one part of a multipart/form-data upload: its field, file name, type and bytes."""
        import email.parser
        import email.policy
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
        [part] = list(message.iter_parts())
        return {"field": part.get_param("name", header="content-disposition"), "filename": part.get_filename(),
                "content_type": part.get_content_type(), "bytes": part.get_payload(decode=True)}

    def of(self, method, path):
        return [c for c in self.calls if c["method"] == method and c["path"] == path]

    def url(self):
        return f"http://127.0.0.1:{self.port}/"


class RabbitMQ:
    """Debian's rabbitmq-server on free loopback ports, with a node name,
    data and logs of its own in a temp dir; stop() kills it, start() again
    reuses its data (for outage tests)."""

    def __init__(self):
        import os
        import tempfile
        self.dir = tempfile.mkdtemp(prefix="portcullis-rabbit-")
        self.port = free_port()
        self.node = f"ptest{self.port}@localhost"
        with open(os.path.join(self.dir, "enabled_plugins"), "w") as f:
            f.write("[].\n")
        with open(os.path.join(self.dir, "rabbitmq.conf"), "w") as f:
            f.write(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        self.env = dict(os.environ, HOME=self.dir, RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_NODENAME=self.node,
                        RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_DIST_PORT=str(free_port()),
                        RABBITMQ_MNESIA_BASE=os.path.join(self.dir, "mnesia"), RABBITMQ_LOG_BASE=os.path.join(self.dir, "log"),
                        RABBITMQ_ENABLED_PLUGINS_FILE=os.path.join(self.dir, "enabled_plugins"),
                        RABBITMQ_CONFIG_FILE=os.path.join(self.dir, "rabbitmq"),
                        ERL_CRASH_DUMP=os.path.join(self.dir, "erl_crash.dump"))
        self.proc = None

    def start(self, timeout=60):
        import socket
        import subprocess
        self.log = open(f"{self.dir}/server.out", "ab")
        self.proc = subprocess.Popen(["/usr/lib/rabbitmq/bin/rabbitmq-server"], env=self.env, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("rabbitmq-server exited: " + open(f"{self.dir}/server.out").read()[-3000:])
            try:
                import pika
                pika.BlockingConnection(self.parameters()).close()
                return self
            except Exception:
                time.sleep(0.3)
        raise RuntimeError("rabbitmq-server did not accept AMQP in time")

    def parameters(self):
        import pika
        return pika.ConnectionParameters("127.0.0.1", self.port, credentials=pika.PlainCredentials("guest", "guest"),
                                         connection_attempts=1, socket_timeout=5)

    def stop(self):
        import os
        import signal
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def env_for_portcullis(self):
        # Retries at most 3 s apart, so a test sees delivery soon after the broker returns.
        return {"BARONG_EVENT_API_RABBITMQ_HOST": "127.0.0.1", "BARONG_EVENT_API_RABBITMQ_PORT": str(self.port),
                "BARONG_OUTBOX_MAX_RETRY_DELAY": "3"}


class EventConsumer:
    """A pika consumer bound to both Barong exchanges (declared with Barong's
    flags), collecting every message in a thread."""

    def __init__(self, rabbit):
        import threading
        self.rabbit = rabbit
        self.messages = []
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.stopping = False

    def start(self):
        self.thread.start()
        assert self.ready.wait(30), "consumer did not start"
        return self

    def _run(self):
        import pika
        connection = pika.BlockingConnection(self.rabbit.parameters())
        channel = connection.channel()
        queue = channel.queue_declare("", exclusive=True).method.queue
        for exchange in ("barong.events.system", "barong.events.model"):
            channel.exchange_declare(exchange, exchange_type="direct", durable=False, auto_delete=False)
        self.channel, self.connection, self.queue = channel, connection, queue
        self.bound = set()
        self.ready.set()

        def on_message(ch, method, properties, body):
            self.messages.append({"exchange": method.exchange, "routing_key": method.routing_key,
                                  "properties": properties, "body": body})
        channel.basic_consume(queue, on_message, auto_ack=True)
        while not self.stopping:
            connection.process_data_events(time_limit=0.2)
        connection.close()

    def bind(self, exchange, key):
        """Direct exchanges route by exact key: bind each key a test expects."""
        self.connection.add_callback_threadsafe(lambda: self.channel.queue_bind(self.queue, exchange, routing_key=key))
        time.sleep(0.3)

    def wait_for(self, predicate, timeout=20, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in list(self.messages) if predicate(m)]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} matching messages, got {[m['routing_key'] for m in self.messages]}")

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)
