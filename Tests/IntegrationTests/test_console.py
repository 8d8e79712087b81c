"""The admin console in a real browser: Debian's headless
Chromium driven by chromedriver through Selenium, against the release
binary. Operators sign in with a 2FA code, find and ban a user, work the
KYC queue, add restrictions (and are warned before locking themselves out),
export activities as CSV, register an OpenID Connect app (its secret shown
once) and make it a new secret; members, operators without the ability and forms
without a CSRF token are refused. Every page is checked for its CSP header,
console errors, labelled controls and a layout that fits 1280 and 390 px;
a screenshot of each is written under screenshots/<backend>/ (not committed)."""
import csv
import hashlib
import io
import os
import re
import time

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import BACKEND, STRONG, Server, run_cli
from helpers import enable_2fa, tiny_png, totp
from test_admin import query

SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "screenshots", BACKEND)
PAGES = ["/admin/", "/admin/users", "/admin/kyc", "/admin/access", "/admin/activity", "/admin/oidc"]


class Staff:
    """A user made by `portcullis users create`, with 2FA on when asked; `code()` is a fresh TOTP code."""

    def __init__(self, server, email, role, otp=True):
        r = run_cli("users", "create", "--email", email, "--password", STRONG, "--role", role, env=server.env, cwd=server.dir)
        assert r.returncode == 0, r.stderr
        self.email = email
        self.secret = None
        if otp:
            s = requests.Session()
            r = s.post(server.url("/identity/sessions"), json={"email": email, "password": STRONG})
            assert r.status_code == 200, r.text
            self.secret, self.step = enable_2fa(s, server.base, r.json()["csrf_token"])

    def code(self):
        """Each sign-in uses the next unused step (the server refuses a code twice)."""
        code = totp(self.secret, self.step)
        self.step += 1
        return code


@pytest.fixture(scope="module")
def console():
    server = Server(env={"BARONG_KYC_PROVIDER": "local", "BARONG_LOGIN_THROTTLE_IP": "0"}).start()
    server.root = Staff(server, "root@example.com", "superadmin")
    yield server
    assert server.stop() == 0, server.logs()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def sign_in(driver, server, email, code):
    driver.delete_all_cookies()
    driver.get(console_url(server, "/admin/sign_in"))
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(STRONG)
    driver.find_element(By.ID, "otp_code").send_keys(code)
    click_and_load(driver, driver.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]"))


def click_and_load(driver, element, confirm=False):
    """Clicks and waits for the next page (accepting the confirm() dialog first when asked)."""
    driver.execute_script("window.portcullisOldPage = true")
    element.click()
    if confirm:
        WebDriverWait(driver, 10).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && window.portcullisOldPage === undefined"))


def console_url(server, path):
    return f"http://127.0.0.1:{server.port}{path}"


def go(driver, server, path):
    driver.get(console_url(server, path))


def flash(driver):
    return driver.find_element(By.CSS_SELECTOR, ".flash").text


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def cookie_session(driver, server):
    """A requests session carrying the browser's console cookie (for headers, CSV and hostile posts)."""
    s = requests.Session()
    s.cookies.set("portcullis_console", driver.get_cookie("portcullis_console")["value"], domain="127.0.0.1", path="/admin/")
    return s


def form_fields(html):
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))


def test_members_and_operators_without_2fa_are_refused(console, browser):
    Staff(console, "member@example.com", "member")
    member = Staff(console, "member2@example.com", "member")
    sign_in(browser, console, member.email, member.code())
    assert "admin.ability.not_permitted" in browser.find_element(By.ID, "sign-in-error").text
    Staff(console, "tech@example.com", "technical", otp=False)
    sign_in(browser, console, "tech@example.com", "123456")
    assert "admin.console.otp_required" in browser.find_element(By.ID, "sign-in-error").text
    sign_in(browser, console, console.root.email, "000000")
    assert "identity.session.invalid_otp" in browser.find_element(By.ID, "sign-in-error").text
    # Nothing signed in: every page sends the browser to the sign-in form.
    go(browser, console, "/admin/users")
    assert browser.current_url.endswith("/admin/sign_in")


def test_operator_signs_in_with_otp_and_gets_a_strict_cookie(console, browser):
    sign_in(browser, console, console.root.email, console.root.code())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard"
    cookie = browser.get_cookie("portcullis_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/admin/", cookie
    assert browser.get_cookie("_barong_session") is None
    # The console cookie opens no API route, and the API cookie no console page.
    r = cookie_session(browser, console).get(console.url("/resource/users/me"))
    assert r.status_code == 401, r.text
    r = cookie_session(browser, console).get(console_url(console, "/admin/"), allow_redirects=False)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["Cache-Control"] == "no-store"


def test_find_a_user_and_ban_them(console, browser):
    victim = requests.Session()
    r = victim.post(console.url("/identity/users"), json={"email": "victim@example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    uid = r.json()["uid"]
    assert victim.get(console.url("/resource/users/me")).status_code == 200

    go(browser, console, "/admin/users")
    browser.find_element(By.NAME, "email").send_keys("victim@example.com")
    click_and_load(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#users tbody tr")
    assert len(rows) == 1 and uid in rows[0].text
    click_and_load(browser, rows[0].find_element(By.LINK_TEXT, "victim@example.com"))
    assert browser.find_element(By.ID, "user-uid").text == uid
    click_and_load(browser, browser.find_element(By.ID, "ban"), confirm=True)
    assert flash(browser) == f"State of {uid} set to banned."
    assert browser.find_element(By.ID, "user-state").text == "banned"
    r = victim.get(console.url("/resource/users/me"))
    assert r.status_code == 401 and r.json() == {"errors": ["authz.invalid_session"]}, r.text
    state = query(console, f"SELECT state FROM users WHERE uid = '{uid}'")
    assert state == [("banned",)]


def test_approve_a_document_raises_the_level(console, browser):
    user = requests.Session()
    r = user.post(console.url("/identity/users"), json={"email": "kyc@example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    uid = r.json()["uid"]
    user.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    r = user.post(console.url("/resource/documents"), data={"doc_type": "Passport", "doc_number": "AB123456",
                                                            "doc_expire": "2099-12-31"},
                  files=[("upload[]", ("passport.png", tiny_png(), "image/png"))])
    assert r.status_code == 201, r.text

    go(browser, console, f"/admin/users/{uid}")
    for key in ("email", "phone"):
        form = browser.find_element(By.CSS_SELECTOR, f"form[action='/admin/users/{uid}/labels']")
        form.find_element(By.NAME, "key").send_keys(key)
        form.find_element(By.NAME, "value").send_keys("verified")
        click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert flash(browser) == f"Label {key} (private) is verified."
    assert browser.find_element(By.ID, "user-level").text == "2"
    # The document's file is served to the operator through a gated route, never a public URL.
    image = browser.find_element(By.CSS_SELECTOR, ".document img")
    assert browser.execute_script("return arguments[0].naturalWidth", image) > 0
    assert requests.get(image.get_attribute("src")).history[0].status_code == 303

    go(browser, console, "/admin/kyc")
    review = browser.find_element(By.ID, f"review-{uid}")
    click_and_load(browser, review.find_element(By.CSS_SELECTOR, "button.approve"))
    assert flash(browser) == f"Documents of {uid} verified."
    assert browser.find_elements(By.ID, f"review-{uid}") == []
    me = user.get(console.url("/resource/users/me")).json()
    assert me["level"] == 3, me
    events = query(console, "SELECT payload FROM outbox WHERE name = 'system.document.verified'")
    assert len(events) == 1 and uid in events[0][0]


def test_add_a_restriction_and_be_warned_before_a_lockout(console, browser):
    go(browser, console, "/admin/access")
    form = browser.find_element(By.ID, "add-restriction")
    Select(form.find_element(By.NAME, "category")).select_by_value("blacklist")
    Select(form.find_element(By.NAME, "scope")).select_by_value("ip")
    form.find_element(By.NAME, "value").send_keys("10.9.8.7")
    click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert flash(browser) == "Restriction blacklist ip 10.9.8.7 added."
    assert "10.9.8.7" in browser.find_element(By.ID, "restrictions").text

    form = browser.find_element(By.ID, "add-restriction")
    Select(form.find_element(By.NAME, "category")).select_by_value("maintenance")
    Select(form.find_element(By.NAME, "scope")).select_by_value("all")
    form.find_element(By.NAME, "value").send_keys("all")
    click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert "127.0.0.1" in browser.find_element(By.ID, "lockout-warning").text
    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Cancel"))
    assert "maintenance" not in browser.find_element(By.ID, "restrictions").text
    assert query(console, "SELECT COUNT(*) FROM restrictions WHERE category = 'maintenance'") == [("0",)]
    assert requests.get(console.url("/public/ping")).status_code == 200


def test_activity_csv_export_parses(console, browser):
    go(browser, console, "/admin/activity?kind=admin")
    assert "console" in browser.find_element(By.ID, "activity").text
    href = browser.find_element(By.ID, "csv-export").get_attribute("href")
    r = cookie_session(browser, console).get(href)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and set(rows[0]) >= {"created_at", "user_email", "topic", "action", "result", "user_ip"}
    seen = {(row["user_email"], row["topic"], row["action"], row["result"]) for row in rows}
    assert ("root@example.com", "console", "login", "succeed") in seen, seen
    assert ("member2@example.com", "console", "login", "denied") in seen, seen
    assert ("tech@example.com", "console", "login", "failed") in seen, seen
    r = cookie_session(browser, console).get(href.replace("kind=admin", "kind=user"))
    users = list(csv.DictReader(io.StringIO(r.text)))
    assert any(row["user_email"] == "victim@example.com" and row["topic"] == "account" for row in users), users[:3]


def test_a_form_without_its_csrf_token_is_refused(console, browser):
    s = cookie_session(browser, console)
    r = s.post(console_url(console, "/admin/access/restrictions"),
               data={"category": "blacklist", "scope": "ip", "value": "10.1.1.1"}, allow_redirects=False)
    assert r.status_code == 403 and "admin.console.invalid_csrf_token" in r.text
    r = s.post(console_url(console, "/admin/access/restrictions"),
               data={"category": "blacklist", "scope": "ip", "value": "10.1.1.1", "csrf_token": "0" * 32}, allow_redirects=False)
    assert r.status_code == 403 and "admin.console.invalid_csrf_token" in r.text
    assert query(console, "SELECT COUNT(*) FROM restrictions WHERE value = '10.1.1.1'") == [("0",)]


def test_register_an_app_see_its_secret_once_and_rotate_it(console, browser):
    go(browser, console, "/admin/oidc")
    assert "OpenID Connect is off" in browser.find_element(By.ID, "oidc-off").text
    form = browser.find_element(By.ID, "add-client")
    form.find_element(By.NAME, "name").send_keys("Grafana")
    form.find_element(By.NAME, "redirect_uris").send_keys("https://grafana.example/login/generic_oauth\nhttps://grafana.example/b")
    form.find_element(By.NAME, "scope_profile").click()  # off: openid and email stay ticked
    form.find_element(By.NAME, "first_party").click()
    click_and_load(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    client_id = browser.find_element(By.ID, "client-id").text
    secret = browser.find_element(By.ID, "client-secret").text
    assert len(secret) >= 43 and all(secret not in c["value"] for c in browser.get_cookies()) and secret not in browser.current_url
    rows = query(console, "SELECT secret_hash, redirect_uris, scopes, first_party FROM oidc_clients WHERE client_id = "
                          f"'{client_id}'")
    assert rows[0][0] == hashlib.sha256(secret.encode()).hexdigest(), rows
    assert "grafana.example/b" in rows[0][1] and "profile" not in rows[0][2] and rows[0][3] in ("1", "t", "true"), rows

    click_and_load(browser, browser.find_element(By.LINK_TEXT, "Go to the app"))
    assert secret not in browser.page_source
    assert browser.find_element(By.NAME, "scope_email").is_selected() and not browser.find_element(By.NAME, "scope_profile").is_selected()
    click_and_load(browser, browser.find_element(By.ID, "rotate-secret"), confirm=True)
    rotated = browser.find_element(By.ID, "client-secret").text
    assert rotated != secret and query(console, f"SELECT secret_hash FROM oidc_clients WHERE client_id = '{client_id}'") == [
        (hashlib.sha256(rotated.encode()).hexdigest(),)]
    go(browser, console, f"/admin/oidc/clients/{client_id}")
    click_and_load(browser, browser.find_element(By.ID, "delete-client"), confirm=True)
    assert flash(browser).startswith(f"Client {client_id} deleted") and "Grafana" not in browser.find_element(By.ID, "oidc-clients").text


def test_pages_are_labelled_fit_both_widths_and_log_no_errors(console, browser):
    os.makedirs(SHOTS, exist_ok=True)
    browser.get_log("browser")  # drained: the refusals above logged their 4xx statuses
    uid = query(console, "SELECT uid FROM users WHERE email = 'kyc@example.com'")[0][0]
    for width, height in ((1280, 900), (390, 844)):
        browser.set_window_size(width, height)
        for path in PAGES + [f"/admin/users/{uid}"]:
            go(browser, console, path)
            assert browser.find_element(By.TAG_NAME, "h1").text
            unlabelled = browser.execute_script("""
                return Array.from(document.querySelectorAll('input, select, textarea'))
                  .filter(e => e.type !== 'hidden' && e.labels.length === 0).map(e => e.name);""")
            assert unlabelled == [], (path, unlabelled)
            overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, width, overflow)
            assert console_errors(browser) == [], path
            name = (path.strip("/").replace("/", "-") or "admin") + f"-{width}.png"
            browser.save_screenshot(os.path.join(SHOTS, name))
    browser.set_window_size(1280, 900)


def test_an_operator_without_the_ability_is_refused(console, browser):
    support = Staff(console, "support@example.com", "support")
    sign_in(browser, console, support.email, support.code())
    nav = browser.find_element(By.CSS_SELECTOR, "header nav").text
    assert "Users" in nav and "Permissions" not in nav
    go(browser, console, "/admin/access")
    assert "admin.ability.not_permitted" in browser.find_element(By.ID, "error-message").text
    s = cookie_session(browser, console)
    page = s.get(console_url(console, "/admin/users")).text
    token = form_fields(page)["csrf_token"]
    r = s.post(console_url(console, "/admin/access/restrictions"),
               data={"category": "blacklist", "scope": "ip", "value": "10.2.2.2", "csrf_token": token, "back": "/admin/access"},
               allow_redirects=False)
    assert r.status_code == 303
    assert "admin.ability.not_permitted" in requests.utils.unquote(r.headers["Set-Cookie"])
    assert query(console, "SELECT COUNT(*) FROM restrictions WHERE value = '10.2.2.2'") == [("0",)]


def api_sign_in(server, email, user_agent):
    """A session opened through the API with this User-Agent (sent as UTF-8 bytes, as a browser could)."""
    s = requests.Session()
    s.headers["User-Agent"] = user_agent.encode("utf-8")
    r = s.post(server.url("/identity/sessions"), json={"email": email, "password": STRONG})
    assert r.status_code == 200, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s, r.json()["uid"]


def role_forms(driver):
    """The action attributes (as written, not resolved) of the page's forms that post to a role route."""
    return driver.execute_script(
        "return Array.from(document.forms).map(f => f.getAttribute('action')).filter(a => a.includes('/role'))")


def form_owner(driver, element_id):
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e.form && e.form.getAttribute('action')",
                                 element_id)


def test_markup_behind_unicode_marks_stays_text(console, browser):
    """A prepend mark before `<` (or a combining one after `>`) made
    one Character with it, which the HTML escaper compared whole and let
    through. A member's User-Agent then planted a form on the operator's page
    that took over the comment form's fields (HTML ignores a second <form>
    start tag) and posted role=superadmin. Now the agent shows as text, the
    comment is saved, the role stays, and profile names refuse such text."""
    admin = Staff(console, "admin28@example.com", "admin")
    Staff(console, "agent28@example.com", "member", otp=False)
    Staff(console, "plain28@example.com", "member", otp=False)
    uid = query(console, "SELECT uid FROM users WHERE email = 'agent28@example.com'")[0][0]
    agent = (f"Mozilla/5.0 \u0600<form action=/admin/users/{uid}/role method=post>\u0301"
             "\u0600<input type=hidden name=role value=superadmin>\u0301")
    member, _ = api_sign_in(console, "agent28@example.com", agent)
    plain, plain_uid = api_sign_in(console, "plain28@example.com", "Mozilla/5.0 plain")
    # Names are letters by scalar: a Malayalam prepend letter no longer carries markup in, but Malayalam names pass.
    r = member.post(console.url("/resource/profiles"), json={"first_name": "\u0D4E<textarea \u0D4E>", "last_name": "Lee"})
    assert r.status_code == 422 and r.json() == {"errors": ["first_name.invalid"]}, r.text
    for s in (member, plain):  # the same profile (and its label, with its form) on both pages
        r = s.post(console.url("/resource/profiles"), json={"first_name": "\u0D4Eമലയാളം", "last_name": "ജോൺ"})
        assert r.status_code == 201, r.text

    sign_in(browser, console, admin.email, admin.code())
    browser.get_log("browser")  # drained: earlier tests' refusals logged their 4xx statuses
    go(browser, console, f"/admin/users/{plain_uid}")
    plain_forms, plain_role_forms = len(browser.find_elements(By.TAG_NAME, "form")), role_forms(browser)
    go(browser, console, f"/admin/users/{uid}")
    assert role_forms(browser) == plain_role_forms == [], "an admin gets no role form; any here was injected"
    assert len(browser.find_elements(By.TAG_NAME, "form")) == plain_forms
    assert browser.find_elements(By.CSS_SELECTOR, "input[name=role][value=superadmin]") == []
    # HTML ignores a second <form> start tag while one is open: a planted form would own the comment's fields.
    assert form_owner(browser, "comment-data") == f"/admin/users/{uid}/comments"
    assert f"<form action=/admin/users/{uid}/role method=post>" in browser.find_element(By.ID, "sessions").text
    assert "\u0D4Eമലയാളം ജോൺ" in browser.find_element(By.ID, "profiles-h").find_element(By.XPATH, "..").text

    # The comment form posts the comment, not a planted form's fields; its own text stays text too.
    comment = "\u0600<b id=planted>bold</b>\u0301 checked"
    browser.find_element(By.ID, "comment-title").send_keys("UA check")
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "comment-data"), comment)
    click_and_load(browser, browser.find_element(By.XPATH, "//button[text()='Add comment']"))
    assert flash(browser) == "Comment added."
    assert browser.find_elements(By.ID, "planted") == []
    assert "<b id=planted>" in browser.find_element(By.ID, "comments-h").find_element(By.XPATH, "..").text
    saved = query(console, f"SELECT c.title, c.data FROM comments c JOIN users u ON u.id = c.user_id WHERE u.uid = '{uid}'")
    assert saved == [("UA check", comment)], saved
    assert query(console, f"SELECT role FROM users WHERE uid = '{uid}'") == [("member",)]
    assert console_errors(browser) == []


def test_idle_logout_and_the_switch(make_server):
    server = make_server(env={"BARONG_ADMIN_CONSOLE_IDLE_TIMEOUT": "2"})
    root = Staff(server, "root@example.com", "superadmin")
    admin = f"http://127.0.0.1:{server.port}/admin"
    s = requests.Session()
    token = form_fields(s.get(admin + "/sign_in").text)["csrf_token"]
    r = s.post(admin + "/sign_in", data={"email": root.email, "password": STRONG, "otp_code": root.code(), "csrf_token": token},
               allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/admin/", r.text
    assert s.get(admin + "/users", allow_redirects=False).status_code == 200
    time.sleep(3.5)
    r = s.get(admin + "/users", allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/admin/sign_in"
    assert query(server, "SELECT COUNT(*) FROM console_sessions") == [("0",)]

    off = make_server(env={"BARONG_ADMIN_CONSOLE": "false"})
    r = requests.get(f"http://127.0.0.1:{off.port}/admin/sign_in")
    assert r.status_code == 404 and r.json() == {"errors": ["server.route_not_found"]}
