"""Issue 29: no acknowledged write is lost when two instances write the same
user row at once on PostgreSQL (READ COMMITTED). Each test runs two writers
in parallel, each on its own instance, for a few hundred rounds, keeps a
ledger of what was acknowledged and checks every acknowledged write is
visible at the end."""
import concurrent.futures

import pytest
import requests

from conftest import BACKEND, STRONG, run_cli

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="two writers at once need the shared PostgreSQL backend")

ROUNDS = 150
PASSWORDS = ["Xq9!mzPw#Lk2", "Vb7#rTq2!nWz"]


def session_on(server, email, password):
    s = requests.Session()
    r = s.post(server.url("/identity/sessions"), json={"email": email, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s, r.json()["uid"]


def test_password_changes_survive_concurrent_role_changes(shared_pair):
    a, b = shared_pair
    for email, role in (("root@example.com", "superadmin"), ("admin@example.com", "admin")):
        assert run_cli("users", "create", "--email", email, "--password", STRONG, "--role", role,
                       env=a.env, cwd=a.dir).returncode == 0
    assert requests.post(a.url("/identity/users"), json={"email": "user@example.com", "password": STRONG}).status_code == 201
    user, uid = session_on(a, "user@example.com", STRONG)
    admin, _ = session_on(b, "admin@example.com", STRONG)

    def change_passwords():
        acknowledged = STRONG
        for i in range(ROUNDS):
            new = PASSWORDS[i % 2] if PASSWORDS[i % 2] != acknowledged else PASSWORDS[(i + 1) % 2]
            r = user.put(a.url("/resource/users/password"), timeout=30,
                         json={"old_password": acknowledged, "new_password": new, "confirm_password": new})
            assert r.status_code == 201, (i, r.status_code, r.text)
            acknowledged = new
        return acknowledged

    def change_roles():
        acknowledged = "member"
        for i in range(ROUNDS):
            role = "trader" if acknowledged == "member" else "member"
            r = admin.post(b.url("/admin/users/role"), json={"uid": uid, "role": role}, timeout=30)
            assert r.status_code == 200, (i, r.status_code, r.text)
            acknowledged = role
        return acknowledged

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        password, role = [f.result() for f in [pool.submit(change_passwords), pool.submit(change_roles)]]
    # Both last acknowledged writes hold: the last password signs in, the last role is the role.
    r = requests.post(b.url("/identity/sessions"), json={"email": "user@example.com", "password": password}, timeout=30)
    assert r.status_code == 200, ("the last acknowledged password change was undone", r.text)
    assert r.json()["role"] == role, ("the last acknowledged role change was undone", r.json()["role"], role)
