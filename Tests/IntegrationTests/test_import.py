"""`portcullis users import`: a Barong export of 10,000 users moves with
uids and password digests; a second run adds nothing; bad rows are
reported with exit 1 while the good ones land."""
import json
import os
import re

import bcrypt
import requests

from conftest import run_cli

PASSWORDS = [f"Old-Passw0rd-{i}!" for i in range(10)]


def export(path, count, extra=()):
    digests = [bcrypt.hashpw(p.encode(), bcrypt.gensalt(rounds=4)).decode() for p in PASSWORDS]
    with open(path, "w") as f:
        for i in range(count):
            row = {"uid": f"ID{i:010X}", "email": f"barong{i}@example.com", "password_digest": digests[i % 10],
                   "role": "member", "state": "active" if i % 3 else "pending", "level": i % 3, "otp": i % 2 == 0,
                   "referral_uid": f"ID{i - 1:010X}" if i else None, "data": None,
                   "created_at": "2021-03-04 05:06:07", "labels": [{"key": "email", "value": "verified", "scope": "private"}]}
            f.write(json.dumps(row) + "\n")
        for row in extra:
            f.write(row + "\n")


def test_ten_thousand_rows_import_once_and_log_in_with_their_passwords(server, tmp_path):
    path = str(tmp_path / "users.jsonl")
    export(path, 10_000)
    r = run_cli("users", "import", "--file", path, env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    assert re.search(r"imported 10000, already present 0, failed 0 in [\d.]+ s \(\d+ rows/s\)", r.stdout), r.stdout
    print(r.stdout)
    for i in (1, 4242, 9998):
        s = requests.post(server.url("/identity/sessions"), json={"email": f"barong{i}@example.com", "password": PASSWORDS[i % 10]})
        assert s.status_code == 200, s.text
        me = s.json()
        assert me["uid"] == f"ID{i:010X}" and me["otp"] is False and me["referral_uid"] == f"ID{i - 1:010X}"
        assert me["created_at"] == "2021-03-04T05:06:07Z"
        assert any(l["key"] == "email" and l["value"] == "verified" for l in me["labels"])
    s = requests.post(server.url("/identity/sessions"), json={"email": "barong1@example.com", "password": PASSWORDS[2]})
    assert s.status_code == 401

    again = run_cli("users", "import", "--file", path, env=server.env, cwd=server.dir)
    assert again.returncode == 0, again.stderr
    assert "imported 0, already present 10000, failed 0" in again.stdout


def test_bad_rows_are_reported_and_the_rest_imported(server, tmp_path):
    path = str(tmp_path / "users.jsonl")
    taken = json.dumps({"uid": "IDFFFFFFFFFF", "email": "barong0@example.com",
                        "password_digest": "$2b$04$" + "a" * 53, "state": "active"})
    export(path, 3, extra=["{broken", json.dumps({"uid": "IDAAAAAAAAAA", "email": "x@example.com", "password_digest": "plain"}), taken])
    r = run_cli("users", "import", "--file", path, env=server.env, cwd=server.dir)
    assert r.returncode == 1
    assert "imported 3, already present 0, failed 3" in r.stdout, r.stdout
    assert "line 4: not a JSON object" in r.stderr and "line 5: password_digest is not a bcrypt hash" in r.stderr
    assert "line 6: uid or email belongs to another user" in r.stderr
    ok = requests.post(server.url("/identity/sessions"), json={"email": "barong2@example.com", "password": PASSWORDS[2]})
    assert ok.status_code == 200


def test_a_missing_file_is_a_usage_error():
    r = run_cli("users", "import", "--file", "/nonexistent/users.jsonl")
    assert r.returncode == 64 and "--file" in r.stderr
