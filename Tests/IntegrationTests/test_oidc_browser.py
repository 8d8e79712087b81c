"""The OpenID Connect flow in Debian's headless Chromium: a user who is
not signed in follows an app's authorize URL, lands on a stand-in of the
exchange front-end's sign-in page (served beside the API, as in a
deployment), signs in through the API with 2FA, comes back, approves on
the consent page, and the app's redirect handler receives `code`, `state`
and `iss` — across the consent page's CSP, which must let the form's
redirect to the app through."""
import http.server
import secrets
import threading
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from authlib.integrations.requests_client import OAuth2Session
from conftest import free_port
from helpers import enable_2fa, totp
from oidc_support import Provider

# The front-end's sign-in page: the ordinary API, then back to return_to.
SIGNIN = """<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<form id="signin"><input id="email"><input id="password" type="password"><input id="otp"><button id="go">Sign in</button></form>
<p id="status"></p>
<script>
document.getElementById("signin").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = {email: email.value, password: password.value, otp_code: otp.value};
  const r = await fetch("/api/v2/auth/identity/sessions", {method: "POST", headers: {"Content-Type": "application/json"},
                                                          body: JSON.stringify(body), credentials: "same-origin"});
  if (!r.ok) { document.getElementById("status").textContent = "refused " + r.status; return; }
  location.href = new URLSearchParams(location.search).get("return_to");
});
</script></body></html>"""


class RedirectHandler:
    """The app's callback on the loopback host: records each query it gets."""

    def __init__(self):
        self.port = free_port()
        self.hits = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                if url.path == "/callback":
                    outer.hits.append(dict(urllib.parse.parse_qsl(url.query)))
                body = b"<!doctype html><title>app</title><p id='done'>signed in</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self):
        return f"http://127.0.0.1:{self.port}/callback"


def test_a_signed_out_user_signs_in_with_2fa_consents_and_the_app_gets_its_code():
    provider = Provider(signin_html=SIGNIN).start()
    app_side = RedirectHandler()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--ignore-certificate-errors"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        app = provider.register(name="Support desk", redirect_uris=[app_side.url()])
        user = provider.session("browser-user@example.com")
        secret, step = enable_2fa(user, provider.api(""), user.headers["X-CSRF-Token"])

        rp = OAuth2Session(app["client_id"], app["client_secret"], scope="openid email", redirect_uri=app_side.url(),
                           code_challenge_method="S256")
        authorize_url, state = rp.create_authorization_url(provider.issuer + "/authorize",
                                                           code_verifier=secrets.token_urlsafe(48), nonce="n")
        driver.get(authorize_url)
        wait = WebDriverWait(driver, 15)
        wait.until(expected_conditions.presence_of_element_located((By.ID, "signin")))
        assert urllib.parse.urlsplit(driver.current_url).path == "/signin"
        driver.find_element(By.ID, "email").send_keys("browser-user@example.com")
        driver.find_element(By.ID, "password").send_keys("Xq9!mzPw#Lk2")
        driver.find_element(By.ID, "otp").send_keys(totp(secret, step))  # the step the enabling left unused
        driver.find_element(By.ID, "go").click()

        wait.until(expected_conditions.presence_of_element_located((By.ID, "consent")))
        assert driver.find_element(By.ID, "client-name").text == "Support desk"
        assert driver.find_element(By.ID, "user-email").text == "browser-user@example.com"
        scopes = [li.get_attribute("data-scope") for li in driver.find_elements(By.CSS_SELECTOR, "#scopes li")]
        assert scopes == ["openid", "email"]
        driver.find_element(By.ID, "approve").click()

        wait.until(expected_conditions.presence_of_element_located((By.ID, "done")))
        assert len(app_side.hits) == 1, app_side.hits
        got = app_side.hits[0]
        assert got["state"] == state and got["iss"] == provider.issuer and len(got["code"]) >= 43
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
    finally:
        driver.quit()
        app_side.server.shutdown()
        provider.stop()
