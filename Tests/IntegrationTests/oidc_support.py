"""The OpenID Connect provider as a relying party meets it: the release
binary behind nginx with TLS (pyoidc refuses an issuer that is not https),
a superadmin to register clients, a signed-in user, and the consent form
answered as a browser would."""
import html
import os
import re
import subprocess
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

import requests

from conftest import STRONG, Server, free_port
from helpers import make_tls_files


class TLSProxy:
    """nginx terminating TLS for 127.0.0.1 in front of the server's API, and
    serving `/signin` as the front-end's stand-in sign-in page."""

    def __init__(self, upstream_port, signin_html=""):
        self.dir = tempfile.mkdtemp(prefix="portcullis-oidc-nginx-")
        self.ca, crt, key = make_tls_files(self.dir)
        self.port = free_port()
        with open(os.path.join(self.dir, "signin.html"), "w") as f:
            f.write(signin_html)
        self.conf = os.path.join(self.dir, "nginx.conf")
        d = self.dir
        with open(self.conf, "w") as f:
            f.write(f"""
worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}; proxy_temp_path {d}; fastcgi_temp_path {d}; uwsgi_temp_path {d}; scgi_temp_path {d};
    server {{
        listen 127.0.0.1:{self.port} ssl;
        ssl_certificate {crt};
        ssl_certificate_key {key};
        location /api/v2/auth/ {{
            proxy_pass http://127.0.0.1:{upstream_port};
            proxy_set_header Host $host:$server_port;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
        location = /signin {{
            default_type text/html;
            alias {d}/signin.html;
        }}
    }}
}}
""")

    def start(self):
        self.proc = subprocess.Popen(["nginx", "-c", self.conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                requests.get(self.url("/signin"), verify=self.ca, timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + open(f"{self.dir}/error.log").read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)

    def url(self, path):
        return f"https://127.0.0.1:{self.port}{path}"


class Provider:
    """The server (oidc_enabled, its issuer derived from `domain`) behind TLSProxy."""

    def __init__(self, env=None, signin_html="", gateway=False):
        self.server = Server(env=env, gateway=gateway)
        self.proxy = TLSProxy(self.server.port, signin_html)
        origin = f"https://127.0.0.1:{self.proxy.port}"
        self.issuer = origin + "/api/v2/auth/oidc"
        self.server.env.update({"BARONG_DOMAIN": origin, "BARONG_OIDC_ENABLED": "true",
                                "BARONG_OIDC_LOGIN_URL": origin + "/signin"})

    def start(self):
        self.server.start()
        self.proxy.start()
        self.admin = self.session("root@example.com")  # the first user: superadmin
        return self

    def stop(self):
        self.proxy.stop()
        return self.server.stop()

    def api(self, path):
        return self.proxy.url("/api/v2/auth" + path)

    def session(self, email, password=STRONG, signup=True):
        s = trusting(requests.Session(), self.proxy.ca)
        path = "/identity/users" if signup else "/identity/sessions"
        r = s.post(self.api(path), json={"email": email, "password": password}, timeout=30)
        assert r.status_code in (200, 201), r.text
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return s

    def register(self, **fields):
        r = self.admin.post(self.api("/admin/oidc/clients"), json=fields, timeout=30)
        assert r.status_code == 201, r.text
        return r.json()


def trusting(session, ca):
    """A requests session that verifies with the test CA: without
    trust_env off, REQUESTS_CA_BUNDLE in the environment would win."""
    session.trust_env = False
    session.verify = ca
    return session


def approve(browser, authorize_url, decision="approve"):
    """Follows an authorize URL as the signed-in browser; answers the consent
    page when one is shown. Returns the final redirect's Location."""
    r = browser.get(authorize_url, allow_redirects=False, timeout=30)
    if r.status_code == 200:
        assert "id=\"consent\"" in r.text, r.text
        fields = {html.unescape(n): html.unescape(v)
                  for n, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', r.text)}
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)"', r.text).group(1))
        fields["decision"] = decision
        base = urlsplit(authorize_url)
        r = browser.post(f"{base.scheme}://{base.netloc}{action}", data=fields, allow_redirects=False, timeout=30)
    assert r.status_code == 302, (r.status_code, r.text)
    return r.headers["Location"]


def query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
