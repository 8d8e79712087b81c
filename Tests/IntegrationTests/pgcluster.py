"""A throwaway PostgreSQL cluster on loopback, from Debian's postgresql
package: initdb into a temp dir, a free port, password authentication, one
new database per Portcullis server. initdb and pg_ctl refuse root, so as
root they run as the `postgres` user."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid

PASSWORD = "pc-test-secret"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    def __init__(self, settings=None):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            raise RuntimeError("PostgreSQL is not installed (make test-deps installs Debian's postgresql)")
        self.bin = os.path.dirname(binaries[-1])
        self.dir = tempfile.mkdtemp(prefix="portcullis-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        self.settings = settings or {}
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args):
        subprocess.run([*self.as_postgres, *args], check=True, capture_output=True, text=True)

    def start(self):
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        pwfile = os.path.join(self.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(PASSWORD)
        if self.as_postgres:
            shutil.chown(pwfile, "postgres")
        self._run(f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=scram-sha-256",
                  f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8")
        self.pg_ctl("start")
        return self

    def pg_ctl(self, action, *args):
        """start (with this cluster's port and settings) or stop, waiting until done."""
        options = f"-p {self.port} -k {self.dir} -h 127.0.0.1 -c max_connections=300"
        for key, value in self.settings.items():
            options += f" -c {key}={value}"
        extra = ["-o", options, "-l", os.path.join(self.dir, "log")] if action == "start" else []
        self._run(f"{self.bin}/pg_ctl", "-D", self.data, *extra, *args, "-w", action)

    def stop(self):
        try:
            self.pg_ctl("stop", "-m", "fast")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql, database="postgres"):
        env = dict(os.environ, PGPASSWORD=PASSWORD)
        r = subprocess.run(["psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                            "-U", "postgres", "-d", database, "-c", sql], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}")
        return r.stdout.strip()

    def create_database(self):
        name = "it_" + uuid.uuid4().hex[:12]
        self.psql(f"CREATE DATABASE {name}")
        return name

    def url(self, database):
        return f"postgres://postgres:{PASSWORD}@127.0.0.1:{self.port}/{database}?sslmode=disable"
