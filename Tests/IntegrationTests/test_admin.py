"""The admin API against the real binary: the operator walk-through of the
docs/operating.md, every route with a permitted and a refused role, the session kill on
ban seen from a second client, the KYC loop with the local provider, admin
pages through nginx, and (on PostgreSQL) changes seen by a second instance."""
import os
import sqlite3
import tempfile

import pytest
import requests

from conftest import BACKEND, STRONG, Server, new_database_url, run_cli
from helpers import EchoBackend, Nginx


def make_staff(server, email, role):
    """`portcullis users create` against the server's database, as docs/operating.md shows."""
    r = run_cli("users", "create", "--email", email, "--password", STRONG, "--role", role, env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr


def login(base, email, session=None):
    s = session or requests.Session()
    r = s.post(base + "/identity/sessions", json={"email": email, "password": STRONG})
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    s.uid = r.json()["uid"]
    return s


def signup(base, email):
    s = requests.Session()
    r = s.post(base + "/identity/users", json={"email": email, "password": STRONG})
    assert r.status_code == 201, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    s.uid = r.json()["uid"]
    return s


def query(server, sql):
    """Rows of `sql` from the server's own database (either backend)."""
    url = server.env["BARONG_DATABASE_URL"]
    if url.startswith("sqlite://"):
        with sqlite3.connect(url[len("sqlite://"):]) as db:
            return [tuple(str(v) for v in row) for row in db.execute(sql).fetchall()]
    return [tuple(line.split("|")) for line in server.sql(sql).splitlines() if line]


def test_operator_walkthrough_and_ban_ends_the_users_session(server):
    base = server.base
    make_staff(server, "root@example.com", "superadmin")
    root = login(base, "root@example.com")
    victim = signup(base, "victim@example.com")
    assert victim.get(base + "/resource/users/me").status_code == 200

    r = root.get(base + "/admin/users", params={"email": "victim@example.com"})
    assert r.status_code == 200 and r.headers["Total"] == "1" and r.json()[0]["uid"] == victim.uid
    r = root.put(base + "/admin/users", json={"uid": victim.uid, "state": "banned"})
    assert r.status_code == 200 and r.json() == 200
    # The victim's own client is refused at once, and cannot log in again.
    r = victim.get(base + "/resource/users/me")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}
    r = requests.post(base + "/identity/sessions", json={"email": "victim@example.com", "password": STRONG})
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.banned"]}
    r = root.get(base + f"/admin/users/{victim.uid}")
    assert r.json()["state"] == "banned" and r.json()["comments"] == []

    # The write was audited (standalone call, AUDIT rows of the default permissions).
    r = root.get(base + "/admin/activities/admin", params={"target_uid": victim.uid})
    assert r.status_code == 200 and r.json()[0]["action"] == "update" and r.json()[0]["result"] == "succeed"
    assert r.json()[0]["admin"]["uid"] == root.uid and r.json()[0]["target"]["uid"] == victim.uid
    assert "password" not in r.json()[0]["data"]


# (method, path, params, roles that may, a role that may not — with the key it gets)
ROUTES = [
    ("GET", "/admin/users", {}, "accountant", ("member", "authz.invalid_permission")),
    ("GET", "/admin/users/{uid}", {}, "support", ("member", "authz.invalid_permission")),
    ("GET", "/admin/users/labels", {"key": "email", "value": "verified"}, "technical", ("member", "authz.invalid_permission")),
    ("GET", "/admin/users/labels/list", {}, "compliance", ("member", "authz.invalid_permission")),
    ("GET", "/admin/users/documents/pending", {}, "compliance", ("member", "authz.invalid_permission")),
    ("POST", "/admin/users/comments", {"uid": "{uid}", "title": "t", "data": "d"}, "support", ("technical", "admin.ability.not_permitted")),
    ("POST", "/admin/users/labels", {"uid": "{uid}", "key": "vip", "value": "yes"}, "compliance", ("support", "admin.ability.not_permitted")),
    ("PUT", "/admin/users/labels", {"uid": "{uid}", "key": "vip", "value": "nope", "scope": "public"}, "compliance",
     ("technical", "admin.ability.not_permitted")),
    ("POST", "/admin/users/labels/update", {"uid": "{uid}", "key": "vip", "value": "maybe", "scope": "public"}, "admin",
     ("accountant", "admin.ability.not_permitted")),
    ("DELETE", "/admin/users/labels", {"uid": "{uid}", "key": "vip", "scope": "public"}, "compliance",
     ("support", "admin.ability.not_permitted")),
    ("POST", "/admin/users/role", {"uid": "{uid}", "role": "trader"}, "support", ("accountant", "admin.ability.not_permitted")),
    ("POST", "/admin/users/update", {"uid": "{uid}", "state": "locked"}, "compliance", ("technical", "admin.ability.not_permitted")),
    ("PUT", "/admin/users", {"uid": "{uid}", "state": "active"}, "admin", ("accountant", "admin.ability.not_permitted")),
    ("GET", "/admin/permissions", {}, "admin", ("technical", "admin.ability.not_permitted")),
    ("POST", "/admin/permissions", {"role": "trader", "verb": "get", "path": "api/v2/x", "action": "accept"}, "superadmin",
     ("admin", "admin.ability.not_permitted")),
    ("GET", "/admin/restrictions", {}, "technical", ("support", "admin.ability.not_permitted")),
    ("POST", "/admin/restrictions", {"scope": "ip", "value": "10.9.9.9", "category": "blacklist"}, "technical",
     ("compliance", "admin.ability.not_permitted")),
    ("POST", "/admin/restrictions/whitelink", {}, "admin", ("accountant", "admin.ability.not_permitted")),
    ("GET", "/admin/profiles", {}, "accountant", ("member", "authz.invalid_permission")),
    ("POST", "/admin/profiles", {"uid": "{uid}", "first_name": "Ada"}, "compliance", ("support", "admin.ability.not_permitted")),
    ("GET", "/admin/levels", {}, "support", ("member", "authz.invalid_permission")),
    ("GET", "/admin/activities", {}, "support", ("compliance", "admin.ability.not_permitted")),
    ("GET", "/admin/activities/admin", {}, "technical", ("compliance", "admin.ability.not_permitted")),
    ("GET", "/admin/api_keys", {"uid": "{uid}"}, "technical", ("compliance", "admin.ability.not_permitted")),
    ("GET", "/admin/metrics", {}, "accountant", ("member", "authz.invalid_permission")),
    ("GET", "/admin/abilities", {}, "support", ("member", "authz.invalid_permission")),
    ("DELETE", "/admin/users/data_storage", {"uid": "{uid}", "title": "none"}, None, ("accountant", "admin.ability.not_permitted")),
]


def test_each_route_with_a_permitted_and_a_refused_role(server):
    base = server.base
    roles = {"superadmin", "admin", "technical", "accountant", "compliance", "support", "member"}
    for role in roles:
        make_staff(server, f"{role}@example.com", role)
    clients = {role: login(base, f"{role}@example.com") for role in roles}
    target = signup(base, "target@example.com").uid

    def call(client, method, path, params):
        params = {k: (target if v == "{uid}" else v) for k, v in params.items()}
        url = base + path.replace("{uid}", target)
        if method in ("GET", "DELETE"):
            return client.request(method, url, params=params)
        return client.request(method, url, json=params)

    for method, path, params, allowed, (refused, key) in ROUTES:
        r = call(clients[refused], method, path, params)
        assert (r.status_code, r.json()) == (401, {"errors": [key]}), (method, path, refused, r.text)
        if allowed:
            r = call(clients[allowed], method, path, params)
            assert r.status_code in (200, 201), (method, path, allowed, r.text)
            assert r.headers["Content-Type"].startswith("application/json")
            body = r.json()
            assert not (isinstance(body, dict) and "errors" in body), (method, path, body)
    # Refused writes left nothing: one comment (support's, not technical's), no vip label, one profile.
    r = clients["superadmin"].get(base + f"/admin/users/{target}").json()
    assert [c["author_uid"] for c in r["comments"]] == [clients["support"].uid]
    assert not any(label["key"] == "vip" for label in r["labels"]) and len(r["profiles"]) == 1
    # The profile step recomputed the state from the labels after PUT users set it active.
    assert r["role"] == "trader" and r["state"] == "pending"
    # DELETE data_storage with a title the user has not: the permitted role gets the 404 key.
    r = clients["superadmin"].delete(base + "/admin/users/data_storage", params={"uid": target, "title": "none"})
    assert r.status_code == 404 and r.json() == {"errors": ["admin.storage.doesnt_exist"]}


def test_kyc_loop_with_the_local_provider(make_server):
    server = make_server(env={"BARONG_KYC_PROVIDER": "local"})
    base = server.base
    make_staff(server, "compliance@example.com", "compliance")
    officer = login(base, "compliance@example.com")
    user = signup(base, "kyc@example.com")
    assert user.get(base + "/resource/users/me").json()["level"] == 0

    def label(key, value, method="POST", path="/admin/users/labels"):
        r = officer.request(method, base + path, json={"uid": user.uid, "key": key, "value": value, "scope": "private"})
        assert r.status_code == 200, r.text

    label("email", "verified")
    label("phone", "verified")
    label("document", "pending")
    r = officer.get(base + "/admin/users/documents/pending")
    assert [u["uid"] for u in r.json()] == [user.uid]
    assert officer.get(base + "/admin/metrics").json()["pending_applications"] == 1
    label("document", "verified", "PUT")
    me = user.get(base + "/resource/users/me").json()
    assert me["level"] == 3 and me["state"] == "active", me
    assert officer.get(base + "/admin/users/documents/pending").json() == []
    events = query(server, "SELECT name, payload FROM outbox WHERE name = 'system.document.verified'")
    assert len(events) == 1 and user.uid in events[0][1]


def test_admin_pages_through_nginx(server):
    backend = EchoBackend().start()
    nginx = Nginx(tempfile.mkdtemp(prefix="portcullis-nginx-"), server.port, backend.port).start()
    try:
        make_staff(server, "root@example.com", "superadmin")
        base = nginx.url("/api/v2/auth")
        root = login(base, "root@example.com")
        make_staff(server, "member@example.com", "member")
        member = login(base, "member@example.com")
        newcomer = signup(base, "new@example.com")
        r = newcomer.get(base + "/admin/users")
        assert r.status_code == 401 and r.json() == {"errors": ["authz.user_not_active"]}, "D7: admin callers must be active"
        r = root.get(base + "/admin/users", params={"limit": 1, "page": 3})
        assert r.status_code == 200 and r.headers["Total"] == "3" and len(r.json()) == 1
        r = root.post(base + "/admin/users/comments", json={"uid": member.uid, "title": "kyc", "data": "called"})
        assert r.status_code == 201 and r.json()["comments"][0]["author_uid"] == root.uid
        r = member.get(base + "/admin/users")
        assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_permission"]}
        # The audit trail has the client address nginx forwarded, and the member's refusal.
        audits = root.get(base + "/admin/activities/admin").json()
        assert {(a["topic"], a["result"]) for a in audits} >= {("users", "succeed"), ("users", "denied")}
        assert all(a["user_ip"] == "127.0.0.1" for a in audits)
        # Through the gateway (authorize), the barong-prefixed admin path is refused to a member too.
        r = member.get(nginx.url("/api/v2/barong/admin/users"))
        assert r.status_code == 401 and backend.hits == []
    finally:
        nginx.stop()
        backend.stop()


def test_a_malformed_abilities_file_stops_start_up_naming_it():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "abilities.yml")
    with open(path, "w") as f:
        f.write("admin_permissions:\n  ops: [read\n")
    r = run_cli("serve", env={"BARONG_ABILITIES_FILE": path, "BARONG_DATA_DIR": os.path.join(d, "data"),
                              "BARONG_DATABASE_URL": f"sqlite://{d}/p.sqlite3"}, cwd=d)
    assert r.returncode == 64, r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("portcullis: configuration error: abilities_file") and path in last, r.stderr


def test_a_custom_abilities_file_and_a_flow_list_rules_file_are_used(make_server):
    d = tempfile.mkdtemp()
    abilities = os.path.join(d, "abilities.yml")
    with open(abilities, "w") as f:
        f.write("roles: [support]\nadmin_permissions:\n  support: {read: [User], manage: [Permission]}\n")
    rules = os.path.join(d, "rules.yml")
    with open(rules, "w") as f:
        f.write("rules:\n  pass: [api/v2/barong/public, api/v2/open]\n  block: [api/v2/barong/management]\n")
    server = make_server(env={"BARONG_ABILITIES_FILE": abilities, "BARONG_AUTHZ_RULES_FILE": rules}, gateway=True)
    base = server.base
    make_staff(server, "support@example.com", "support")
    support = login(base, "support@example.com")
    assert support.get(base + "/admin/abilities").json() == {"read": ["User"], "manage": ["Permission"]}
    assert support.get(base + "/admin/permissions").status_code == 200
    r = support.get(base + "/admin/levels")
    assert r.status_code == 401 and r.json() == {"errors": ["admin.ability.not_permitted"]}
    for listener in (base, server.authorize_base):
        assert requests.get(listener + "/api/v2/open/thing").status_code == 200, "a flow-list pass rule"
        r = requests.get(listener + "/api/v2/barong/management/users")
        assert r.status_code == 401 and r.json() == {"errors": ["authz.permission_denied"]}, "a block rule"


@pytest.mark.skipif(BACKEND != "postgres", reason="several instances need the shared PostgreSQL backend")
def test_bans_and_permission_changes_reach_the_other_instance(shared_pair):
    a, b = shared_pair
    make_staff(a, "root@example.com", "superadmin")
    make_staff(a, "support@example.com", "support")
    root = login(a.base, "root@example.com")
    support_on_b = login(b.base, "support@example.com")
    victim_on_b = signup(b.base, "victim@example.com")
    assert victim_on_b.get(b.base + "/resource/users/me").status_code == 200
    assert support_on_b.get(b.base + "/admin/users").status_code == 200
    r = root.post(a.base + "/admin/users/update", json={"uid": victim_on_b.uid, "state": "banned"})
    assert r.status_code == 200
    r = root.post(a.base + "/admin/permissions", json={"role": "support", "verb": "get",
                                                       "path": "api/v2/barong/admin/users", "action": "drop"})
    assert r.status_code == 200
    # B saw both commits through the change feed before the clients asked again.
    r = victim_on_b.get(b.base + "/resource/users/me")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}
    r = support_on_b.get(b.base + "/admin/users")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_permission"]}


def test_the_readme_walkthrough_runs_as_written(server):
    """The admin API walk-through of docs/operating.md, run as a shell script against this server."""
    import re
    import subprocess
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "operating.md")).read()
    block = re.search(r"```sh\n(\.build/release/portcullis users create --email admin@example\.com.*?)```", readme, re.S).group(1)
    from conftest import BIN
    script = block.replace(".build/release/portcullis", BIN).replace("http://127.0.0.1:8001", f"http://127.0.0.1:{server.port}")
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=server.dir, env=server.env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"result":"succeed"' in r.stdout and '"state":"banned"' in r.stdout, r.stdout
