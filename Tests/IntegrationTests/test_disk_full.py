"""SQLite and the uploads on a small tmpfs that fills. Writes answer
503 `server.storage_full`, nothing is half-written, the database passes
`PRAGMA integrity_check`, and service resumes once space is freed."""
import contextlib
import os
import sqlite3
import subprocess
import tempfile

import pytest
import requests

from conftest import BACKEND, RUN_DIR, STRONG, Server
from helpers import TINY_JPEG

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the embedded store's disk; PostgreSQL keeps its own")

FULL = {"errors": ["server.storage_full"]}


@pytest.fixture
def small_disk():
    """A 4 MiB tmpfs (mounting needs root, as `make test` runs in CI)."""
    mount = tempfile.mkdtemp(prefix="portcullis-tmpfs-", dir=RUN_DIR)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", mount], check=False)


def fill(directory):
    """Writes a file until the disk refuses a byte more; returns its path."""
    path = os.path.join(directory, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    return path


def sqlite(path, sql):
    """The first column of the first row, as text (Python's own sqlite3: no CLI needed)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        return str(db.execute(sql).fetchone()[0])


def signup(server, email):
    return requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG}, timeout=30)


def test_a_full_disk_refuses_writes_cleanly_and_service_resumes(small_disk):
    database = os.path.join(small_disk, "portcullis.sqlite3")
    server = Server(database_url=f"sqlite://{database}", env={"BARONG_UPLOAD_PATH": os.path.join(small_disk, "uploads")}).start()
    try:
        assert signup(server, "root@example.com").status_code == 201
        user = requests.Session()
        r = signup(server, "user@example.com")
        assert r.status_code == 201, r.text
        user.cookies = r.cookies
        user.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        users_before = sqlite(database, "SELECT count(*) FROM users")

        filler = fill(small_disk)
        # Enough signups to need new pages whatever room the last page had left.
        refused = [signup(server, f"late{i}@example.com") for i in range(40)]
        statuses = {r.status_code for r in refused}
        assert statuses <= {201, 503} and 503 in statuses, [r.text for r in refused][-3:]
        assert all(r.json() == FULL for r in refused if r.status_code == 503), [r.text for r in refused if r.status_code == 503][:2]
        accepted = [f"late{i}@example.com" for i, r in enumerate(refused) if r.status_code == 201]
        upload = user.post(server.url("/resource/documents"), files=[("upload[]", ("id.jpg", TINY_JPEG * 40))],
                           data={"doc_type": "Passport", "doc_number": "P123", "doc_expire": "2099-01-01",
                                 "identificator": "full", "doc_category": "front_side"}, timeout=30)
        assert upload.status_code == 503 and upload.json() == FULL, upload.text
        # Reads still answer while the disk is full.
        assert user.get(server.url("/resource/users/me"), timeout=30).json()["email"] == "user@example.com"

        os.remove(filler)
        # Nothing half-written: the refused signups and the upload left no row and no file.
        assert sqlite(database, "PRAGMA integrity_check") == "ok"
        assert int(sqlite(database, "SELECT count(*) FROM users")) == int(users_before) + len(accepted)
        assert sqlite(database, "SELECT count(*) FROM documents") == "0"
        uploads = os.path.join(small_disk, "uploads")
        assert not os.path.isdir(uploads) or os.listdir(uploads) == []

        # Service resumes with space again, without a restart.
        r = signup(server, "after@example.com")
        assert r.status_code == 201, r.text
        upload = user.post(server.url("/resource/documents"), files=[("upload[]", ("id.jpg", TINY_JPEG))],
                           data={"doc_type": "Passport", "doc_number": "P123", "doc_expire": "2099-01-01",
                                 "identificator": "after", "doc_category": "front_side"}, timeout=30)
        assert upload.status_code == 201, upload.text
        assert sqlite(database, "PRAGMA integrity_check") == "ok"
        assert sqlite(database, "SELECT count(*) FROM documents") == "1"
    finally:
        assert server.stop() == 0, server.logs()[-2000:]
