"""Run by test_security.py inside a network namespace of its own (unshare):
the client gets an address that is no trusted proxy (192.0.2.10, a
documentation address on this namespace's loopback), talks to the shipped
nginx config, and writes an X-Forwarded-For of its choosing. Portcullis must
see 192.0.2.10, the address nginx appended, never the one the client wrote.
Exits non-zero on the first failed check."""
import http.client
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CLIENT = "192.0.2.10"
SPOOFED = "203.0.113.7"
USER_AGENT = "netns-client"


def main():
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "addr", "add", f"{CLIENT}/32", "dev", "lo"], check=True)

    import conftest
    from conftest import STRONG, Server
    from helpers import EchoBackend, Nginx

    server = Server().start()
    backend = EchoBackend().start()
    nginx = Nginx(tempfile.mkdtemp(prefix="portcullis-nginx-"), server.port, backend.port).start()
    try:
        def call(method, path, body=None, cookie=None, csrf=None, forwarded=SPOOFED):
            conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10, source_address=(CLIENT, 0))
            headers = {"User-Agent": USER_AGENT, "Content-Type": "application/json"}
            if forwarded:
                headers["X-Forwarded-For"] = forwarded
            if cookie:
                headers["Cookie"] = cookie
            if csrf:
                headers["X-CSRF-Token"] = csrf
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            data = response.read()
            conn.close()
            cookie_header = response.getheader("Set-Cookie") or ""
            is_json = (response.getheader("Content-Type") or "").startswith("application/json")
            return response.status, (json.loads(data) if is_json else data), cookie_header.split(";")[0]

        status, root, cookie = call("POST", "/api/v2/auth/identity/users", {"email": "root@example.com", "password": STRONG})
        assert status == 201, (status, root)
        csrf = root["csrf_token"]
        # The activity log has the address nginx saw, not the written one.
        status, rows, _ = call("GET", "/api/v2/auth/resource/users/activity/all", cookie=cookie)
        assert status == 200 and rows[0]["user_ip"] == CLIENT, rows
        # The session is bound to that address: the same cookie with another
        # written address still works (the written one never counts).
        status, _, _ = call("GET", "/api/v2/auth/resource/users/me", cookie=cookie, forwarded="198.51.100.1, 10.0.0.1")
        assert status == 200, status

        # A blacklist row for the real address holds whatever the client writes.
        status, body, _ = call("POST", "/api/v2/auth/admin/restrictions", {"scope": "ip", "value": CLIENT, "category": "blacklist"},
                               cookie=cookie, csrf=csrf)
        assert status == 200, (status, body)
        for forwarded in (SPOOFED, f"{SPOOFED}, 127.0.0.1", "127.0.0.1", None):
            status, body, _ = call("GET", "/api/v2/peatio/account/balances", cookie=cookie, forwarded=forwarded)
            assert status == 401, (forwarded, status, body)
            status, body, _ = call("GET", "/api/v2/auth/public/ping", forwarded=forwarded)
            assert (status, body) == (401, {"errors": ["authz.restrict.blacklist"]}), (forwarded, status, body)
        print("client address checks passed")
    finally:
        nginx.stop()
        backend.stop()
        server.stop()
        if conftest._cluster is not None:
            conftest._cluster.stop()


if __name__ == "__main__":
    main()
