"""No acknowledged write is lost when two instances write the same
rows at once on PostgreSQL (READ COMMITTED). Each test runs two writers in
parallel, each on its own instance, for a few hundred requests, keeps a
ledger of what was acknowledged and checks every acknowledged write is
visible at the end (or at the end of each round)."""
import concurrent.futures
import os
import tempfile
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import BACKEND, RUN_DIR, STRONG, run_cli, start_shared_pair
from helpers import SMTPSink, text_part, token_from, totp
from mgmt_signer import SCOPES, Signer, claims, config_yaml, sign

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="two writers at once need the shared PostgreSQL backend")

ROUNDS = 150
PASSWORDS = ["Xq9!mzPw#Lk2", "Vb7#rTq2!nWz"]
APPLOGIC = Signer("applogic", "RS256")


def session_on(server, email, password):
    s = requests.Session()
    r = s.post(server.url("/identity/sessions"), json={"email": email, "password": password}, timeout=30)
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s, r.json()["uid"]


def other(password):
    return PASSWORDS[1] if password == PASSWORDS[0] else PASSWORDS[0]


def at_once(*calls):
    """Runs each call on its own thread, released together; returns their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return [f.result() for f in [pool.submit(run, c) for c in calls]]


def in_parallel(*loops):
    with concurrent.futures.ThreadPoolExecutor(len(loops)) as pool:
        return [f.result() for f in [pool.submit(loop) for loop in loops]]


def staff(server, *accounts):
    for email, role in accounts:
        assert run_cli("users", "create", "--email", email, "--password", STRONG, "--role", role,
                       env=server.env, cwd=server.dir).returncode == 0


def member(server, email):
    r = requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["uid"]


def test_password_changes_survive_concurrent_role_changes(shared_pair):
    a, b = shared_pair
    staff(a, ("root@example.com", "superadmin"), ("admin@example.com", "admin"))
    member(a, "user@example.com")
    user, uid = session_on(a, "user@example.com", STRONG)
    admin, _ = session_on(b, "admin@example.com", STRONG)

    def change_passwords():
        acknowledged = STRONG
        for i in range(ROUNDS):
            new = other(acknowledged)
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

    password, role = in_parallel(change_passwords, change_roles)
    # Both last acknowledged writes hold: the last password signs in, the last role is the role.
    r = requests.post(b.url("/identity/sessions"), json={"email": "user@example.com", "password": password}, timeout=30)
    assert r.status_code == 200, ("the last acknowledged password change was undone", r.text)
    assert r.json()["role"] == role, ("the last acknowledged role change was undone", r.json()["role"], role)


def test_password_resets_survive_concurrent_label_writes():
    sink = SMTPSink().start()
    a, b = start_shared_pair(sink.env())
    try:
        staff(a, ("root@example.com", "superadmin"), ("admin@example.com", "admin"))
        uid = member(a, "user@example.com")
        admin, _ = session_on(b, "admin@example.com", STRONG)

        def reset_mail(n):
            """The n-th reset mail (the signup's confirmation mail may come at any time)."""
            deadline = time.time() + 15
            while time.time() < deadline:
                resets = [m for m in list(sink.messages) if "reset_token=" in text_part(m)]
                if len(resets) > n:
                    return resets[n]
                time.sleep(0.02)
            raise AssertionError(f"no reset mail {n}")

        def reset_passwords():
            acknowledged = STRONG
            for i in range(ROUNDS):
                r = requests.post(a.url("/identity/users/password/generate_code"), json={"email": "user@example.com"}, timeout=30)
                assert r.status_code == 201, (i, r.text)
                mail = reset_mail(i)
                new = other(acknowledged)
                r = requests.post(a.url("/identity/users/password/confirm_code"), timeout=30, json={
                    "reset_password_token": token_from(mail, "reset_token"), "password": new, "confirm_password": new})
                assert r.status_code == 201, (i, r.status_code, r.text)
                acknowledged = new
            return acknowledged

        def write_labels():
            present = False
            for i in range(ROUNDS):
                params = {"uid": uid, "key": "document", "scope": "private"}
                if present:
                    r = admin.delete(b.url("/admin/users/labels"), params=params, timeout=30)
                else:
                    r = admin.post(b.url("/admin/users/labels"), json={**params, "value": "verified"}, timeout=30)
                assert r.status_code in (200, 201), (i, r.status_code, r.text)
                present = not present
            return present

        password, labelled = in_parallel(reset_passwords, write_labels)
        r = requests.post(b.url("/identity/sessions"), json={"email": "user@example.com", "password": password}, timeout=30)
        assert r.status_code == 200, ("the last acknowledged password reset was undone", r.text)
        rows = a.sql(f"SELECT count(*) FROM labels l JOIN users u ON u.id = l.user_id "
                     f"WHERE u.uid = '{uid}' AND l.key = 'document' AND l.scope = 'private'")
        assert rows == ("1" if labelled else "0"), ("the last acknowledged label write was undone", rows)
    finally:
        for s in (a, b):
            s.stop()
        sink.stop()


def test_otp_enables_survive_concurrent_profile_submissions(shared_pair):
    a, b = shared_pair
    staff(a, ("root@example.com", "superadmin"))
    profile = {"first_name": "Ann", "last_name": "Lee", "dob": "1991-02-03", "country": "DE", "confirm": True}
    lost = []
    for i in range(ROUNDS):
        email = f"kyc{i}@example.com"
        member(a, email)
        s, uid = session_on(a, email, STRONG)
        r = s.post(a.url("/resource/otp/generate_qrcode"), timeout=30)
        assert r.status_code == 201, r.text
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(r.json()["data"]["url"]).query)["secret"][0]
        code = totp(secret, int(time.time()) // 30)
        enabled, submitted = at_once(
            lambda: s.post(a.url("/resource/otp/enable"), json={"code": code}, timeout=30),
            lambda: s.post(b.url("/resource/profiles"), json=profile, timeout=30))
        assert enabled.status_code == 201 and submitted.status_code == 201, (i, enabled.text, submitted.text)
        otp = a.sql(f"SELECT otp FROM users WHERE uid = '{uid}'")
        label = a.sql(f"SELECT value FROM labels l JOIN users u ON u.id = l.user_id WHERE u.uid = '{uid}' AND l.key = 'profile'")
        if otp not in ("1", "t", "true") or label != "submitted":
            lost.append((i, otp, label))
    assert lost == [], ("acknowledged OTP enables or profile submissions were undone", lost)


def test_own_password_changes_survive_concurrent_bans(shared_pair):
    a, b = shared_pair
    staff(a, ("root@example.com", "superadmin"), ("admin@example.com", "admin"))
    uid = member(a, "user@example.com")
    admin, _ = session_on(b, "admin@example.com", STRONG)
    acknowledged, lost, changed = STRONG, [], 0
    for i in range(ROUNDS):
        r = admin.put(b.url("/admin/users"), json={"uid": uid, "state": "active"}, timeout=30)
        assert r.status_code == 200, (i, r.text)
        r = requests.post(a.url("/identity/sessions"), json={"email": "user@example.com", "password": acknowledged}, timeout=30)
        if r.status_code != 200:
            lost.append((i, "the last acknowledged password no longer signs in", r.text))
            break
        user = requests.Session()
        user.cookies, user.headers["X-CSRF-Token"] = r.cookies, r.json()["csrf_token"]
        new = other(acknowledged)
        changed_answer, banned = at_once(
            lambda: user.put(a.url("/resource/users/password"), timeout=30,
                             json={"old_password": acknowledged, "new_password": new, "confirm_password": new}),
            lambda: admin.put(b.url("/admin/users"), json={"uid": uid, "state": "banned"}, timeout=30))
        assert banned.status_code == 200, (i, banned.text)
        assert changed_answer.status_code in (201, 401), (i, changed_answer.status_code, changed_answer.text)
        if changed_answer.status_code == 201:
            acknowledged, changed = new, changed + 1
        state = a.sql(f"SELECT state FROM users WHERE uid = '{uid}'")
        if state != "banned":
            lost.append((i, "the acknowledged ban was undone", state))
    assert lost == [], lost
    assert changed > 0, "no password change won a race: the test raced nothing"


def test_api_key_writes_cannot_revive_a_key_a_ban_disabled():
    directory = tempfile.mkdtemp(prefix="portcullis-mgmt-", dir=RUN_DIR)
    path = os.path.join(directory, "management_api.yml")
    with open(path, "w") as f:
        f.write(config_yaml({"applogic": ("RS256", APPLOGIC.public_value())},
                            {name: (["applogic"], ["applogic"]) for name in SCOPES}))
    a, b = start_shared_pair({"BARONG_MANAGEMENT_API_CONFIG": path, "BARONG_MGN_API_KEYS_USER": "true"})
    try:
        def management(path, data):
            return requests.post(a.url("/management/" + path), json=sign(claims(data), APPLOGIC), timeout=30)

        staff(a, ("root@example.com", "superadmin"), ("admin@example.com", "admin"))
        uid = member(a, "user@example.com")
        admin, _ = session_on(b, "admin@example.com", STRONG)
        r = management("api_keys", {"uid": uid, "algorithm": "HS256", "scopes": "read"})
        assert r.status_code == 201, r.text
        kid = r.json()["kid"]
        revived = []
        for i in range(ROUNDS):
            assert admin.put(b.url("/admin/users"), json={"uid": uid, "state": "active"}, timeout=30).status_code == 200
            assert management("api_keys/update", {"uid": uid, "kid": kid, "state": "active"}).status_code == 201
            scope = "trade" if i % 2 else "read"
            updated, banned = at_once(lambda: management("api_keys/update", {"uid": uid, "kid": kid, "scopes": scope}),
                                      lambda: admin.put(b.url("/admin/users"), json={"uid": uid, "state": "banned"}, timeout=30))
            assert updated.status_code == 201 and banned.status_code == 200, (i, updated.text, banned.text)
            state, scopes = a.sql(f"SELECT state || ' ' || scope FROM api_keys WHERE kid = '{kid}'").split(" ")
            if state == "active" or scopes != scope:
                revived.append((i, state, scopes, scope))
        assert revived == [], (f"in {len(revived)} of {ROUNDS} rounds a banned user's key came back active, "
                               "or an acknowledged scope was lost", revived[:5])
    finally:
        for s in (a, b):
            s.stop()
