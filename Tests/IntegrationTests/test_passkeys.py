"""Passkeys against the real binary, driven by a
software authenticator from PyPI (soft-webauthn on fido2): registration,
sign-in, a wrong origin, a wrong rpId, a replayed challenge, a cloned
credential (counter not growing), user verification missing, a credential
of another user, a deleted passkey, options that do not tell whether an
email exists, and packed self-attestation."""
import base64
import json
import struct

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2 import cbor
from fido2.utils import sha256
from soft_webauthn import SoftWebauthnDevice

from conftest import STRONG
from helpers import enable_2fa, totp
from test_admin import query, signup

RP = "example.test"
ORIGIN = "https://example.test"
INVALID = {"errors": ["identity.session.invalid_passkey"]}


def b64(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator(SoftWebauthnDevice):
    """soft-webauthn with user verification (UV) and an optional packed self-attestation."""

    def __init__(self, verify_user=True, packed=False):
        super().__init__()
        self.verify_user, self.packed = verify_user, packed

    def create(self, options, origin):
        result = super().create(options, origin)
        obj = cbor.decode(result["response"]["attestationObject"])
        auth = bytearray(obj["authData"])
        if self.verify_user:
            auth[32] |= 0x04
        obj["authData"] = bytes(auth)
        if self.packed:
            signed = bytes(auth) + sha256(result["response"]["clientDataJSON"])
            obj["fmt"], obj["attStmt"] = "packed", {"alg": -7, "sig": self.private_key.sign(signed, ec.ECDSA(hashes.SHA256()))}
        result["response"]["attestationObject"] = cbor.encode(obj)
        return result

    def get(self, options, origin, rp_id=None, count_step=1):
        self.sign_count += count_step
        client_data = json.dumps({"type": "webauthn.get", "challenge": b64(options["publicKey"]["challenge"]),
                                  "origin": origin}).encode()
        auth = sha256((rp_id or self.rp_id).encode()) + bytes([0x05 if self.verify_user else 0x01]) + struct.pack(">I", self.sign_count)
        signature = self.private_key.sign(auth + sha256(client_data), ec.ECDSA(hashes.SHA256()))
        return {"rawId": self.credential_id, "response": {"authenticatorData": auth, "clientDataJSON": client_data,
                                                          "signature": signature, "userHandle": self.user_handle}}


def creation_options(session, base, **proof):
    r = session.post(base + "/resource/passkeys/options", json=proof or {"password": STRONG})
    assert r.status_code == 200, r.text
    o = r.json()
    return o, {"publicKey": {"rp": o["rp"], "user": {**o["user"], "id": unb64(o["user"]["id"])},
                             "challenge": unb64(o["challenge"]), "pubKeyCredParams": o["pubKeyCredParams"],
                             "attestation": o["attestation"]}}


def registration_json(result):
    return {"id": b64(result["rawId"]), "rawId": b64(result["rawId"]), "type": "public-key",
            "response": {"clientDataJSON": b64(result["response"]["clientDataJSON"]),
                         "attestationObject": b64(result["response"]["attestationObject"]), "transports": ["internal"]}}


def register(session, base, device, name="laptop", origin=ORIGIN):
    _, options = creation_options(session, base)
    return session.post(base + "/resource/passkeys", json={"name": name, "credential": registration_json(device.create(options, origin))})


def request_options(base, email=None):
    r = requests.post(base + "/identity/sessions/passkey/options", json={"email": email} if email else {})
    assert r.status_code == 200, r.text
    return r.json()


def assertion_json(result):
    response = result["response"]
    return {"id": b64(result["rawId"]), "rawId": b64(result["rawId"]), "type": "public-key",
            "response": {"clientDataJSON": b64(response["clientDataJSON"]), "authenticatorData": b64(response["authenticatorData"]),
                         "signature": b64(response["signature"]),
                         "userHandle": b64(response["userHandle"]) if response["userHandle"] else None}}


def sign_in(base, device, email=None, origin=ORIGIN, **kwargs):
    o = request_options(base, email)
    assertion = device.get({"publicKey": {"rpId": o["rpId"], "challenge": unb64(o["challenge"])}}, origin, **kwargs)
    return requests.post(base + "/identity/sessions/passkey", json={"credential": assertion_json(assertion)}), o


@pytest.fixture
def site(make_server):
    return make_server(env={"BARONG_DOMAIN": RP})


@pytest.fixture
def alice_with_a_passkey(site):
    """(base, alice's session, her authenticator) once the passkey is registered."""
    signup(site.base, "root@example.com")
    alice = signup(site.base, "alice@example.com")
    device = Authenticator()
    r = register(alice, site.base, device)
    assert r.status_code == 201 and r.json()["name"] == "laptop", r.text
    return site.base, alice, device


def signed_in(response, email="alice@example.com"):
    """A passkey sign-in answered as a password login: 200, the user, a CSRF token."""
    return response.status_code == 200 and response.json()["email"] == email and bool(response.json()["csrf_token"])


def test_register_then_sign_in_without_a_password(site):
    base = site.base
    signup(base, "root@example.com")
    alice = signup(base, "alice@example.com")
    raw, _ = creation_options(alice, base)
    assert raw["rp"] == {"id": RP, "name": "Portcullis"}
    assert raw["user"]["name"] == "alice@example.com" and raw["user"]["id"] != alice.uid and len(unb64(raw["user"]["id"])) == 32
    assert [p["alg"] for p in raw["pubKeyCredParams"]] == [-7, -257] and raw["attestation"] == "none"
    assert raw["authenticatorSelection"] == {"residentKey": "preferred", "userVerification": "required"}
    assert len(unb64(raw["challenge"])) == 32 and raw["excludeCredentials"] == []

    device = Authenticator()
    r = register(alice, base, device)
    assert r.status_code == 201, r.text
    passkey = r.json()
    assert passkey["name"] == "laptop" and passkey["transports"] == ["internal"] and passkey["backed_up"] is False
    assert passkey["last_used_at"] is None
    again, _ = creation_options(alice, base)
    assert [c["id"] for c in again["excludeCredentials"]] == [b64(device.credential_id)]

    r, options = sign_in(base, device, "alice@example.com")
    assert options["userVerification"] == "required" and options["rpId"] == RP
    assert [c["id"] for c in options["allowCredentials"]] == [b64(device.credential_id)]
    assert r.status_code == 200, r.text
    assert r.json()["email"] == "alice@example.com" and r.json()["csrf_token"]
    me = requests.get(base + "/resource/users/me", cookies=r.cookies)
    assert me.status_code == 200 and me.json()["email"] == "alice@example.com"
    sessions = requests.get(base + "/resource/sessions", cookies=r.cookies).json()
    assert sessions[0]["method"] == "passkey" and sessions[0]["current"] is True
    # Discoverable: no email, the authenticator picks the credential.
    r, _ = sign_in(base, device)
    assert signed_in(r), r.text
    listed = alice.get(base + "/resource/passkeys").json()
    assert len(listed) == 1 and listed[0]["last_used_at"] is not None
    rows = query(site, "SELECT action, result FROM activities WHERE action = 'login::passkey' ORDER BY id")
    assert rows == [("login::passkey", "succeed")] * 2


def test_every_tampered_ceremony_is_refused_with_one_key(site, alice_with_a_passkey):
    base, alice, device = alice_with_a_passkey

    r, _ = sign_in(base, device, origin="https://evil.test")
    assert r.status_code == 401 and r.json() == INVALID
    r, _ = sign_in(base, device, rp_id="evil.test")
    assert r.status_code == 401 and r.json() == INVALID
    # A replayed challenge: the same assertion twice.
    o = request_options(base)
    assertion = assertion_json(device.get({"publicKey": {"rpId": RP, "challenge": unb64(o["challenge"])}}, ORIGIN))
    assert signed_in(requests.post(base + "/identity/sessions/passkey", json={"credential": assertion}))
    r = requests.post(base + "/identity/sessions/passkey", json={"credential": assertion})
    assert r.status_code == 401 and r.json() == INVALID
    # User verification missing.
    device.verify_user = False
    r, _ = sign_in(base, device)
    assert r.status_code == 401 and r.json() == INVALID
    device.verify_user = True
    # A signature that does not match, and garbage of every kind.
    o = request_options(base)
    bad = assertion_json(device.get({"publicKey": {"rpId": RP, "challenge": unb64(o["challenge"])}}, ORIGIN))
    bad["response"]["signature"] = b64(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    assert requests.post(base + "/identity/sessions/passkey", json={"credential": bad}).json() == INVALID
    for body in ({}, {"credential": "x"}, {"credential": {"rawId": "%%%"}}, {"credential": {**bad, "type": "other"}}):
        r = requests.post(base + "/identity/sessions/passkey", json=body)
        assert r.status_code == 401 and r.json() == INVALID, body
    reasons = [row[0] for row in query(site, "SELECT data FROM activities WHERE action = 'login::passkey' AND result = 'failed'")]
    assert any("origin" in r for r in reasons) and any("rpIdHash" in r for r in reasons)
    assert any("challenge" in r for r in reasons) and any("not verified" in r for r in reasons) and any("signature" in r for r in reasons)


def test_a_cloned_authenticator_is_refused_and_recorded(site, alice_with_a_passkey):
    base, alice, device = alice_with_a_passkey
    assert signed_in(sign_in(base, device)[0])  # counter 1
    assert signed_in(sign_in(base, device)[0])  # counter 2
    r, _ = sign_in(base, device, count_step=-1)  # a copy still at 1
    assert r.status_code == 401 and r.json() == {"errors": ["identity.session.passkey_cloned"]}
    rows = query(site, "SELECT data FROM activities WHERE action = 'login::passkey' AND result = 'failed'")
    assert len(rows) == 1 and "cloned" in rows[0][0]


class FixedID(Authenticator):
    """An authenticator whose new credentials all take one id."""

    def __init__(self, credential_id):
        super().__init__()
        self.fixed = credential_id

    def cred_init(self, rp_id, user_handle):
        super().cred_init(rp_id, user_handle)
        self.credential_id = self.fixed


def test_credentials_of_another_user_deleted_passkeys_and_duplicates(site):
    base = site.base
    signup(base, "root@example.com")
    alice, bob = signup(base, "alice@example.com"), signup(base, "bob@example.com")
    alices, bobs = Authenticator(), Authenticator()
    assert register(alice, base, alices).status_code == 201
    r = register(bob, base, bobs)
    assert r.status_code == 201
    bobs_id = r.json()["id"]
    # A credential id already registered, by anyone: refused.
    r = register(bob, base, FixedID(alices.credential_id))
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.exists"]}
    # Alice's credential presenting Bob's user handle.
    alices.user_handle = bobs.user_handle
    r, _ = sign_in(base, alices)
    assert r.status_code == 401 and r.json() == INVALID
    # Another user's passkey id is not found; a deleted passkey signs in no more.
    r = alice.delete(base + f"/resource/passkeys/{bobs_id}")
    assert r.status_code == 404 and r.json() == {"errors": ["resource.passkey.doesnt_exist"]}
    assert signed_in(sign_in(base, bobs)[0], "bob@example.com")
    r = bob.delete(base + f"/resource/passkeys/{bobs_id}")
    assert r.status_code == 200 and r.json() == {}
    r, _ = sign_in(base, bobs)
    assert r.status_code == 401 and r.json() == INVALID
    assert bob.get(base + "/resource/passkeys").json() == []


def test_registration_needs_proof_a_live_challenge_of_this_session_and_the_right_origin(site):
    base = site.base
    signup(base, "root@example.com")
    alice = signup(base, "alice@example.com")
    r = alice.post(base + "/resource/passkeys/options", json={})
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_password_or_otp_code"]}
    r = alice.post(base + "/resource/passkeys/options", json={"password": "Wrong-pass-1!"})
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_password"]}
    r = register(alice, base, Authenticator(), origin="https://evil.test")
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_credential"]}
    r = register(alice, base, Authenticator(verify_user=False))
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_credential"]}
    # Options asked by another session of the same user do not register here.
    other = requests.Session()
    login = other.post(base + "/identity/sessions", json={"email": "alice@example.com", "password": STRONG})
    other.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    _, options = creation_options(other, base)
    r = alice.post(base + "/resource/passkeys", json={"name": "x", "credential": registration_json(Authenticator().create(options, ORIGIN))})
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.invalid_credential"]}
    # Packed self-attestation is accepted; the name is required.
    r = register(alice, base, Authenticator(packed=True), name="  ")
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_name"]}
    assert register(alice, base, Authenticator(packed=True)).status_code == 201
    # With 2FA on, the OTP code is proof enough, and the password alone is none.
    secret, step = enable_2fa(alice, base, alice.headers["X-CSRF-Token"])
    r = alice.post(base + "/resource/passkeys/options", json={"password": STRONG})
    assert r.status_code == 422 and r.json() == {"errors": ["resource.passkey.missing_otp_code"]}
    r = alice.post(base + "/resource/passkeys/options", json={"otp_code": totp(secret, step)})
    assert r.status_code == 200, r.text


def test_options_do_not_tell_whether_an_email_exists(site):
    base = site.base
    signup(base, "root@example.com")
    signup(base, "nokeys@example.com")
    unknown, unknown_again = request_options(base, "ghost@example.com"), request_options(base, "ghost@example.com")
    known = request_options(base, "nokeys@example.com")
    assert set(unknown) == set(known) and len(unknown["allowCredentials"]) == len(known["allowCredentials"]) == 1
    assert unknown["allowCredentials"] == unknown_again["allowCredentials"]
    assert unknown["allowCredentials"] != known["allowCredentials"]
    assert unknown["challenge"] != unknown_again["challenge"]
