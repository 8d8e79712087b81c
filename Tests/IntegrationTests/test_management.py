"""The management API against the real binary, signed by jwcrypto (an
independent JOSE implementation): two signers (RS256 and ES256), every
route, every refusal of the request format checks, start-up refusals of a bad management_api.yml,
otp/sign checked by jwcrypto against the server's key, and service
accounts created here working through authorize."""
import base64
import json
import os
import tempfile
import time

import bcrypt
import pytest
import requests
from jwcrypto import jwk, jws

from conftest import BACKEND, STRONG, Server, new_database_url, run_cli
from helpers import api_key_headers, enable_2fa, totp
from mgmt_signer import SCOPES, Signer, claims, config_yaml, sign

APPLOGIC = Signer("applogic", "RS256")
PEATIO = Signer("peatio", "ES256")
ROGUE = Signer("applogic", "RS256")  # same kid, key not in the keychain


def write_config(directory, text):
    path = os.path.join(directory, "management_api.yml")
    with open(path, "w") as f:
        f.write(text)
    return path


@pytest.fixture
def mgmt(make_server):
    d = tempfile.mkdtemp(prefix="portcullis-mgmt-")
    scopes = {name: (["applogic", "peatio"], ["applogic"]) for name in SCOPES}
    scopes["read_users"] = (["applogic", "peatio"], ["applogic", "peatio"])
    # The peatio key comes through Barong's ERB substitution.
    text = config_yaml({"applogic": ("RS256", APPLOGIC.public_value()), "peatio": ("ES256", "<%= ENV['PEATIO_KEY'] %>")}, scopes)
    path = write_config(d, text)
    server = make_server(env={"BARONG_MANAGEMENT_API_CONFIG": path, "PEATIO_KEY": PEATIO.public_value(),
                              "BARONG_MGN_API_KEYS_SA": "true", "BARONG_MGN_API_KEYS_USER": "true"})
    return Client(server)


class Client:
    def __init__(self, server):
        self.server = server

    def call(self, path, data=None, signers=(APPLOGIC,), method="POST", **claim_overrides):
        body = sign(claims(data, **claim_overrides), *signers)
        return requests.request(method, self.server.url("/management/" + path), json=body)

    def both(self, path, data=None):
        return self.call(path, data, signers=(APPLOGIC, PEATIO))


def test_timestamp_and_every_refusal_of_the_request_format(mgmt):
    r = mgmt.call("timestamp")
    assert r.status_code == 200 and abs(r.json()["timestamp"] - time.time()) < 5
    url = mgmt.server.url("/management/timestamp")
    good = sign(claims(), APPLOGIC)
    assert requests.post(url + "?x=1", json=good).status_code == 400
    r = requests.post(url, data=json.dumps(good), headers={"Content-Type": "text/plain"})
    assert r.status_code == 400 and "error" in r.json()
    r = requests.post(url, data="{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "error" in r.json()
    assert requests.get(url).status_code == 405
    r = requests.post(url, data=json.dumps({"payload": "x" * 70000}), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


FAILED = {"error": "Failed to verify JWT."}


def test_signatures_claims_and_replay(mgmt):
    # A key not in the keychain, signing under a listed kid.
    assert mgmt.call("timestamp", signers=(ROGUE,)).json() == FAILED
    # A flipped payload byte.
    body = sign(claims(), APPLOGIC)
    payload = bytearray(base64.urlsafe_b64decode(body["payload"] + "=="))
    payload[5] ^= 1
    body["payload"] = base64.urlsafe_b64encode(bytes(payload)).rstrip(b"=").decode()
    r = requests.post(mgmt.server.url("/management/timestamp"), json=body)
    assert (r.status_code, r.json()) == (401, FAILED)
    # The same key with another algorithm than configured (deliberate difference: pinned).
    body = sign(claims(), APPLOGIC, alg="RS512")
    assert requests.post(mgmt.server.url("/management/timestamp"), json=body).json() == FAILED
    # Expired, too far ahead, no exp, iat in the future, no jti (verify_jti).
    assert mgmt.call("timestamp", lifetime=-30).json() == FAILED
    assert mgmt.call("timestamp", lifetime=2 * 86400).json() == FAILED
    assert mgmt.call("timestamp", lifetime=None).json() == FAILED
    assert mgmt.call("timestamp", iat=int(time.time()) + 600).json() == FAILED
    assert mgmt.call("timestamp", jti=None).json() == FAILED
    # A jti is accepted once.
    body = sign(claims(), APPLOGIC)
    assert requests.post(mgmt.server.url("/management/timestamp"), json=body).status_code == 200
    r = requests.post(mgmt.server.url("/management/timestamp"), json=body)
    assert (r.status_code, r.json()) == (401, FAILED)
    # A scope that needs both signers refuses one; a user's bearer JWT is never enough.
    r = mgmt.call("users/list")
    assert (r.status_code, r.json()) == (401, {"error": "Not enough signatures for the action."})
    assert mgmt.both("users/list").status_code == 200
    r = requests.post(mgmt.server.url("/management/users/list"), json={}, headers={"Authorization": "Bearer abc.def.ghi"})
    assert r.status_code == 401


def test_users_routes(mgmt):
    r = mgmt.call("users", {"email": "bad", "password": STRONG})
    assert (r.status_code, r.json()) == (422, {"error": ["Email is invalid"]})
    r = mgmt.call("users", {"email": "new@example.com", "password": STRONG, "referral_uid": "ID0000000000"})
    assert (r.status_code, r.json()) == (422, {"error": ["Referral doesnt_exist"]})
    r = mgmt.call("users", {"password": STRONG})
    assert (r.status_code, r.json()) == (422, {"error": "email is missing, email is empty"})
    r = mgmt.call("users", {"email": "new@example.com", "password": STRONG})
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["state"] == "pending" and user["role"] == "member" and user["profiles"] == []
    r = requests.post(mgmt.server.url("/identity/sessions"), json={"email": "new@example.com", "password": STRONG})
    assert r.status_code == 200 and r.json()["state"] == "pending", "a pending user logs in, no mail was sent"

    r = mgmt.both("users/get", {"uid": user["uid"]})
    assert r.status_code == 201 and r.json()["email"] == "new@example.com" and r.json()["labels"] == []
    r = mgmt.both("users/get", {"uid": user["uid"], "email": "new@example.com"})
    assert r.json() == {"error": "uid, email are mutually exclusive"}
    r = mgmt.both("users/get", {})
    assert r.json() == {"error": "uid, email, phone_num are missing, exactly one parameter must be provided"}
    assert mgmt.both("users/get", {"email": "none@example.com"}).json() == {"error": "Record is not found"}
    r = mgmt.both("users/list", {"email": "new@example.com", "extended": True})
    assert r.status_code == 200 and r.headers["Total"] == "1" and r.json()[0]["profiles"] == []

    r = mgmt.call("users/update", {"uid": user["uid"], "role": "wizard"})
    assert (r.status_code, r.json()) == (422, {"error": ["Role doesnt_exist"]})
    assert mgmt.call("users/update", {"uid": "ID0000000000", "role": "trader"}).json() == {"error": "user.doesnt_exist"}
    assert mgmt.call("users/update", {"uid": user["uid"]}).json() == {"error": "role, data are missing, at least one parameter must be provided"}
    r = mgmt.call("users/update", {"uid": user["uid"], "role": "trader", "data": "{\"tier\": 1}"})
    assert r.status_code == 201 and r.json()["role"] == "trader" and r.json()["data"] == "{\"tier\": 1}"

    r = mgmt.call("profiles", {"uid": user["uid"], "first_name": "Ada", "country": "XX"})
    assert (r.status_code, r.json()) == (422, {"error": ["Country must have alpha2 or alpha3 format"]})
    r = mgmt.call("profiles", {"uid": user["uid"], "first_name": "Ada", "last_name": "Byron", "country": "GB"})
    assert r.status_code == 201 and r.json()["profiles"][0]["last_name"] == "Byron"
    assert mgmt.call("profiles", {"uid": user["uid"]}).json() == {"error": ["State already exists"]}


def test_labels_routes_recompute_the_level(mgmt):
    uid = mgmt.call("users", {"email": "l@example.com", "password": STRONG}).json()["uid"]
    r = mgmt.call("labels", {"user_uid": uid, "key": "email", "value": "verified"})
    assert r.status_code == 201 and r.json()["scope"] == "private" and r.json()["key"] == "email"
    r = mgmt.call("labels", {"user_uid": uid, "key": "email", "value": "verified"})
    assert (r.status_code, r.json()) == (422, {"key": ["Key has already been taken"]})
    assert mgmt.call("labels", {"user_uid": "ID0000000000", "key": "abc", "value": "def"}).json() == {"error": "Record is not found"}
    assert mgmt.call("labels", {"user_uid": uid}).json() == {
        "error": "key is missing, key is empty, value is missing, value is empty"}
    r = mgmt.call("labels", {"user_uid": uid, "key": "tier", "value": "gold"}, method="PUT")
    assert r.status_code == 200 and r.json()["value"] == "gold"
    r = mgmt.call("labels", {"user_uid": uid, "key": "nope", "value": "x1y", "replace": False}, method="PUT")
    assert (r.status_code, r.json()) == (404, {"error": "label doesnt exist"})
    r = mgmt.call("labels/list", {"user_uid": uid})
    assert r.status_code == 201 and sorted(l["key"] for l in r.json()) == ["email", "tier"]
    r = mgmt.both("labels/filter/users", {"key": "email", "value": "verified"})
    assert r.status_code == 200 and [u["uid"] for u in r.json()] == [uid]
    r = mgmt.both("users/get", {"uid": uid})
    assert r.json()["level"] == 1 and r.json()["state"] == "active"
    r = mgmt.call("labels/delete", {"user_uid": uid, "key": "email"})
    assert r.status_code == 204 and r.text == ""
    assert mgmt.call("labels/delete", {"user_uid": uid, "key": "email"}).json() == {"error": "Record is not found"}
    assert mgmt.both("users/get", {"uid": uid}).json()["level"] == 0


def test_otp_sign_appends_a_signature_jwcrypto_verifies(mgmt):
    base = mgmt.server.base
    requests.post(base + "/identity/users", json={"email": "first@example.com", "password": STRONG})  # the superadmin
    s = requests.Session()
    r = s.post(base + "/identity/users", json={"email": "otp@example.com", "password": STRONG})
    uid, csrf = r.json()["uid"], r.json()["csrf_token"]
    doc = sign({"action": "withdraw", "amount": "1.5"}, APPLOGIC)
    r = mgmt.call("otp/sign", {"user_uid": uid, "otp_code": "123456", "jwt": doc})
    assert (r.status_code, r.json()) == (404, {"error": "Record is not found"}), "pending users cannot sign"
    mgmt.call("labels", {"user_uid": uid, "key": "email", "value": "verified"})
    r = mgmt.call("otp/sign", {"user_uid": uid, "otp_code": "123456", "jwt": doc})
    assert (r.status_code, r.json()) == (422, {"error": "Account has not enabled 2FA"})
    secret, step = enable_2fa(s, base, csrf)
    assert mgmt.call("otp/sign", {"user_uid": uid, "otp_code": "000000", "jwt": doc}).json() == {"error": "OTP code is invalid"}
    assert mgmt.call("otp/sign", {"user_uid": uid, "otp_code": totp(secret, step), "jwt": "text"}).json() == {"error": "jwt is invalid"}
    code = totp(secret, step + 1)
    r = mgmt.call("otp/sign", {"user_uid": uid, "otp_code": code, "jwt": doc})
    assert r.status_code == 201, r.text
    signed = r.json()
    assert [s["header"]["kid"] for s in signed["signatures"]] == ["applogic", "barong"]
    server_key = jwk.JWK(**requests.get(base + "/public/jwks").json()["keys"][0])
    token = jws.JWS()
    token.deserialize(json.dumps(signed))
    token.verify(server_key, alg="RS256")  # raises unless some signature verifies with the server key
    barong = signed["signatures"][1]
    single = jws.JWS()
    single.deserialize(json.dumps({"payload": signed["payload"], **barong}))
    single.verify(server_key, alg="RS256")
    assert json.loads(single.payload) == {"action": "withdraw", "amount": "1.5"}
    # The accepted code is spent (deliberate difference).
    assert mgmt.call("otp/sign", {"user_uid": uid, "otp_code": code, "jwt": doc}).json() == {"error": "OTP code is invalid"}


def test_service_accounts_work_through_authorize(mgmt):
    base = mgmt.server.base
    s = requests.Session()
    r = s.post(base + "/identity/users", json={"email": "owner@example.com", "password": STRONG})
    owner_uid, csrf = r.json()["uid"], r.json()["csrf_token"]
    mgmt.call("labels", {"user_uid": owner_uid, "key": "email", "value": "verified"})
    secret, step = enable_2fa(s, base, csrf)

    assert mgmt.call("service_accounts/create", {"service_account_role": "wizard"}).json() == {"error": ["Role doesnt_exist"]}
    assert mgmt.call("service_accounts/create", {"service_account_role": "service_account"}).json() == {"error": ["Email can't be blank"]}
    r = mgmt.call("service_accounts/create", {"service_account_role": "service_account", "owner_uid": owner_uid})
    assert r.status_code == 201, r.text
    account = r.json()
    assert account["uid"].startswith("SI") and account["user"]["uid"] == owner_uid and account["state"] == "active"
    assert account["email"] == f"owner+{account['uid'].lower()}@example.com"
    r = mgmt.call("service_accounts/create", {"service_account_role": "service_account", "service_account_email": account["email"]})
    assert r.json() == {"error": ["Email or uid not_uniq"]}

    # The owner manages the account's keys through the resource API, then authorize speaks for the account.
    r = s.post(base + "/resource/service_accounts/api_keys", headers={"X-CSRF-Token": csrf},
               json={"service_account_uid": account["uid"], "algorithm": "HS256", "totp_code": totp(secret, step)})
    assert r.status_code == 201, r.text
    kid, key_secret = r.json()["kid"], r.json()["secret"]
    r = requests.get(base + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, str(int(time.time() * 1000))))
    assert r.status_code == 200, r.text
    claims_ = jws_claims(r.headers["Authorization"][7:])
    assert claims_["uid"] == account["uid"] and claims_["role"] == "service_account" and claims_["email"] == "owner@example.com"

    # An account without owner, its key made here (mgn_api_keys_sa), answers for itself.
    r = mgmt.call("service_accounts/create", {"service_account_role": "service_account", "service_account_email": "bot@example.com",
                                              "service_account_state": "active"})
    assert r.status_code == 201 and r.json()["user"] is None
    lone = r.json()["uid"]
    r = mgmt.call("api_keys", {"uid": lone, "algorithm": "HS256", "scopes": "trade,read"})
    assert r.status_code == 201 and r.json()["scope"] == ["trade", "read"] and len(r.json()["secret"]) == 32
    lone_kid, lone_secret = r.json()["kid"], r.json()["secret"]
    r = requests.get(base + "/api/v2/peatio/account/balances", headers=api_key_headers(lone_kid, lone_secret, str(int(time.time() * 1000))))
    assert r.status_code == 200 and jws_claims(r.headers["Authorization"][7:])["email"] == "bot@example.com"

    r = mgmt.call("service_accounts/get", {"uid": lone})
    assert r.status_code == 200 and r.json()["email"] == "bot@example.com"
    r = mgmt.call("service_accounts/list", {"owner_uid": owner_uid})
    assert r.status_code == 200 and [a["uid"] for a in r.json()] == [account["uid"]]
    assert mgmt.call("service_accounts/list", {"owner_email": "nobody@example.com"}).json() == []
    assert mgmt.call("service_accounts/update", {"uid": "SI0000000000"}).json() == {"error": "Service account doesnt exist"}
    r = mgmt.call("service_accounts/update", {"uid": lone, "owner_uid": owner_uid})
    assert r.status_code == 201 and r.json()["user"]["uid"] == owner_uid
    r = mgmt.call("api_keys/update", {"uid": lone, "kid": lone_kid, "state": "inactive"})
    assert r.status_code == 201 and r.json()["state"] == "inactive" and "secret" not in r.json()
    assert mgmt.call("api_keys/update", {"uid": owner_uid, "kid": lone_kid}).json() == {"error": "api_key_doesnt_exist"}
    assert mgmt.call("api_keys", {"uid": "XX123", "algorithm": "HS256"}).json() == {"error": "uid_prefix_doesnt_exist"}
    r = mgmt.call("service_accounts/delete", {"uid": account["uid"]})
    assert r.status_code == 200 and r.json()["state"] == "disabled"
    r = requests.get(base + "/api/v2/peatio/account/balances", headers=api_key_headers(kid, key_secret, str(int(time.time() * 1000) + 1)))
    assert r.status_code == 401


def jws_claims(token):
    return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))


def test_phones_and_documents(mgmt):
    uid = mgmt.call("users", {"email": "p@example.com", "password": STRONG}).json()["uid"]
    assert mgmt.call("phones", {"uid": uid, "number": "12"}).json() == {"error": "management.phone.invalid_num"}
    r = mgmt.call("phones", {"uid": uid, "number": "+1 (415) 555-2671"})
    assert r.status_code == 201 and r.json()["number"] == "14155552671" and r.json()["validated_at"] is not None
    assert mgmt.call("phones", {"uid": uid, "number": "14155552671"}).json() == {"error": "management.phone.number_exist"}
    assert mgmt.call("phones/get", {"uid": "ID0000000000"}).json() == {"error": "user.doesnt_exist"}
    assert [p["number"] for p in mgmt.call("phones/get", {"uid": uid}).json()] == ["14155552671"]
    assert mgmt.both("users/get", {"phone_num": "+14155552671"}).json()["uid"] == uid
    assert mgmt.call("phones/delete", {"uid": uid, "number": "14155550000"}).json() == {"error": "management.phone.doesnt_exists"}
    r = mgmt.call("phones/delete", {"uid": uid, "number": "14155552671"})
    assert r.status_code == 201 and r.json()["number"] == "14155552671"
    assert mgmt.call("phones/get", {"uid": uid}).json() == []

    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
    upload = base64.b64encode(png).decode()
    doc = {"uid": uid, "doc_type": "Passport", "doc_number": "AB123", "filename": "scan", "file_ext": "png", "upload": upload,
           "doc_expire": "2099-01-31"}
    r = mgmt.call("documents", doc)
    assert (r.status_code, r.json()) == (201, 201)
    kyc = mgmt.both("users/get", {"uid": uid}).json()
    assert kyc["documents"][0]["doc_number"] == "AB123" and any(l["key"] == "document" and l["value"] == "pending" for l in kyc["labels"])
    r = mgmt.call("documents", {**doc, "file_ext": "pdf"})
    assert r.status_code == 422 and "error" in r.json()
    assert mgmt.call("documents", {**doc, "upload": "@@@"}).json() == {"error": "upload is invalid"}
    assert mgmt.call("documents", {**doc, "uid": "ID0000000000"}).json() == {"errors": ["user doesnt exist"]}
    other = mgmt.call("users", {"email": "q@example.com", "password": STRONG}).json()["uid"]
    r = mgmt.call("documents", {**doc, "uid": other, "update_labels": False})
    assert (r.status_code, r.json()) == (201, 201)
    assert not any(l["key"] == "document" for l in mgmt.both("users/get", {"uid": other}).json()["labels"])


def test_import_keeps_the_password_digest(mgmt):
    digest = bcrypt.hashpw(b"Old-Passw0rd!x", bcrypt.gensalt(rounds=4)).decode()
    data = {"email": "Imported@Example.com", "password_digest": digest, "phone": "+442071838750", "first_name": "Grace",
            "country": "GB", "state": "verified"}
    r = mgmt.call("users/import", data)
    assert r.status_code == 201, r.text
    imported = r.json()
    assert imported["email"] == "imported@example.com" and imported["profiles"][0]["state"] == "verified"
    r = requests.post(mgmt.server.url("/identity/sessions"), json={"email": "imported@example.com", "password": "Old-Passw0rd!x"})
    assert r.status_code == 200 and r.json()["uid"] == imported["uid"], "the old password works"
    phones = mgmt.call("phones/get", {"uid": imported["uid"]}).json()
    assert [p["number"] for p in phones] == ["442071838750"] and phones[0]["validated_at"] is not None
    assert mgmt.call("users/import", data).json() == {"error": "User already exists by this email"}
    r = mgmt.call("users/import", {**data, "email": "x@example.com", "phone": "12"})
    assert (r.status_code, r.json()) == (422, {"error": ["Number is invalid"]})
    r = mgmt.call("users/import", {**data, "email": "y@example.com", "country": "XX"})
    assert r.json() == {"error": ["Country must have alpha2 or alpha3 format"]}
    # Nothing of a refused import stays behind.
    assert mgmt.both("users/get", {"email": "y@example.com"}).json() == {"error": "Record is not found"}


@pytest.mark.parametrize("case", ["private", "no_mandatory", "not_base64", "erb_code", "bad_key"])
def test_a_bad_management_file_stops_start_up(case):
    d = tempfile.mkdtemp()
    keychain = {"applogic": ("RS256", APPLOGIC.public_value())}
    scopes = {"tools": (["applogic"], ["applogic"])}
    if case == "private":
        keychain["applogic"] = ("RS256", APPLOGIC.private_value())
    if case == "not_base64":
        keychain["applogic"] = ("RS256", "!!!")
    if case == "bad_key":
        keychain["applogic"] = ("ES256", APPLOGIC.public_value())
    text = config_yaml(keychain, scopes)
    if case == "no_mandatory":
        text = text.replace("mandatory_signers: [applogic]", "mandatory_signers: []")
    if case == "erb_code":
        text = "<% system('x') %>\n" + text
    path = write_config(d, text)
    r = run_cli("serve", env={"BARONG_MANAGEMENT_API_CONFIG": path, "BARONG_DATA_DIR": os.path.join(d, "data"),
                              "BARONG_DATABASE_URL": f"sqlite://{d}/p.sqlite3"}, cwd=d)
    assert r.returncode == 64, (case, r.stderr)
    last = r.stderr.strip().splitlines()[-1]
    assert last.startswith("portcullis: configuration error: management_api_config") and path in last, r.stderr


def test_without_a_file_every_call_is_refused(server):
    body = sign(claims(), APPLOGIC)
    r = requests.post(server.url("/management/timestamp"), json=body)
    assert (r.status_code, r.json()) == (401, FAILED)


@pytest.mark.skipif(BACKEND != "postgres", reason="several instances need the shared PostgreSQL backend")
def test_a_jti_spent_on_one_instance_is_refused_on_the_other():
    d = tempfile.mkdtemp(prefix="portcullis-mgmt-")
    path = write_config(d, config_yaml({"applogic": ("RS256", APPLOGIC.public_value())},
                                       {"tools": (["applogic"], ["applogic"])}))
    keys = tempfile.mkdtemp(prefix="portcullis-keys-")
    assert run_cli("keys", "generate", "--out", keys).returncode == 0
    shared = {"BARONG_MANAGEMENT_API_CONFIG": path, "BARONG_JWT_PRIVATE_KEY_PATH": os.path.join(keys, "jwt-private.pem"),
              "BARONG_ENCRYPTION_KEY": base64.b64encode(os.urandom(32)).decode()}
    url = new_database_url(None)
    a = Server(env=shared, database_url=url).start()
    b = Server(env=shared, database_url=url).start()
    try:
        body = sign(claims(), APPLOGIC)
        assert requests.post(a.url("/management/timestamp"), json=body).status_code == 200
        r = requests.post(b.url("/management/timestamp"), json=body)
        assert (r.status_code, r.json()) == (401, FAILED)
    finally:
        a.stop()
        b.stop()
