"""Fuzzing the parts schemathesis cannot sign or does not stress: every
management route with generated, signed bodies (hostile values of every
type for every parameter name the API reads), and extreme integers in every
numeric parameter of the OpenAPI document. No 5xx, no crash. Budget per
route: FUZZ_MAX_EXAMPLES (small in `make test`, larger in `make fuzz`)."""
import os
import random

import requests

from conftest import STRONG, run_cli
from test_management import mgmt  # noqa: F401  (the fixture: both signers on every scope)

ROUTES = ["timestamp", "users/get", "users/list", "users", "users/update", "users/import", "profiles",
          "labels/filter/users", "labels/list", "labels", "labels/delete", "otp/sign", "documents", "phones/get", "phones",
          "phones/delete", "api_keys", "api_keys/update", "service_accounts/get", "service_accounts/list",
          "service_accounts/create", "service_accounts/update", "service_accounts/delete"]
PARAMS = ["uid", "email", "phone_num", "user_uid", "key", "value", "scope", "description", "replace", "extended", "page", "limit",
          "range", "from", "to", "role", "data", "state", "level", "password", "password_digest", "referral_uid", "phone",
          "first_name", "last_name", "dob", "address", "postcode", "city", "country", "otp_code", "jwt", "doc_type",
          "doc_number", "doc_expire", "filename", "file_ext", "upload", "update_labels", "metadata", "number", "algorithm",
          "scopes", "kid", "service_account_role", "service_account_uid", "service_account_email", "service_account_state",
          "service_account_level", "owner_uid", "owner_email"]
EXTREME_INTEGERS = [2 ** 31, 2 ** 63 - 1, 2 ** 63, -(2 ** 63), -(2 ** 63) - 1, 10 ** 30, -1, 0]
HOSTILE = EXTREME_INTEGERS + [
    "", " ", "x", "a" * 5000, "ID0000000000", "SI0000000000", "user@example.com", "' OR 1=1 --", "nul\u0000byte", "ü\u202e",
    1e300, -1e300, 0.5, True, False, None, [], [1, "a"], {}, {"a": {"b": [1]}}, "2021-13-45", "1990-01-01", "true", "1e400",
    "99999999999999999999999", "-9223372036854775809", "aGVsbG8=", "HS256", "Passport", "jpg", "+380501234567",
    {"payload": "e30", "signatures": []}]


def test_signed_management_requests_never_get_a_server_error(mgmt):
    server = mgmt.server
    r = requests.post(server.url("/identity/users"), json={"email": "user@example.com", "password": STRONG})
    assert r.status_code == 201
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "1")))
    examples = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))
    statuses = {}
    for route in ROUTES:
        for _ in range(examples):
            data = {name: rng.choice(HOSTILE) for name in rng.sample(PARAMS, rng.randint(0, 8))}
            r = mgmt.both(route, data)
            assert r.status_code < 500, (route, data, r.status_code, r.text)
            r.json()  # always a JSON body
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
    print("management fuzz statuses:", statuses)
    assert set(statuses) - {400, 401, 404, 422}, "some generated requests got past validation"
    assert server.proc.poll() is None and "Fatal error" not in server.logs()
    assert requests.get(server.url("/public/ping")).json() == {"ping": "pong"}


def test_extreme_integers_in_every_numeric_parameter(server):
    doc = requests.get(server.url("/resource/swagger_doc")).json()
    r = run_cli("users", "create", "--email", "root@example.com", "--password", STRONG, "--role", "superadmin",
                env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    r = requests.post(server.url("/identity/sessions"), json={"email": "root@example.com", "password": STRONG})
    token = requests.get(server.url("/api/v2/any"), cookies=r.cookies).headers["Authorization"]
    tried = 0
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            numeric = [p["name"] for p in operation.get("parameters", []) if p.get("type") == "integer"]
            for name in numeric:
                for value in [str(v) for v in EXTREME_INTEGERS] + ["1e400", "99999999999999999999999", "0x10", "1.5"]:
                    url = server.base + path.replace("{", "").replace("}", "")
                    kwargs = {"params": {name: value}} if method in ("get", "delete") else {"json": {name: value}}
                    r = requests.request(method.upper(), url, headers={"Authorization": token}, **kwargs)
                    assert r.status_code < 500, (method, path, name, value, r.status_code, r.text)
                    tried += 1
    assert tried > 100, tried
    assert server.proc.poll() is None and "Fatal error" not in server.logs()
    assert requests.get(server.url("/public/ping")).json() == {"ping": "pong"}
