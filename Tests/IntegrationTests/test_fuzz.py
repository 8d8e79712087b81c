"""The OpenAPI document validates, and schemathesis driven by it finds no
5xx, no crash and no response outside the document. The server runs with
the OpenID Connect provider on, so its endpoints (authorize, consent,
token, userinfo, introspect, revoke, logout) are in the document and
fuzzed too. Budget per operation: FUZZ_MAX_EXAMPLES (small in `make test`,
larger in `make fuzz`)."""
import base64
import json
import os
import subprocess

import requests
from openapi_spec_validator import validate

from conftest import STRONG, run_cli

CHECKS = ",".join(["not_a_server_error", "status_code_conformance", "content_type_conformance",
                   "response_headers_conformance", "response_schema_conformance", "unsupported_method"])


def test_document_validates_and_fuzzing_finds_no_server_error(make_server, tmp_path):
    server = make_server(env={"BARONG_OIDC_ENABLED": "true", "BARONG_DOMAIN": "exchange.example",
                              "BARONG_OIDC_LOGIN_URL": "http://127.0.0.1:9/signin"})
    doc = requests.get(server.url("/resource/swagger_doc")).json()
    validate(doc)
    assert "/oidc/token" in doc["paths"] and "/oidc/authorize" in doc["paths"]
    spec = tmp_path / "swagger.json"
    spec.write_text(json.dumps(doc))

    # An active superadmin, so the admin routes are explored past the ability checks.
    r = run_cli("users", "create", "--email", "fuzz@example.com", "--password", STRONG, "--role", "superadmin",
                env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    r = requests.post(server.url("/identity/sessions"), json={"email": "fuzz@example.com", "password": STRONG},
                      headers={"User-Agent": "fuzz"})
    assert r.status_code == 200
    # A gateway JWT: no cookie binding for the fuzzer's odd headers to break.
    auth = requests.get(server.url("/api/v2/fuzz"), cookies=r.cookies, headers={"User-Agent": "fuzz"})
    token = auth.headers["Authorization"]

    fuzz(spec, server, tmp_path, "-H", f"Authorization: {token}",
         "--exclude-operation-id", "delete_identity_sessions", "--exclude-operation-id", "delete_resource_users_me",
         # A random restriction could put the whole server in maintenance for the rest of the run.
         "--exclude-operation-id", "post_admin_restrictions", "--exclude-operation-id", "put_admin_restrictions")

    # The client-authenticated OAuth endpoints again, as a registered confidential client
    # (the pass above sends the gateway JWT, which they refuse before reading the form).
    r = run_cli("oidc", "clients", "create", "--name", "Fuzz", "--redirect-uri", "https://rp.fuzz.test/cb",
                env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    registered = json.loads(r.stdout)
    basic = base64.b64encode(f"{registered['client_id']}:{registered['client_secret']}".encode()).decode()
    fuzz(spec, server, tmp_path, "-H", f"Authorization: Basic {basic}", "--include-path-regex", "^/oidc/(token|introspect|revoke)$")
    assert "Fatal error" not in server.logs() and "Crash" not in server.logs()
    assert requests.get(server.url("/public/ping")).status_code == 200
    assert requests.get(server.url("/oidc/.well-known/openid-configuration")).status_code == 200


def fuzz(spec, server, tmp_path, *options):
    examples = os.environ.get("FUZZ_MAX_EXAMPLES", "10")
    result = subprocess.run(
        ["st", "run", str(spec), "--url", server.base, "-n", examples, *options,
         "-c", CHECKS, "--seed", os.environ.get("FUZZ_SEED", "1")],
        capture_output=True, text=True, timeout=1800, cwd=str(tmp_path))
    summary = result.stdout[-12000:]
    print(summary)
    assert result.returncode == 0, summary
