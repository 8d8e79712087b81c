"""Sessions a user can see and end, against the real
binary: the list and its fields, ending one (refused at once), ending the
others, ending the current one like a logout, another user's id, the
operator routes with their abilities and audit rows, and (on PostgreSQL)
an end seen by a second instance on the next request."""
import hashlib
import re
import time

import pytest
import requests

from conftest import BACKEND
from test_admin import login, make_staff, query, signup

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def refused(response):
    """An ended session's next request: 401 with the session key."""
    return response.status_code == 401 and response.json() == {"errors": ["authz.invalid_session"]}


def logout_cookie(server):
    """The Set-Cookie a logout answers (DELETE identity/sessions), to compare with."""
    s = login(server.base, "owner@example.com")
    return s.delete(server.base + "/identity/sessions").headers["Set-Cookie"]


def login_as(base, email, agent):
    s = requests.Session()
    s.headers["User-Agent"] = agent
    return login(base, email, s)


def test_a_user_lists_and_ends_their_sessions(server):
    base = server.base
    first = signup(base, "owner@example.com")  # opened by signup: method password
    first.headers["User-Agent"] = requests.utils.default_user_agent()
    phone = login_as(base, "owner@example.com", "Phone/1.0")
    laptop = login_as(base, "owner@example.com", "Laptop/2.0")

    r = laptop.get(base + "/resource/sessions")
    assert r.status_code == 200, r.text
    sessions = r.json()
    assert [s["user_agent"] for s in sessions] == ["Laptop/2.0", "Phone/1.0", requests.utils.default_user_agent()]
    assert [s["current"] for s in sessions] == [True, False, False]
    for s in sessions:
        assert set(s) == {"id", "current", "created_at", "last_seen_at", "expires_at", "user_ip", "user_ip_country",
                          "user_agent", "method"}
        assert s["method"] == "password" and s["user_ip"] == "127.0.0.1" and s["user_ip_country"] == ""
        assert ISO.match(s["created_at"]) and ISO.match(s["last_seen_at"]) and ISO.match(s["expires_at"])
        assert s["created_at"] <= s["last_seen_at"] < s["expires_at"]
        assert re.fullmatch(r"[0-9a-f]{32}", s["id"]), s["id"]
    # The id is neither the cookie nor its hash.
    cookie = laptop.cookies.get("_barong_session")
    assert sessions[0]["id"] not in (cookie, hashlib.sha256(cookie.encode()).hexdigest())
    assert "csrf" not in r.text and hashlib.sha256(cookie.encode()).hexdigest() not in r.text

    # Ending the phone's session refuses its next request at once.
    phone_id = sessions[1]["id"]
    assert phone.get(base + "/resource/users/me").status_code == 200  # cached
    r = laptop.delete(base + f"/resource/sessions/{phone_id}")
    assert r.status_code == 200 and r.json() == {}
    assert "_barong_session=;" not in r.headers.get("Set-Cookie", "")
    r = phone.get(base + "/resource/users/me")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}
    r = laptop.delete(base + f"/resource/sessions/{phone_id}")
    assert r.status_code == 404 and r.json() == {"errors": ["resource.session.doesnt_exist"]}

    # A state-changing call needs the CSRF token, as every resource write.
    anonymous = requests.Session()
    anonymous.cookies.update(laptop.cookies)
    anonymous.headers["User-Agent"] = "Laptop/2.0"
    r = anonymous.delete(base + "/resource/sessions")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.missing_csrf_token"]}

    # The others end together; the caller's stays.
    r = laptop.delete(base + "/resource/sessions")
    assert r.status_code == 200 and r.json() == {"ended": 1}
    assert refused(first.get(base + "/resource/users/me"))
    r = laptop.get(base + "/resource/sessions")
    assert r.status_code == 200 and [s["current"] for s in r.json()] == [True]

    # The current one ends like a logout: the cookie is cleared and refused.
    r = laptop.delete(base + f"/resource/sessions/{sessions[0]['id']}")
    assert r.status_code == 200 and r.json() == {}
    assert r.headers["Set-Cookie"] == logout_cookie(server), r.headers["Set-Cookie"]
    stale = requests.Session()
    stale.headers["User-Agent"] = "Laptop/2.0"
    stale.cookies.set("_barong_session", cookie)
    assert refused(stale.get(base + "/resource/users/me"))

    # Each end is in the user's activity log.
    actions = query(server, "SELECT action, result FROM activities WHERE topic = 'session' AND action LIKE 'end%' ORDER BY id")
    assert actions == [("end", "succeed"), ("end_others", "succeed"), ("end", "succeed")]


def test_another_users_session_id_is_unknown_and_api_keys_are_untouched(server):
    base = server.base
    alice = signup(base, "alice@example.com")
    bob = signup(base, "bob@example.com")
    bob_id = bob.get(base + "/resource/sessions").json()[0]["id"]
    for bad in (bob_id, "nope", "0" * 32, "%27%20OR%201=1", "x" * 500):
        r = alice.delete(base + f"/resource/sessions/{bad}")
        assert r.status_code == 404 and r.json() == {"errors": ["resource.session.doesnt_exist"]}, (bad[:20], r.text)
    assert bob.get(base + "/resource/users/me").status_code == 200
    assert alice.get(base + "/resource/users/me").status_code == 200


def test_operators_see_and_end_a_users_sessions(server):
    base = server.base
    make_staff(server, "root@example.com", "superadmin")
    make_staff(server, "tech@example.com", "technical")  # read User only
    root = login(base, "root@example.com")
    tech = login(base, "tech@example.com")
    make_staff(server, "member@example.com", "member")
    member = login(base, "member@example.com")
    victim = signup(base, "victim@example.com")

    r = tech.get(base + f"/admin/users/{victim.uid}/sessions")
    assert r.status_code == 200 and len(r.json()) == 1 and r.json()[0]["current"] is False
    victim_id = r.json()[0]["id"]
    r = tech.delete(base + f"/admin/users/{victim.uid}/sessions/{victim_id}")
    assert r.status_code == 401 and r.json() == {"errors": ["admin.ability.not_permitted"]}
    r = member.get(base + f"/admin/users/{victim.uid}/sessions")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_permission"]}
    assert victim.get(base + "/resource/users/me").status_code == 200

    r = root.get(base + "/admin/users/ID0000000000/sessions")
    assert r.status_code == 404 and r.json() == {"errors": ["admin.user.doesnt_exist"]}
    r = root.delete(base + f"/admin/users/{victim.uid}/sessions/{victim_id}")
    assert r.status_code == 200 and r.json() == {}
    assert refused(victim.get(base + "/resource/users/me"))
    r = root.delete(base + f"/admin/users/{victim.uid}/sessions/{victim_id}")
    assert r.status_code == 404 and r.json() == {"errors": ["resource.session.doesnt_exist"]}

    again = login(base, "victim@example.com")
    r = root.delete(base + f"/admin/users/{victim.uid}/sessions")
    assert r.status_code == 200 and r.json() == {"ended": 1}
    assert refused(again.get(base + "/resource/users/me"))
    assert root.get(base + "/resource/users/me").status_code == 200

    rows = query(server, "SELECT topic, action, target_uid FROM activities WHERE category = 'admin' AND topic = 'sessions' ORDER BY id")
    assert rows == [("sessions", "read", victim.uid), ("sessions", "delete", victim.uid), ("sessions", "delete", victim.uid)]


@pytest.mark.skipif(BACKEND != "postgres", reason="several instances need the shared PostgreSQL backend")
def test_an_ended_session_is_refused_by_the_other_instance(shared_pair):
    a, b = shared_pair
    signup(a.base, "root@example.com")
    on_a = signup(a.base, "user@example.com")
    on_b = login_as(b.base, "user@example.com", "B")
    assert on_b.get(b.base + "/resource/users/me").status_code == 200  # now in B's cache
    ids = {s["user_agent"]: s["id"] for s in on_a.get(a.base + "/resource/sessions").json()}
    r = on_a.delete(a.base + f"/resource/sessions/{ids['B']}")
    assert r.status_code == 200
    # B hears of it through PostgreSQL's NOTIFY, or its 2-second cache ends: within 3 s either way.
    deadline = time.time() + 3
    r = on_b.get(b.base + "/resource/users/me")
    while r.status_code == 200 and time.time() < deadline:
        time.sleep(0.05)
        r = on_b.get(b.base + "/resource/users/me")
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}
    assert on_a.get(a.base + "/resource/users/me").status_code == 200
