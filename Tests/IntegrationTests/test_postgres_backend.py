"""The PostgreSQL backend's failure modes: a database_url that cannot work
stops start-up at once with the reason, and a database that goes away
mid-run turns requests into 503 (never a hang) until it is back."""
import os
import time

import pytest
import requests

from conftest import BACKEND, STRONG, Server, run_cli
from pgcluster import PASSWORD, PostgresCluster

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL backend only")


@pytest.fixture
def own_cluster():
    """A cluster of this test's own, so stopping it disturbs no other test."""
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


def test_start_up_refuses_a_database_it_cannot_use(own_cluster):
    good = own_cluster.url(own_cluster.create_database())
    cases = {
        good.replace(PASSWORD, "wrong-password"): "password authentication failed",
        good.rsplit("/", 1)[0] + "/no_such_db?sslmode=disable": 'database "no_such_db" does not exist',
        good.replace(f":{own_cluster.port}/", ":1/"): "Connection refused",
    }
    for url, reason in cases.items():
        started = time.time()
        r = run_cli("migrate", env={"BARONG_DATABASE_URL": url})
        assert r.returncode == 1, r.stderr
        assert time.time() - started < 10, "fails fast instead of retrying forever"
        assert "cannot open the database" in r.stderr and reason in r.stderr, r.stderr
        assert "wrong-password" not in r.stderr and PASSWORD not in r.stderr, "no password in the logs"
    r = run_cli("migrate", env={"BARONG_DATABASE_URL": "postgres://localhost/db"})
    assert r.returncode == 64 and "database_url: has no user name" in r.stderr


def test_a_database_outage_is_a_503_and_service_resumes(own_cluster):
    server = Server(database_url=own_cluster.url(own_cluster.create_database()), env={"BARONG_DATABASE_WAIT": "2"}).start()
    try:
        browser = requests.Session()
        r = browser.post(server.url("/identity/users"), json={"email": "up@example.com", "password": STRONG})
        assert r.status_code == 201, r.text
        own_cluster.pg_ctl("stop", "-m", "fast")
        time.sleep(2.5)  # past auth_cache_ttl: the next read needs the database
        started = time.time()
        r = browser.get(server.url("/resource/users/me"))
        assert r.status_code == 503 and r.json() == {"errors": ["server.database_unavailable"]}
        assert time.time() - started < 4, "database_wait = 2 bounds the wait"
        r = requests.post(server.url("/identity/users"), json={"email": "down@example.com", "password": STRONG})
        assert r.status_code == 503 and r.json() == {"errors": ["server.database_unavailable"]}
        own_cluster.pg_ctl("start")
        deadline = time.time() + 20
        while time.time() < deadline:
            r = browser.get(server.url("/resource/users/me"))
            if r.status_code == 200:
                break
            time.sleep(0.5)
        assert r.status_code == 200 and r.json()["email"] == "up@example.com"
        r = requests.post(server.url("/identity/users"), json={"email": "down@example.com", "password": STRONG})
        assert r.status_code == 201 and r.json()["email"] == "down@example.com", \
            "the refused signup left nothing behind and can be repeated"
    finally:
        assert server.stop() == 0, server.logs()


def test_instances_starting_together_migrate_once(own_cluster):
    """Four `migrate` runs at once on an empty database: all succeed, each migration is applied once."""
    import subprocess

    from conftest import BIN
    database = own_cluster.create_database()
    env = dict(os.environ, BARONG_DATABASE_URL=own_cluster.url(database))
    runs = [subprocess.Popen([BIN, "migrate"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(4)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * 4, outputs
    applied = [int(line.split("applied=")[1].split()[0]) for out in outputs for line in out.splitlines()
               if "migrations up to date" in line]
    names = own_cluster.psql("SELECT name FROM schema_migrations ORDER BY name", database).splitlines()
    assert sum(applied) == len(names) and len(names) >= 5, (applied, names)
    assert names == sorted(set(names))
