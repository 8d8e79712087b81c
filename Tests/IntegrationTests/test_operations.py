"""Day-two operations against the real binary: GeoIP from a .mmdb file built
here with mmdb-writer (activities and country/continent restrictions), the
Prometheus listener scraped and parsed with prometheus-client, and
`portcullis backup` while the server is writing, restored into a new
instance."""
import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
import requests
from mmdb_writer import MMDBWriter
from netaddr import IPSet
from prometheus_client.parser import text_string_to_metric_families

from conftest import BACKEND, STRONG, Server, free_port, postgres_cluster, run_cli

GB, JP, IT_V6, NOWHERE = "81.2.69.5", "1.0.16.9", "2a02:ff00::7", "192.0.2.44"


def write_mmdb(path):
    """A GeoLite2-Country-shaped file: three networks of known countries."""
    writer = MMDBWriter(ip_version=6, database_type="GeoLite2-Country", ipv4_compatible=True)
    writer.insert_network(IPSet(["81.2.69.0/24"]), {"country": {"iso_code": "GB"}, "continent": {"code": "EU"}})
    writer.insert_network(IPSet(["1.0.16.0/20"]), {"country": {"iso_code": "JP"}, "continent": {"code": "AS"}})
    writer.insert_network(IPSet(["2a02:ff00::/32"]), {"country": {"iso_code": "IT"}, "continent": {"code": "EU"}})
    writer.to_db_file(path)
    return path


@pytest.fixture
def geo_server(make_server, tmp_path):
    return make_server(env={"BARONG_MAXMINDDB_PATH": write_mmdb(str(tmp_path / "country.mmdb"))})


def from_ip(ip):
    s = requests.Session()
    s.headers["X-Forwarded-For"] = ip
    return s


def test_activities_carry_the_country_of_the_client_ip(geo_server):
    for email, ip, country in (("gb@example.com", GB, "GB"), ("it@example.com", IT_V6, "IT"),
                               ("none@example.com", NOWHERE, "")):
        browser = from_ip(ip)
        r = browser.post(geo_server.url("/identity/users"), json={"email": email, "password": STRONG})
        assert r.status_code == 201, r.text
        r = browser.get(geo_server.url("/resource/users/activity/all"))
        assert r.status_code == 200, r.text
        rows = [(a["user_ip"], a["user_ip_country"], a["action"]) for a in r.json()]
        assert rows == [(ip, country, "signup")], rows


def test_country_and_continent_restrictions_match(geo_server):
    admin = requests.Session()  # loopback: no country, so never restricted here
    r = admin.post(geo_server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    assert r.status_code == 201 and r.json()["role"] == "superadmin"
    admin.headers["X-CSRF-Token"] = r.json()["csrf_token"]

    def restrict(scope, value, category):
        r = admin.post(geo_server.url("/admin/restrictions"), json={"scope": scope, "value": value, "category": category})
        assert r.status_code == 200, r.text

    def ping(ip):
        r = from_ip(ip).get(geo_server.url("/public/ping"))
        return r.status_code, r.json()

    for ip in (GB, JP, IT_V6, NOWHERE):
        assert ping(ip)[0] == 200

    restrict("country", "jp", "blacklist")  # lower case: codes compare case-insensitively
    assert ping(JP) == (423, {"errors": ["authz.restrict.blacklist"]})
    assert ping(GB)[0] == 200 and ping(NOWHERE)[0] == 200

    restrict("continent", "EU", "maintenance")
    assert ping(GB) == (471, {"errors": ["authz.restrict.maintenance"]})
    assert ping(IT_V6) == (471, {"errors": ["authz.restrict.maintenance"]})
    assert ping(NOWHERE)[0] == 200, "an address the database does not know matches no country row"

    # The gateway path applies them too.
    r = from_ip(GB).get(geo_server.url("/api/v2/peatio/public/markets"))
    assert r.status_code == 471 and r.json() == {"errors": ["authz.restrict.maintenance"]}

    restrict("country", "GB", "whitelist")
    assert ping(GB)[0] == 200, "a whitelisted country ends the check"
    assert ping(IT_V6)[0] == 471


def test_without_a_database_country_rows_never_match(server):
    admin = requests.Session()
    r = admin.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    admin.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    r = admin.post(server.url("/admin/restrictions"), json={"scope": "country", "value": "GB", "category": "blacklist"})
    assert r.status_code == 200, r.text
    assert from_ip(GB).get(server.url("/public/ping")).status_code == 200
    r = admin.get(server.url("/resource/users/activity/all"))
    assert [a["user_ip_country"] for a in r.json()] == [""]


@pytest.mark.parametrize("content", [None, b"not a maxmind database" * 100])
def test_a_missing_or_corrupt_database_stops_start_up_naming_it(tmp_path, content):
    path = str(tmp_path / "country.mmdb")
    if content is not None:
        with open(path, "wb") as f:
            f.write(content)
    server = Server(env={"BARONG_MAXMINDDB_PATH": path})
    with pytest.raises(RuntimeError) as failure:
        server.start()
    server.stop()
    assert server.proc.returncode == 64
    assert f"maxminddb_path: '{path}'" in str(failure.value)


def scrape(port):
    r = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))))


def test_metrics_on_their_own_listener(make_server):
    port = free_port()
    # SMTP points at a closed port: the confirmation mail stays in the outbox.
    server = make_server(env={"BARONG_METRICS_LISTEN": f"127.0.0.1:{port}", "BARONG_SMTP_PORT": str(free_port())})
    r = requests.get(f"http://127.0.0.1:{server.port}/metrics")
    assert r.status_code == 404 and r.json() == {"errors": ["server.route_not_found"]}, "never on the API's address"
    assert requests.get(f"http://127.0.0.1:{port}/api/v2/auth/public/ping").status_code == 404

    r = requests.post(server.url("/identity/users"), json={"email": "first@example.com", "password": STRONG})
    assert r.status_code == 201 and r.json()["state"] == "active", "the first user: superadmin, needs no mail"
    browser = requests.Session()
    r = browser.post(server.url("/identity/users"), json={"email": "m@example.com", "password": STRONG})
    assert r.status_code == 201 and r.json()["state"] == "pending"
    r = browser.post(server.url("/identity/users"), json={"email": "m@example.com", "password": STRONG})
    assert r.status_code == 422
    for _ in range(2):
        r = requests.post(server.url("/identity/sessions"), json={"email": "m@example.com", "password": STRONG + "x"})
        assert r.status_code == 401
    r = browser.post(server.url("/identity/sessions"), json={"email": "m@example.com", "password": STRONG})
    assert r.status_code == 200
    for _ in range(3):
        assert browser.get(server.url("/resource/users/me")).status_code == 200
    assert browser.get(server.url("/api/v2/peatio/account/balances")).status_code == 200, "pending users pass"
    assert requests.get(server.url("/api/v2/peatio/account/balances")).status_code == 401
    assert requests.get(server.url("/api/v2/peatio/public/markets")).status_code == 200
    r = requests.post(server.url("/identity/users/email/generate_code"), json={"email": "m@example.com"})
    assert r.status_code == 201

    time.sleep(1.5)  # the outbox worker has tried (and failed) to deliver
    s = scrape(port)
    assert value(s, "portcullis_signups_total", result="succeed", reason="") == 2
    assert value(s, "portcullis_signups_total", result="failed", reason="email.taken") == 1
    assert value(s, "portcullis_logins_total", result="failed", reason="identity.session.invalid_params") == 2
    assert value(s, "portcullis_logins_total", result="succeed", reason="") == 1
    assert value(s, "portcullis_authorize_decisions_total", outcome="session", reason="") == 1
    assert value(s, "portcullis_authorize_decisions_total", outcome="pass", reason="") == 1
    assert value(s, "portcullis_authorize_decisions_total", outcome="refused", reason="authz.invalid_session") == 1
    me = dict(route="/api/v2/auth/resource/users/me", method="GET", status="200")
    assert value(s, "portcullis_http_requests_total", **me) == 3
    assert value(s, "portcullis_http_request_duration_seconds_count", **me) == 3
    assert value(s, "portcullis_http_request_duration_seconds_bucket", le="+Inf", **me) == 3
    assert value(s, "portcullis_http_requests_total", route="/api/v2/auth/identity/sessions", method="POST", status="401") == 2
    assert value(s, "portcullis_outbox_pending") >= 1
    assert value(s, "portcullis_outbox_oldest_age_seconds") >= 1
    assert value(s, "portcullis_bcrypt_queue_depth") == 0
    assert value(s, "portcullis_db_pool_wait_seconds_count") > 0
    hits = value(s, "portcullis_auth_cache_lookups_total", cache="session", result="hit") or 0
    misses = value(s, "portcullis_auth_cache_lookups_total", cache="session", result="miss") or 0
    assert hits + misses >= 4 and misses >= 1


def test_metrics_are_off_by_default(server):
    r = requests.get(f"http://127.0.0.1:{server.port}/metrics")
    assert r.status_code == 404 and r.json() == {"errors": ["server.route_not_found"]}


def test_a_bad_metrics_listen_stops_start_up():
    server = Server(env={"BARONG_METRICS_LISTEN": "9100"})
    with pytest.raises(RuntimeError) as failure:
        server.start()
    server.stop()
    assert server.proc.returncode == 64 and "metrics_listen" in str(failure.value)


@pytest.mark.skipif(BACKEND != "sqlite", reason="the SQLite backup; PostgreSQL uses pg_dump")
def test_backup_while_writing_restores_every_acknowledged_user(server, tmp_path):
    # Bulk rows so that the copy takes a while and the writers overlap it.
    with sqlite3.connect(server.env["BARONG_DATABASE_URL"][len("sqlite://"):]) as db:
        db.executemany("INSERT INTO activities (user_id, category, user_ip, user_ip_country, user_agent, topic, action,"
                       " result, data, created_at) VALUES (NULL, 'user', '10.0.0.1', '', ?, 'seed', 'seed', 'succeed',"
                       " NULL, 0)", [("x" * 400,) for _ in range(60_000)])
    before = []
    for n in range(5):
        email = f"before{n}@example.com"
        assert requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG}).status_code == 201
        before.append(email)

    during, stop = [], threading.Event()

    def write():
        n = 0
        while not stop.is_set():
            email = f"during{n}@example.com"
            r = requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG})
            assert r.status_code == 201, r.text
            during.append(email)
            n += 1

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.3)
    out = str(tmp_path / "backup.sqlite3")
    started = len(during)
    result = run_cli("backup", "--out", out, env=server.env, cwd=server.dir)
    finished = len(during)
    time.sleep(0.3)
    stop.set()
    writer.join()
    assert result.returncode == 0, result.stderr
    assert finished > started, "writes were acknowledged while the backup ran"
    assert result.stdout.startswith(f"backup written: {out} (")
    assert not os.path.exists(out + ".partial")
    assert run_cli("backup", "--out", out, env=server.env, cwd=server.dir).returncode == 64, "never overwrites"

    # Restore as docs/operating.md says: the copy becomes the database of a new
    # instance that has the same keys (data_dir).
    restored_dir = str(tmp_path / "restored")
    shutil.copytree(server.env["BARONG_DATA_DIR"], restored_dir)
    shutil.copy(out, os.path.join(restored_dir, "portcullis.sqlite3"))
    # Presence is probed by signing in, so the address's login throttle is off (dozens of misses).
    restored = Server(env={"BARONG_DATA_DIR": restored_dir, "BARONG_LOGIN_THROTTLE_IP": "0"},
                      database_url=f"sqlite://{restored_dir}/portcullis.sqlite3").start()
    try:
        def logs_in(email):
            r = requests.post(restored.url("/identity/sessions"), json={"email": email, "password": STRONG})
            assert r.status_code in (200, 401), r.text
            return r.status_code == 200

        for email in before + during[:started]:
            assert logs_in(email), f"{email} was acknowledged before the backup began"
        present = [email for email in during if logs_in(email)]
        assert present == during[:len(present)], "the copy is one point in time: a prefix of the writes"
        users = int(result.stdout.split(", ")[1].split(" ")[0])
        assert users == len(before) + len(present)
    finally:
        assert restored.stop() == 0


@pytest.mark.skipif(BACKEND != "postgres", reason="PostgreSQL: backup points to pg_dump")
def test_postgres_backup_is_pg_dump_as_the_readme_shows(server, tmp_path):
    result = run_cli("backup", "--out", str(tmp_path / "x"), env=server.env, cwd=server.dir)
    assert result.returncode == 64 and "pg_dump" in result.stderr
    emails = [f"pg{n}@example.com" for n in range(3)]
    for email in emails:
        assert requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG}).status_code == 201

    cluster = postgres_cluster()
    dump = str(tmp_path / "portcullis.dump")
    url = server.env["BARONG_DATABASE_URL"]
    subprocess.run([f"{cluster.bin}/pg_dump", "--format=custom", f"--file={dump}", url], check=True, timeout=60)
    restored_db = cluster.create_database()
    subprocess.run([f"{cluster.bin}/pg_restore", "--no-owner", f"--dbname={cluster.url(restored_db)}", dump],
                   check=True, timeout=60)
    restored = Server(env={"BARONG_DATA_DIR": server.env["BARONG_DATA_DIR"]}, database_url=cluster.url(restored_db)).start()
    try:
        for email in emails:
            r = requests.post(restored.url("/identity/sessions"), json={"email": email, "password": STRONG})
            assert r.status_code == 200, r.text
    finally:
        assert restored.stop() == 0
