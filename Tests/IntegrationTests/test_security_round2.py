"""Against the real binary on either backend: an
operator grants (or takes away) only roles whose admin abilities are within
their own, and permission rows and the block rules of the authorize call
compare paths without regard to case."""
import requests

from test_admin import login, make_staff, query, signup

EXCEEDS = {"errors": ["admin.user.role_exceeds_own"]}


def role_of(server, uid):
    return query(server, f"SELECT role FROM users WHERE uid = '{uid}'")[0][0]


def set_role(operator, base, uid, role):
    return operator.post(base + "/admin/users/role", json={"uid": uid, "role": role})


def granted(response):
    return response.status_code == 200 and response.json() == 200


def test_an_operator_grants_and_takes_away_only_roles_within_their_own_abilities(server):
    base = server.base
    for email, role in (("root@example.com", "superadmin"), ("support@example.com", "support"),
                        ("admin@example.com", "admin"), ("other-admin@example.com", "admin")):
        make_staff(server, email, role)
    support, admin = login(base, "support@example.com"), login(base, "admin@example.com")
    other_admin = login(base, "other-admin@example.com").uid
    target = signup(base, "target@example.com").uid
    assert role_of(server, target) == "member"

    def grants(operator, roles):
        """Each role in turn is granted to the target, and the database holds it."""
        for role in roles:
            r = set_role(operator, base, target, role)
            assert granted(r), (role, r.status_code, r.text)
            assert role_of(server, target) == role

    # Support (manages User; reads Ability, Label, Level, Profile, Activity) may not hand out more.
    for role in ("admin", "compliance", "technical"):
        r = set_role(support, base, target, role)
        assert (r.status_code, r.json()) == (422, EXCEEDS), (role, r.text)
        assert role_of(server, target) == "member", role
    r = set_role(support, base, target, "nonexistent")
    assert (r.status_code, r.json()) == (422, {"errors": ["role.doesnt_exist"]}), r.text
    # Roles within support's abilities: no admin abilities at all, or only reads support has too.
    grants(support, ("trader", "accountant", "member"))
    # Nor may support take a bigger role away.
    r = set_role(support, base, other_admin, "member")
    assert (r.status_code, r.json()) == (422, EXCEEDS), r.text
    assert role_of(server, other_admin) == "admin"

    # An admin grants support, and admin itself.
    grants(admin, ("support", "admin"))
    # The new admin is now out of support's reach too.
    r = set_role(support, base, target, "support")
    assert (r.status_code, r.json()) == (422, EXCEEDS), r.text
    assert role_of(server, target) == "admin"


def answer(response):
    """(status, JSON body): what authorize answered, an empty body kept as text."""
    return response.status_code, response.json() if response.text else response.text


def bearer_passed(response):
    """authorize let the request through: 200, an empty body, the session's JWT for the upstream."""
    return (response.status_code == 200 and response.text == ""
            and response.headers.get("Authorization", "").startswith("Bearer "))


def test_permission_rows_and_block_rules_ignore_the_case_of_the_path(make_server):
    server = make_server(gateway=True)
    base = server.base
    root = signup(base, "root@example.com")  # the first user: an active superadmin
    # Rows of their own for brokers (a role of the default permissions), written in lower case.
    for action, path in (("ACCEPT", "api/v2/peatio"), ("DROP", "api/v2/peatio/admin")):
        r = root.post(base + "/admin/permissions", json={"role": "broker", "verb": "ALL", "path": path, "action": action})
        assert granted(r), r.text
    broker = signup(base, "broker@example.com")
    assert granted(root.post(base + "/admin/users/role", json={"uid": broker.uid, "role": "broker"}))
    member = signup(base, "member@example.com")  # default rows: ACCEPT api/v2/, DROP api/v2/peatio/admin
    for listener in (base, server.authorize_base):
        for who in (broker, member):
            lower = answer(who.get(listener + "/api/v2/peatio/admin/orders"))
            assert lower == (401, {"errors": ["authz.invalid_permission"]}), lower
            for path in ("/api/v2/peatio/Admin/orders", "/api/v2/peatio/ADMIN/orders", "/api/v2/PEATIO/aDmIn"):
                assert answer(who.get(listener + path)) == lower, (listener, path)
            r = who.get(listener + "/api/v2/peatio/orders")
            assert bearer_passed(r), (listener, r.status_code, r.text)

        # The default block list (api/v2/barong/management, api/v2/peatio/management), with a session or without.
        for path in ("/api/v2/barong/management/users", "/api/v2/barong/Management/users", "/api/v2/BARONG/MANAGEMENT",
                     "/api/v2/peatio/management/x", "/api/v2/peatio/MANAGEMENT/x", "/api/v2/peatio/Management"):
            for who, client in (("root", root), ("nobody", None)):
                r = (client or requests).get(listener + path)
                assert answer(r) == (401, {"errors": ["authz.permission_denied"]}), (listener, path, who)


def test_paths_some_upstreams_read_otherwise_are_refused(make_server):
    """';' path parameters, double encoding and non-ASCII spellings of a rule's path (the outside review)."""
    server = make_server(gateway=True)
    base = server.base
    signup(base, "root@example.com")
    member = signup(base, "member@example.com")
    for listener in (base, server.authorize_base):
        assert bearer_passed(member.get(listener + "/api/v2/peatio/orders"))
        for path in ("/api/v2/barong/public/..;/management", "/api/v2/peatio;x/admin/orders", "/api/v2/peatio%3Bx/admin",
                     "/api/v2/peatio/%252e%252e/admin", "/api/v2/peatio/adm%C4%B1n/orders", "/api/v2/peatio/%EF%BD%81dmin",
                     "/api/v2/peatio/%c0%aeadmin"):
            for who in (member, requests):
                r = who.get(listener + path)
                assert answer(r) == (401, {"errors": ["authz.permission_denied"]}), (listener, path, r.status_code, r.text)


def test_an_operator_cannot_ban_or_reset_the_2fa_of_a_user_above_their_role(server):
    base = server.base
    for email, role in (("root@example.com", "superadmin"), ("support@example.com", "support"), ("admin@example.com", "admin")):
        make_staff(server, email, role)
    support = login(base, "support@example.com")
    admin_uid = login(base, "admin@example.com").uid
    member_uid = signup(base, "member@example.com").uid
    for change in ({"state": "banned"}, {"otp": False}):
        r = support.put(base + "/admin/users", json={"uid": admin_uid, **change})
        assert (r.status_code, r.json()) == (422, EXCEEDS), (change, r.text)
    assert query(server, f"SELECT state FROM users WHERE uid = '{admin_uid}'") == [("active",)]
    # A member is within support's reach, as before.
    r = support.put(base + "/admin/users", json={"uid": member_uid, "state": "banned"})
    assert r.status_code == 200, r.text
    assert query(server, f"SELECT state FROM users WHERE uid = '{member_uid}'") == [("banned",)]
