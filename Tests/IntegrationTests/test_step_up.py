"""Passkey step-up against the real binary, driven by soft-webauthn (the
passkey tests' authenticator): an assertion in place of the TOTP code (a
JSON object, or its text in a form field), refused for another action; and
the withdrawal approval — management otp/sign, signed by jwcrypto as the
management tests sign — signing exactly the payload the passkey approved,
each refusal answered by its key with nothing signed and an activity row.
On PostgreSQL a challenge asked on one instance is spent on the other, and
one assertion raced on both instances approves once."""
import json
import tempfile

import pytest
import requests
from jwcrypto import jwk, jws

from conftest import BACKEND, RUN_DIR, Server, start_shared_pair
from helpers import enable_2fa
from mgmt_signer import SCOPES, claims, config_yaml, sign
from test_admin import query, signup
from test_management import APPLOGIC, write_config
from test_passkeys import ORIGIN, RP, Authenticator, assertion_json, register, unb64
from test_races import at_once


@pytest.fixture(scope="module")
def site():
    directory = tempfile.mkdtemp(prefix="portcullis-stepup-", dir=RUN_DIR)
    scopes = {name: (["applogic"], ["applogic"]) for name in SCOPES}
    path = write_config(directory, config_yaml({"applogic": ("RS256", APPLOGIC.public_value())}, scopes))
    # Refusals count in the login throttle as wrong codes do; this suite makes more than five on purpose.
    server = Server(env={"BARONG_DOMAIN": RP, "BARONG_MANAGEMENT_API_CONFIG": path, "BARONG_LOGIN_THROTTLE_ACCOUNT": "50"}).start()
    signup(server.base, "root@example.com")  # the first user is the superadmin
    yield server
    server.stop()


def step_up(session, base, device, action, payload=None, **kwargs):
    """An assertion (toJSON form) for a step-up challenge of `action` asked by `session`."""
    body = {"action": action, **({"payload": payload} if payload else {})}
    r = session.post(base + "/resource/passkeys/step_up/options", json=body)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store", r.text
    o = r.json()
    assert o["userVerification"] == "required" and o["rpId"] == RP
    return assertion_json(device.get({"publicKey": {"rpId": o["rpId"], "challenge": unb64(o["challenge"])}}, ORIGIN, **kwargs))


def user_with_passkey(base, email, two_factor=False):
    session = signup(base, email)
    device = Authenticator()
    assert register(session, base, device).status_code == 201
    if two_factor:
        enable_2fa(session, base, session.headers["X-CSRF-Token"])
    return session, device


def test_an_assertion_stands_in_for_the_code_for_its_own_action_only(site):
    base = site.base
    alice, device = user_with_passkey(base, "alice@example.com", two_factor=True)
    confirm = requests.post(base + "/management/labels", json=sign(claims({"user_uid": alice.uid, "key": "email", "value": "verified"}),
                                                                     APPLOGIC))
    assert confirm.status_code == 201, confirm.text
    r = alice.post(base + "/resource/api_keys", json={"algorithm": "HS256", "webauthn": step_up(alice, base, device, "api_key.create")})
    assert r.status_code == 201 and r.json()["secret"], r.text
    kid = r.json()["kid"]
    # Its JSON text in a form field works the same.
    form = {"algorithm": "HS256", "webauthn": json.dumps(step_up(alice, base, device, "api_key.create"))}
    assert alice.post(base + "/resource/api_keys", data=form).status_code == 201
    # An assertion for deleting a key does not create one, and a deletion needs its own.
    wrong = alice.post(base + "/resource/api_keys", json={"algorithm": "HS256", "webauthn": step_up(alice, base, device, "api_key.delete")})
    assert (wrong.status_code, wrong.json()) == (422, {"errors": ["resource.api_key.invalid_webauthn"]})
    r = alice.delete(base + f"/resource/api_keys/{kid}", json={"webauthn": step_up(alice, base, device, "api_key.delete")})
    assert r.status_code == 204, r.text
    # Without UV the authenticator approved nothing.
    device.verify_user = False
    unverified = step_up(alice, base, device, "otp.disable")
    device.verify_user = True
    r = alice.post(base + "/resource/otp/disable", json={"webauthn": unverified})
    assert (r.status_code, r.json()) == (422, {"errors": ["resource.otp.invalid_webauthn"]})
    rows = query(site, "SELECT action, data FROM activities WHERE action LIKE 'step_up %' AND result = 'failed' ORDER BY id")
    assert [row[0] for row in rows] == ["step_up api_key.create", "step_up otp.disable"], rows
    assert "other_action" in rows[0][1] and "not_verified" in rows[1][1]


def otp_sign(base, uid, doc, assertion):
    return requests.post(base + "/management/otp/sign", json=sign(claims({"user_uid": uid, "webauthn": assertion, "jwt": doc}), APPLOGIC))


def test_otp_sign_signs_exactly_the_payload_the_passkey_approved(site):
    base = site.base
    bob, device = user_with_passkey(base, "bob@example.com")  # no TOTP: the passkey approves withdrawals
    carol, her_device = user_with_passkey(base, "carol@example.com")
    for uid in (bob.uid, carol.uid):
        requests.post(base + "/management/labels", json=sign(claims({"user_uid": uid, "key": "email", "value": "verified"}), APPLOGIC))
    withdrawal = sign({"action": "withdraw", "amount": "1.5", "currency": "btc", "rid": "bc1q-bob"}, APPLOGIC)
    redirected = sign({"action": "withdraw", "amount": "1.5", "currency": "btc", "rid": "bc1q-attacker"}, APPLOGIC)

    def refused(response, reason):
        assert (response.status_code, response.json()) == (422, {"error": f"management.otp_sign.webauthn_{reason}"}), response.text
        assert "signatures" not in response.text

    approved = step_up(bob, base, device, "otp_sign", withdrawal["payload"])
    refused(otp_sign(base, bob.uid, redirected, approved), "payload_mismatch")
    refused(otp_sign(base, bob.uid, withdrawal, approved), "challenge")  # spent by the refusal
    refused(otp_sign(base, bob.uid, withdrawal, step_up(carol, base, her_device, "otp_sign", withdrawal["payload"])), "other_user")
    refused(otp_sign(base, bob.uid, withdrawal, step_up(bob, base, device, "password.change")), "other_action")
    device.verify_user = False
    refused(otp_sign(base, bob.uid, withdrawal, step_up(bob, base, device, "otp_sign", withdrawal["payload"])), "not_verified")
    device.verify_user = True

    good = step_up(bob, base, device, "otp_sign", withdrawal["payload"])
    r = otp_sign(base, bob.uid, withdrawal, good)
    assert r.status_code == 201, r.text
    signed = r.json()
    assert signed["payload"] == withdrawal["payload"] and [s["header"]["kid"] for s in signed["signatures"]] == ["applogic", "barong"]
    server_key = jwk.JWK(**requests.get(base + "/public/jwks").json()["keys"][0])
    token = jws.JWS()
    token.deserialize(json.dumps({"payload": signed["payload"], **signed["signatures"][1]}))
    token.verify(server_key, alg="RS256")
    assert json.loads(token.payload)["rid"] == "bc1q-bob"
    refused(otp_sign(base, bob.uid, withdrawal, good), "challenge")  # replayed

    rows = query(site, f"""SELECT a.action, a.result, a.data FROM activities a JOIN users u ON u.id = a.user_id
                           WHERE u.uid = '{bob.uid}' AND a.action IN ('otp sign', 'step_up otp_sign') ORDER BY a.id""")
    assert [(row[0], row[1]) for row in rows] == [("step_up otp_sign", "failed")] * 5 + [("otp sign", "succeed")] + [
        ("step_up otp_sign", "failed")], rows
    assert "passkey" in rows[5][2]
    # A back-end sending an unreadable assertion, or none and no code, is refused too.
    refused(otp_sign(base, bob.uid, withdrawal, "not json"), "invalid")
    r = requests.post(base + "/management/otp/sign", json=sign(claims({"user_uid": bob.uid, "jwt": withdrawal}), APPLOGIC))
    assert (r.status_code, r.json()) == (422, {"error": "otp_code is missing, otp_code is empty"})


@pytest.mark.skipif(BACKEND != "postgres", reason="two instances share a database on PostgreSQL")
def test_a_challenge_from_one_instance_is_spent_once_across_both():
    first, second = start_shared_pair({"BARONG_DOMAIN": RP})
    try:
        signup(first.base, "root@example.com")
        dave, device = user_with_passkey(first.base, "dave@example.com")
        # The session works on both instances; a challenge asked on the first is used on the second.
        r = dave.post(second.base + "/resource/passkeys/options", json={"webauthn": step_up(dave, first.base, device, "passkey.create")})
        assert r.status_code == 200 and r.json()["challenge"], r.text
        assertion = step_up(dave, first.base, device, "passkey.create")
        results = at_once(*[lambda base=base: dave.post(base + "/resource/passkeys/options", json={"webauthn": assertion})
                            for base in (first.base, second.base, second.base, first.base)])
        assert sorted(r.status_code for r in results) == [200, 422, 422, 422], [r.text for r in results]
        assert all(r.json() == {"errors": ["resource.passkey.invalid_webauthn"]} for r in results if r.status_code == 422)
    finally:
        first.stop()
        second.stop()
