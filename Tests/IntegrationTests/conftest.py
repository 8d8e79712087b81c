"""Integration fixtures: the real release binary on a free loopback port,
with a temporary data directory and a database of its own per server:
a SQLite file, or with PORTCULLIS_TEST_BACKEND=postgres a new database in a
PostgreSQL cluster this run starts (and stops) itself."""
import atexit
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest
import requests

from pgcluster import PostgresCluster

BIN = os.environ.get("PORTCULLIS_BIN", os.path.abspath(".build/release/portcullis"))
STRONG = "Xq9!mzPw#Lk2"
BACKEND = os.environ.get("PORTCULLIS_TEST_BACKEND", "sqlite")
# Every server's and CLI run's directory lives here, removed when the run ends.
RUN_DIR = tempfile.mkdtemp(prefix="portcullis-it-run-")
atexit.register(shutil.rmtree, RUN_DIR, True)
assert BACKEND in ("sqlite", "postgres"), BACKEND
_cluster = None


def postgres_cluster():
    """The run's PostgreSQL cluster, started on first use (fsync off: a test run needs no durability)."""
    global _cluster
    if _cluster is None:
        _cluster = PostgresCluster(settings={"fsync": "off", "synchronous_commit": "off"}).start()
    return _cluster


def new_database_url(directory):
    if BACKEND == "postgres":
        cluster = postgres_cluster()
        return cluster.url(cluster.create_database())
    return f"sqlite://{directory}/portcullis.sqlite3"


@pytest.fixture(scope="session", autouse=True)
def _stop_postgres():
    yield
    if _cluster is not None:
        _cluster.stop()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The release binary on free loopback ports. `gateway=True` adds the
    gateway listener (authorize_listen) on a port of its own: `gateway_port`,
    `authorize_base`; without it both name the main listener."""

    def __init__(self, env=None, config=None, database_url=None, gateway=False):
        self.dir = tempfile.mkdtemp(prefix="portcullis-it-", dir=RUN_DIR)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v2/auth"
        self.gateway_port = free_port() if gateway else self.port
        self.authorize_base = f"http://127.0.0.1:{self.gateway_port}/api/v2/auth"
        self.log_path = os.path.join(self.dir, "server.log")
        self.env = dict(os.environ)
        self.env.update({
            "BARONG_LISTEN_PORT": str(self.port),
            "BARONG_DATABASE_URL": database_url or new_database_url(self.dir),
            "BARONG_DATA_DIR": os.path.join(self.dir, "data"),
            "BARONG_BCRYPT_COST": "4",
        })
        if gateway:
            self.env["BARONG_AUTHORIZE_LISTEN"] = f"127.0.0.1:{self.gateway_port}"
        self.env.update(env or {})
        self.args = [BIN, "serve"]
        if config:
            path = os.path.join(self.dir, "config.json")
            with open(path, "w") as f:
                f.write(config)
            self.args += ["--config", path]
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args, cwd=self.dir, env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.logs()}")
            try:
                if requests.get(self.base + "/public/ping", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not answer /public/ping in 30 s")

    def stop(self):
        """SIGTERM and wait: a graceful stop exits 0."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def url(self, path):
        return self.base + path

    def sql(self, query):
        """One value-per-line answer from this server's PostgreSQL database."""
        database = self.env["BARONG_DATABASE_URL"].rsplit("/", 1)[1].split("?")[0]
        return postgres_cluster().psql(query, database)

    def uploads(self):
        """{name: md5 of the bytes} of every uploaded file this server stored:
        rows of `uploads` on PostgreSQL, files under upload_path on SQLite."""
        url = self.env["BARONG_DATABASE_URL"]
        if url.startswith("postgres://"):
            rows = self.sql("SELECT name || ' ' || md5(bytes) FROM uploads")
            return dict(line.split(" ") for line in rows.splitlines() if line)
        directory = os.path.join(self.dir, self.env.get("BARONG_UPLOAD_PATH", "uploads"))
        if not os.path.isdir(directory):
            return {}
        return {name: hashlib.md5(open(os.path.join(directory, name), "rb").read()).hexdigest()
                for name in os.listdir(directory)}


@pytest.fixture
def server():
    s = Server().start()
    yield s
    assert s.stop() == 0, s.logs()


@pytest.fixture
def make_server():
    started = []

    def make(**kwargs):
        s = Server(**kwargs).start()
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


def start_shared_pair(env=None):
    """Two started instances on one new database with one signing key and one
    encryption key (and `env` on both)."""
    import base64
    keys = tempfile.mkdtemp(prefix="portcullis-keys-", dir=RUN_DIR)
    assert run_cli("keys", "generate", "--out", keys).returncode == 0
    shared = {"BARONG_JWT_PRIVATE_KEY_PATH": os.path.join(keys, "jwt-private.pem"),
              "BARONG_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode(), **(env or {})}
    url = new_database_url(None)
    return [Server(env=shared, database_url=url).start() for _ in range(2)]


@pytest.fixture
def shared_pair():
    pair = start_shared_pair()
    yield pair
    for s in pair:
        s.stop()


def run_cli(*args, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([BIN, *args], cwd=cwd or tempfile.mkdtemp(prefix="portcullis-cli-", dir=RUN_DIR),
                          env=full_env, capture_output=True, text=True, timeout=60)
