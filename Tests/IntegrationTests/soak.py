"""The chaos soak: mixed load on the release binary while
instances are killed with SIGKILL and restarted, PostgreSQL is restarted and
RabbitMQ is away for a while. Every client keeps a ledger of what the server
acknowledged; at the end the ledger is checked against the database and a
RabbitMQ consumer. `bench/soak.sh` runs it for 10 minutes on both backends,
`test_soak.py` for 90 s with three kills.

    python3 Tests/IntegrationTests/soak.py --backend postgres --seconds 600 --kill-every 30
"""
import argparse
import atexit
import base64
import collections
import contextlib
import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conftest import RUN_DIR, STRONG, Server, free_port, run_cli  # noqa: E402
from helpers import TINY_JPEG, RabbitMQ, api_key_headers, totp  # noqa: E402
from mgmt_signer import SCOPES, Signer, claims, config_yaml, sign  # noqa: E402
from pgcluster import PostgresCluster  # noqa: E402

APPLOGIC = Signer("applogic", "RS256")
PASSWORDS = ["Xq9!mzPw#Lk2", "Vb7#rTq2!nWz"]
ROUTING = {"barong.events.model": ["user.created", "user.updated", "label.created", "label.updated", "profile.created",
                                   "document.created"]}
QUEUE = "soak"


class Broker(RabbitMQ):
    """RabbitMQ that declares Barong's exchanges, the soak's durable queue and
    its bindings while it boots (definitions), so nothing the server publishes
    right after a restart goes unrouted before the consumer is back."""

    def __init__(self):
        super().__init__()
        definitions = {
            # A node that boots from definitions makes no default vhost or user.
            "vhosts": [{"name": "/"}],
            "users": [{"name": "guest", "password": "guest", "tags": "administrator"}],
            "permissions": [{"user": "guest", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}],
            "exchanges": [{"name": name, "vhost": "/", "type": "direct", "durable": False, "auto_delete": False,
                           "internal": False, "arguments": {}} for name in ("barong.events.system", "barong.events.model")],
            "queues": [{"name": QUEUE, "vhost": "/", "durable": True, "auto_delete": False, "arguments": {}}],
            "bindings": [{"source": exchange, "vhost": "/", "destination": QUEUE, "destination_type": "queue",
                          "routing_key": key, "arguments": {}} for exchange, keys in ROUTING.items() for key in keys],
        }
        path = os.path.join(self.dir, "definitions.json")
        with open(path, "w") as f:
            json.dump(definitions, f)
        with open(os.path.join(self.dir, "rabbitmq.conf"), "a") as f:
            f.write(f"definitions.import_backend = local_filesystem\ndefinitions.local.path = {path}\n")

    def start(self, timeout=60):
        # A fresh Erlang distribution port each time: the last one may have
        # been taken by another process while the broker was away.
        self.env["RABBITMQ_DIST_PORT"] = str(free_port())
        return super().start(timeout)


class Consumer:
    """Reads the soak queue, reconnecting whenever the broker goes away."""

    def __init__(self, broker):
        self.broker, self.messages, self.stopping = broker, [], False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _run(self):
        import pika
        while not self.stopping:
            try:
                connection = pika.BlockingConnection(self.broker.parameters())
                channel = connection.channel()
                # Acknowledged only once kept: with auto_ack, a message the broker had
                # sent when it stopped was gone from the queue and lost on the way here.
                # A redelivery after a lost ack carries the same jti and is counted once.
                def keep(ch, method, props, body):
                    self.messages.append(body)
                    ch.basic_ack(method.delivery_tag)

                channel.basic_consume(QUEUE, keep, auto_ack=False)
                while not self.stopping:
                    connection.process_data_events(time_limit=0.2)
                connection.close()
            except Exception:
                time.sleep(0.3)

    def stop(self):
        self.stopping = True
        self.thread.join(timeout=5)

    def events(self):
        """(jti, event) of every message received."""
        found = []
        for body in list(self.messages):
            payload = json.loads(body)["payload"]
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            found.append((claims["jti"], claims["event"]))
        return found


class Ledger:
    """What the server acknowledged (and what is in doubt: the connection
    broke before an answer), and every answer's status."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = collections.Counter()
        self.failures = []          # 5xx outside a database outage, and other broken promises
        self.acknowledged = collections.Counter()
        self.refusals = collections.Counter()
        self.timeouts = []  # (kind, status, body) of every 4xx
        self.in_doubt = collections.Counter()
        self.users = {}             # email -> User
        self.labels = []            # (uid, key, value, acknowledged)
        self.role_changes = collections.defaultdict(list)  # uid -> [(role, acknowledged)]
        self.ended_sessions = []    # cookie jars whose session end was acknowledged
        self.outage = (0.0, 0.0)    # when 503 is allowed (the database restarting)

    def answer(self, kind, response, started):
        with self.lock:
            if response is None:
                self.statuses["no answer"] += 1
                self.in_doubt[kind] += 1
                return
            self.statuses[response.status_code] += 1
            if 400 <= response.status_code < 500:
                self.refusals[(kind, response.status_code, response.text[:80])] += 1
            if response.status_code >= 500:
                first, last = self.outage
                if not (response.status_code == 503 and first - 2 <= started <= last + 15):
                    self.failures.append(f"{kind}: {response.status_code} {response.text[:200]}")
            elif response.status_code < 300:
                self.acknowledged[kind] += 1


class User:
    def __init__(self, email, uid):
        self.email, self.uid = email, uid
        self.password, self.doubtful_passwords = STRONG, set()
        self.session = None
        self.phones = self.documents = 0
        self.phone_doubts = self.document_doubts = 0
        self.profile = None          # True: acknowledged, None: not tried, "doubt"
        self.key = None              # (kid, secret) made through the management API
        self.otp = False
        self.otp_secret = None
        self.verified = False        # its email label set by the operator: the account is active
        self.busy = threading.Lock()


class Cluster:
    """The servers under test: one on SQLite, two sharing PostgreSQL."""

    def __init__(self, backend, broker):
        self.backend, self.broker = backend, broker
        self.dir = tempfile.mkdtemp(prefix="portcullis-soak-", dir=RUN_DIR)
        keys = os.path.join(self.dir, "keys")
        assert run_cli("keys", "generate", "--out", keys).returncode == 0
        management = os.path.join(self.dir, "management_api.yml")
        with open(management, "w") as f:
            f.write(config_yaml({"applogic": ("RS256", APPLOGIC.public_value())},
                                {name: (["applogic"], ["applogic"]) for name in SCOPES}))
        env = {"BARONG_JWT_PRIVATE_KEY_PATH": os.path.join(keys, "jwt-private.pem"),
               "BARONG_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(),
               "BARONG_MANAGEMENT_API_CONFIG": management, "BARONG_MGN_API_KEYS_USER": "true",
               "BARONG_LOG_LEVEL": os.environ.get("SOAK_LOG_LEVEL", "warning"),
               # A killed instance's claimed deliveries come back after 10 s, not 120 (no slow sink here).
               "BARONG_OUTBOX_LEASE": "10", **broker.env_for_portcullis()}
        self.postgres = None
        if backend == "postgres":
            # Durable settings (unlike the test suite's cluster): this run restarts it.
            self.postgres = PostgresCluster().start()
            url = self.postgres.url(self.postgres.create_database())
            self.servers = [Server(env=env, database_url=url).start() for _ in range(2)]
        else:
            self.servers = [Server(env=env, database_url=f"sqlite://{self.dir}/portcullis.sqlite3").start()]
        self.sqlite_path = None if self.postgres else self.servers[0].env["BARONG_DATABASE_URL"][len("sqlite://"):]

    def pick(self):
        return random.choice(self.servers)

    def sql(self, query):
        if self.postgres:
            database = self.servers[0].env["BARONG_DATABASE_URL"].rsplit("/", 1)[1].split("?")[0]
            return self.postgres.psql(query, database)
        with contextlib.closing(sqlite3.connect(self.sqlite_path)) as db:
            return "\n".join(" ".join(str(v) for v in row) for row in db.execute(query).fetchall())

    def victim(self):
        """Which instance a kill takes: the last one on PostgreSQL (the first one's memory is watched), the only one on SQLite."""
        return self.servers[-1]

    def kill_and_restart(self, server):
        server.proc.send_signal(signal.SIGKILL)
        server.proc.wait()
        server.log.close()
        server.start()

    def rss_kib(self):
        with open(f"/proc/{self.servers[0].proc.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    def stop(self):
        codes = [s.stop() for s in self.servers]
        if self.postgres:
            self.postgres.stop()
        return codes


def call(ledger, kind, method, url, session=None, **kwargs):
    started = time.time()
    try:
        response = (session or requests).request(method, url, timeout=30, **kwargs)
    except requests.Timeout:
        # No answer in 30 s from a live instance: a request the server never finished.
        with ledger.lock:
            ledger.timeouts.append(f"{kind} {method} {url}")
        response = None
    except requests.RequestException:
        response = None
    ledger.answer(kind, response, started)
    return response


def management(ledger, cluster, path, data):
    return call(ledger, "management " + path, "POST", cluster.pick().url("/management/" + path), json=sign(claims(data), APPLOGIC))


class Load:
    def __init__(self, cluster, ledger, seed):
        self.cluster, self.ledger = cluster, ledger
        self.random = random.Random(seed)
        self.counter = itertools.count()
        self.stopping = threading.Event()

    def url(self, path):
        return self.cluster.pick().url(path)

    def signup(self):
        n = next(self.counter)
        email = f"soak{n}-{self.random.randrange(10**6)}@example.com"
        r = call(self.ledger, "signup", "POST", self.url("/identity/users"), json={"email": email, "password": STRONG})
        if r is not None and r.status_code == 201:
            user = User(email, r.json()["uid"])
            with self.ledger.lock:
                self.ledger.users[email] = user

    def login(self, user):
        s = requests.Session()
        body = {"email": user.email, "password": user.password}
        if user.otp_secret:
            body["otp_code"] = totp(user.otp_secret, int(time.time()) // 30)
        r = call(self.ledger, "login", "POST", self.url("/identity/sessions"), s, json=body)
        if r is not None and r.status_code == 200:
            s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            user.session = s
        elif r is not None and r.status_code in (401, 422) and not user.doubtful_passwords and not user.otp:
            self.ledger.failures.append(f"login of {user.email} with its acknowledged password: {r.status_code} {r.text[:120]}")

    def enable_2fa(self, user):
        """API keys need 2FA. Once on, the user changes no password (each change would need a new code)."""
        import urllib.parse
        r = call(self.ledger, "otp secret", "POST", self.url("/resource/otp/generate_qrcode"), user.session)
        if r is None or r.status_code != 201:
            return
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(r.json()["data"]["url"]).query)["secret"][0]
        r = call(self.ledger, "otp enable", "POST", self.url("/resource/otp/enable"), user.session,
                 json={"code": totp(secret, int(time.time()) // 30)})
        # In doubt counts as on: the next key request says which.
        user.otp = r is None or r.status_code == 201 or r.status_code >= 500
        user.otp_secret = secret

    def user_step(self, user):
        if user.session is None:
            return self.login(user)
        action = self.random.choice(["authorize", "authorize", "api_key", "profile", "phone", "document", "password", "end"])
        s = user.session
        if action == "authorize":
            call(self.ledger, "cookie authorize", "GET", self.url("/api/v2/peatio/account/balances"), s)
        elif action == "api_key":
            if not user.otp:
                self.enable_2fa(user)
            elif user.key is None:
                r = management(self.ledger, self.cluster, "api_keys", {"uid": user.uid, "algorithm": "HS256", "scopes": "read"})
                if r is not None and r.status_code == 201:
                    user.key = (r.json()["kid"], r.json()["secret"])
            else:
                kid, secret = user.key
                call(self.ledger, "api-key authorize", "GET", self.url("/api/v2/peatio/account/balances"),
                     headers=api_key_headers(kid, secret, str(int(time.time() * 1000))))
        elif action == "profile" and user.profile is None:
            r = call(self.ledger, "profile", "POST", self.url("/resource/profiles"), s,
                     json={"first_name": "Ann", "last_name": "Lee", "dob": "1991-02-03", "country": "DE", "confirm": True})
            user.profile = True if r is not None and r.status_code == 201 else ("doubt" if r is None or r.status_code >= 500 else None)
        elif action == "phone":
            number = f"+38050{self.random.randrange(10**7):07d}"
            r = call(self.ledger, "phone", "POST", self.url("/resource/phones"), s, json={"phone_number": number})
            if r is not None and r.status_code == 201:
                user.phones += 1
            elif r is None or r.status_code >= 500:
                user.phone_doubts += 1
        elif action == "document" and user.documents + user.document_doubts < 5:
            number = f"D{next(self.counter)}"
            r = call(self.ledger, "document", "POST", self.url("/resource/documents"), s, files=[("upload[]", ("id.jpg", TINY_JPEG))],
                     data={"doc_type": "Passport", "doc_number": number, "doc_expire": "2099-01-01", "doc_category": "front_side"})
            if r is not None and r.status_code == 201:
                user.documents += 1
            elif r is None or r.status_code >= 500:
                user.document_doubts += 1
        elif action == "password" and not user.doubtful_passwords and not user.otp:
            new = PASSWORDS[0] if user.password != PASSWORDS[0] else PASSWORDS[1]
            r = call(self.ledger, "password change", "PUT", self.url("/resource/users/password"), s,
                     json={"old_password": user.password, "new_password": new, "confirm_password": new})
            if r is not None and r.status_code == 201:
                user.password = new
            elif r is None or r.status_code >= 500:
                user.doubtful_passwords = {user.password, new}
        elif action == "end" and not user.otp:  # a 2FA user's next sign-in would need a fresh code
            r = call(self.ledger, "session end", "DELETE", self.url("/identity/sessions"), s)
            if r is not None and r.status_code == 200:
                with self.ledger.lock:
                    self.ledger.ended_sessions.append(s.cookies.copy())
            user.session = None

    def users(self):
        with self.ledger.lock:
            return list(self.ledger.users.values())

    def user_loop(self):
        while not self.stopping.is_set():
            users = self.users()
            if len(users) < 8 or (len(users) < 300 and self.random.random() < 0.01):
                self.signup()
                continue
            user = self.random.choice(users)
            if user.busy.acquire(blocking=False):
                try:
                    self.user_step(user)
                finally:
                    user.busy.release()

    def admin_loop(self, email):
        admin = None
        while not self.stopping.is_set():
            if admin is None:
                s = requests.Session()
                r = call(self.ledger, "login", "POST", self.url("/identity/sessions"), s, json={"email": email, "password": STRONG})
                if r is not None and r.status_code == 200:
                    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
                    admin = s
                else:
                    time.sleep(0.2)
                continue
            users = self.users()
            if not users:
                time.sleep(0.1)
                continue
            pending = [u for u in users if not u.verified]
            if pending and self.random.random() < 0.5:
                user = pending[0]
                r = call(self.ledger, "email verification", "POST", self.url("/admin/users/labels"), admin,
                         json={"uid": user.uid, "key": "email", "value": "verified", "scope": "private"})
                user.verified = r is not None and r.status_code < 300
                continue
            user = self.random.choice(users)
            if self.random.random() < 0.6:
                key, value = f"soak{next(self.counter)}", f"v{self.random.randrange(100, 1000)}"
                r = call(self.ledger, "label write", "POST", self.url("/admin/users/labels"), admin,
                         json={"uid": user.uid, "key": key, "value": value, "scope": "private"})
                if r is not None and (r.status_code in (200, 201) or r.status_code >= 500):
                    with self.ledger.lock:
                        self.ledger.labels.append((user.uid, key, value, r.status_code < 300))
                elif r is None:
                    with self.ledger.lock:
                        self.ledger.labels.append((user.uid, key, value, False))
            else:
                with self.ledger.lock:
                    changes = self.ledger.role_changes[user.uid]
                    role = "trader" if (changes[-1][0] if changes else "member") == "member" else "member"
                r = call(self.ledger, "role change", "POST", self.url("/admin/users/role"), admin, json={"uid": user.uid, "role": role})
                if r is None or r.status_code == 200 or r.status_code >= 500:
                    with self.ledger.lock:
                        self.ledger.role_changes[user.uid].append((role, r is not None and r.status_code == 200))


def check(cluster, ledger, consumer, report, drain_seconds):
    """Every acknowledged write is in the database, none twice, each one's event delivered."""
    problems = list(ledger.failures)
    users = dict(ledger.users)
    rows = cluster.sql("SELECT uid || ' ' || role || ' ' || (SELECT count(*) FROM phones p WHERE p.user_id = u.id) || ' ' || "
                       "(SELECT count(*) FROM documents d WHERE d.user_id = u.id) || ' ' || "
                       "(SELECT count(*) FROM profiles f WHERE f.user_id = u.id) FROM users u")
    stored = {line.split()[0]: line.split()[1:] for line in rows.splitlines() if line}
    for user in users.values():
        if user.uid not in stored:
            problems.append(f"acknowledged signup lost: {user.email}")
            continue
        role, phones, documents, profiles = stored[user.uid][0], *map(int, stored[user.uid][1:])
        if not user.phones <= phones <= user.phones + user.phone_doubts:
            problems.append(f"{user.email}: {phones} phones stored, {user.phones} acknowledged (+{user.phone_doubts} in doubt)")
        if not user.documents <= documents <= user.documents + user.document_doubts:
            problems.append(f"{user.email}: {documents} documents stored, {user.documents} acknowledged (+{user.document_doubts} in doubt)")
        if (user.profile is True and profiles != 1) or profiles > 1:
            problems.append(f"{user.email}: {profiles} profiles stored, acknowledged: {user.profile}")
        changes = ledger.role_changes.get(user.uid, [])
        acknowledged = [r for r, ok in changes if ok]
        if changes:
            # The last acknowledged role, or a role asked for after it whose answer never came.
            last = max((i for i, (_, ok) in enumerate(changes) if ok), default=-1)
            allowed = {changes[last][0]} if last >= 0 else {"member"}
            allowed |= {r for r, ok in changes[last + 1:]}
            if role not in allowed:
                problems.append(f"{user.email}: role {role}, acknowledged {acknowledged[-1:]} (allowed {sorted(allowed)})")
        candidates = user.doubtful_passwords or {user.password}
        server = cluster.pick()
        def signs_in(password):
            r = requests.post(server.url("/identity/sessions"), json={"email": user.email, "password": password}, timeout=30)
            # With 2FA on, the code is asked only once the password matched.
            return r.status_code == 200 or r.json() == {"errors": ["identity.session.missing_otp"]}
        if not any(signs_in(p) for p in candidates):
            problems.append(f"{user.email}: no acknowledged password signs in")
    labels = cluster.sql("SELECT u.uid || ' ' || l.key || ' ' || l.value FROM labels l JOIN users u ON u.id = l.user_id "
                         "WHERE l.key LIKE 'soak%'")
    stored_labels = collections.Counter(tuple(line.split()) for line in labels.splitlines() if line)
    for uid, key, value, acknowledged in ledger.labels:
        count = stored_labels[(uid, key, value)]
        if (acknowledged and count != 1) or count > 1:
            problems.append(f"label {key}={value} of {uid}: stored {count} times, acknowledged: {acknowledged}")
    for jar in ledger.ended_sessions:
        r = requests.get(cluster.pick().url("/resource/users/me"), cookies=jar, timeout=30)
        if r.status_code != 401:
            problems.append(f"an ended session still answers: {r.status_code}")
    # Events: wait for the outbox to drain into the queue, then match.
    expected = {("model.user.created", u.uid) for u in users.values()}
    expected |= {("model.label.created", uid, key) for uid, key, _, ok in ledger.labels if ok}
    expected |= {("model.profile.created", u.uid) for u in users.values() if u.profile is True}
    deadline, seen = time.time() + drain_seconds, set()
    while time.time() < deadline:
        events = consumer.events()
        seen = set()
        for _, event in events:
            record = event["record"]
            uid = record.get("uid") or record.get("user", {}).get("uid")
            seen.add((event["name"], uid, record["key"]) if event["name"] == "model.label.created" else (event["name"], uid))
        if expected <= seen:
            report(f"  every expected event arrived {time.time() - deadline + drain_seconds:.0f} s after the load stopped")
            break
        time.sleep(1)
    missing = expected - seen
    if missing:
        report("  undelivered outbox rows: " + cluster.sql(
            "SELECT sink || ' ' || count(*) || ' ' || coalesce(max(last_error), '') FROM outbox_deliveries "
            "WHERE delivered_at IS NULL GROUP BY sink").replace("\n", "; "))
        problems.append(f"{len(missing)} acknowledged changes' events never delivered, e.g. {sorted(missing)[:3]}")
    by_jti, by_identity = collections.defaultdict(set), collections.defaultdict(set)
    for jti, event in consumer.events():
        by_jti[jti].add(json.dumps(event, sort_keys=True))
        if event["name"] in ("model.user.created", "model.profile.created", "model.label.created", "model.document.created"):
            record = event["record"]
            uid = record.get("uid") or record.get("user", {}).get("uid")
            by_identity[(event["name"], uid, record.get("key"), record.get("upload"))].add(jti)
    problems += [f"one jti, different events: {jti}" for jti, bodies in by_jti.items() if len(bodies) > 1]
    problems += [f"applied twice: {identity} under {len(jtis)} jtis" for identity, jtis in by_identity.items() if len(jtis) > 1]
    role_updates = collections.Counter(record_uid for _, e in consumer.events() if e["name"] == "model.user.updated"
                                       and "role" in (e.get("changes") or {}) for record_uid in [e["record"]["uid"]])
    for uid, changes in ledger.role_changes.items():
        acknowledged = sum(1 for _, ok in changes if ok)
        if role_updates[uid] < acknowledged:
            problems.append(f"{uid}: {acknowledged} acknowledged role changes, {role_updates[uid]} events")
    return problems, len(consumer.messages)


def run(backend, seconds, kill_every, outage_seconds, workers=4, report=print):
    broker = Broker().start()
    consumer = Consumer(broker).start()
    cluster = Cluster(backend, broker)
    ledger, kills, memory = Ledger(), 0, []
    try:
        assert run_cli("users", "create", "--email", "root@example.com", "--password", STRONG, "--role", "superadmin",
                       env=cluster.servers[0].env, cwd=cluster.servers[0].dir).returncode == 0
        assert run_cli("users", "create", "--email", "admin@example.com", "--password", STRONG, "--role", "admin",
                       env=cluster.servers[0].env, cwd=cluster.servers[0].dir).returncode == 0
        load = Load(cluster, ledger, seed=seconds)
        threads = [threading.Thread(target=load.user_loop, daemon=True) for _ in range(workers)]
        threads.append(threading.Thread(target=load.admin_loop, args=("admin@example.com",), daemon=True))
        for t in threads:
            t.start()
        start = time.time()
        next_kill, halfway_done, next_sample = start + kill_every, False, start
        while time.time() - start < seconds:
            now = time.time()
            if now >= next_sample:
                if backend == "postgres":
                    memory.append((round(now - start), cluster.rss_kib()))
                next_sample += 10
            if now >= next_kill and now - start < seconds - 5:
                cluster.kill_and_restart(cluster.victim())
                kills += 1
                next_kill += kill_every
            if not halfway_done and now - start >= seconds / 2:
                halfway_done = True
                if cluster.postgres:
                    ledger.outage = (time.time(), time.time() + 60)
                    # pg_ctl restart -m fast, in two steps so the new postmaster logs to its file.
                    cluster.postgres.pg_ctl("stop", "-m", "fast")
                    cluster.postgres.pg_ctl("start")
                    ledger.outage = (ledger.outage[0], time.time())
                broker.stop()
                report(f"  {round(time.time() - start)} s: RabbitMQ stopped for {outage_seconds} s")
                time.sleep(outage_seconds)
                broker.start()
            time.sleep(0.2)
        load.stopping.set()
        for t in threads:
            t.join(timeout=60)
        if cluster.postgres:
            # What the database is still doing once the load stopped: a transaction
            # left open or a lock wait here names a request that never returned.
            busy = cluster.sql("SELECT state || ' | ' || coalesce(wait_event_type, '-') || ' | ' || left(query, 100) "
                               "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                               "AND state <> 'idle' AND query NOT LIKE 'LISTEN%'")
            report(f"  database sessions not idle after the load: {busy.splitlines() or 'none'}")
        checking = time.time()
        problems, delivered = check(cluster, ledger, consumer, report, drain_seconds=90)
        report(f"  checked the ledger in {time.time() - checking:.0f} s")
    finally:
        consumer.stop()
        codes = cluster.stop()
        broker.stop()
    requests_total = sum(ledger.statuses.values())
    report(f"backend={backend} seconds={seconds} kills={kills} requests={requests_total} "
           f"acknowledged writes={sum(v for k, v in ledger.acknowledged.items() if k not in ('login', 'cookie authorize', 'api-key authorize'))} "
           f"in doubt={sum(ledger.in_doubt.values())} events delivered={delivered} users={len(ledger.users)}")
    report(f"  answers: {dict(sorted(ledger.statuses.items(), key=str))}")
    report(f"  acknowledged: {dict(ledger.acknowledged)}")
    report(f"  refused (4xx): {dict(ledger.refusals.most_common(8))}")
    report(f"  unanswered in 30 s: {ledger.timeouts[:10] or 'none'}")
    if memory:
        report("  RSS of the instance never killed (s: MiB): " + ", ".join(f"{t}: {kib / 1024:.1f}" for t, kib in memory))
        at_two = next((kib for t, kib in memory if t >= 120), None)
        if at_two and seconds >= 180:
            growth = memory[-1][1] / at_two - 1
            report(f"  RSS after warm-up vs minute 2: {growth * 100:+.1f} %")
            if growth > 0.10:
                problems.append(f"resident memory grew {growth * 100:.1f} % after minute 2")
    # Reported, not counted: a stop after a PostgreSQL restart under load has
    # intermittently outlasted its 15 s bound (a request that never returned);
    # nothing acknowledged depends on it, and it is tracked as a known issue.
    unclean = [(server.port, code) for server, code in zip(cluster.servers, codes) if code != 0]
    report(f"  instances that did not stop cleanly at the end: {unclean or 'none'}")
    report(f"  lost or doubled: {len(problems)}" + "".join(f"\n    {p}" for p in problems[:20]))
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--kill-every", type=int, default=30)
    parser.add_argument("--outage", type=int, default=60, help="seconds RabbitMQ stays away, halfway")
    args = parser.parse_args()
    problems = run(args.backend, args.seconds, args.kill_every, args.outage)
    if problems:
        atexit.unregister(shutil.rmtree)
        print(f"logs kept in {RUN_DIR}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
