"""signup → login → me → password change → logout over real HTTP with cookies."""
import requests

from conftest import STRONG

NEW = "Zy8?nQ4!vbW3"


def test_signup_login_me_password_logout(server):
    browser = requests.Session()
    browser.headers["User-Agent"] = "it-browser"

    r = browser.post(server.url("/identity/users"), json={"email": "Flow@Example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["email"] == "flow@example.com"
    assert body["state"] == "active" and body["role"] == "superadmin"
    set_cookie = r.headers["Set-Cookie"]
    assert set_cookie.startswith("_barong_session=")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    signup_cookie = browser.cookies["_barong_session"]

    r = browser.post(server.url("/identity/sessions"), data={"email": "flow@example.com", "password": STRONG})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    assert len(csrf) == 20
    assert browser.cookies["_barong_session"] != signup_cookie, "login must issue a new session id"

    r = browser.get(server.url("/resource/users/me"))
    assert r.status_code == 200
    assert r.json()["email"] == "flow@example.com"
    assert "csrf_token" not in r.json()

    second = requests.Session()
    second.headers["User-Agent"] = "it-phone"
    r = second.post(server.url("/identity/sessions"), json={"email": "flow@example.com", "password": STRONG})
    assert r.status_code == 200

    r = browser.put(server.url("/resource/users/password"),
                    json={"old_password": STRONG, "new_password": NEW, "confirm_password": NEW})
    assert r.status_code == 401 and r.json() == {"errors": ["authz.missing_csrf_token"]}
    r = browser.put(server.url("/resource/users/password"), headers={"X-CSRF-Token": csrf},
                    json={"old_password": STRONG, "new_password": NEW, "confirm_password": NEW})
    assert r.status_code == 201, r.text
    assert r.text == ""

    assert browser.get(server.url("/resource/users/me")).status_code == 200
    r = second.get(server.url("/resource/users/me"))
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}

    r = browser.get(server.url("/resource/users/activity/all"))
    actions = [(a["topic"], a["action"], a["result"]) for a in r.json()]
    assert ("password", "password change", "succeed") in actions
    assert ("session", "login", "succeed") in actions
    assert ("account", "signup", "succeed") in actions
    assert r.headers["Total"] == str(len(actions))

    r = browser.delete(server.url("/identity/sessions"))
    assert r.status_code == 200 and r.text == ""
    assert "_barong_session" not in browser.cookies
    r = browser.get(server.url("/resource/users/me"))
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}

    r = requests.post(server.url("/identity/sessions"), json={"email": "flow@example.com", "password": STRONG})
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.invalid_params"]}
    r = requests.post(server.url("/identity/sessions"), json={"email": "flow@example.com", "password": NEW})
    assert r.status_code == 200


def test_logs_hold_no_secret(server):
    s = requests.Session()
    r = s.post(server.url("/identity/users"), json={"email": "secret@example.com", "password": STRONG})
    assert r.status_code == 201
    cookie = s.cookies["_barong_session"]
    csrf = r.json()["csrf_token"]
    s.get(server.url("/resource/users/me?password=" + STRONG))
    logs = server.logs()
    assert "path=/api/v2/auth/identity/users" in logs
    assert "status=201" in logs
    requests.get(server.url("/identity/nothing"))
    assert "status=404" in server.logs(), "failures get an access-log line too"
    for secret in (STRONG, cookie, csrf):
        assert secret not in logs


def test_forwarded_for_is_trusted_from_loopback(server):
    s = requests.Session()
    r = s.post(server.url("/identity/users"), json={"email": "ip@example.com", "password": STRONG},
               headers={"X-Forwarded-For": "203.0.113.7, 127.0.0.1"})
    assert r.status_code == 201
    r = s.get(server.url("/resource/users/activity/account"), headers={"X-Forwarded-For": "203.0.113.99"})
    assert r.status_code == 200, r.text
    assert r.json()[0]["user_ip"] == "203.0.113.7"
    # The session is bound to 203.0.0.0/16: an address outside it is refused.
    r = s.get(server.url("/resource/users/me"), headers={"X-Forwarded-For": "198.51.100.1"})
    assert r.status_code == 401 and r.json() == {"errors": ["authz.client_session_mismatch"]}
