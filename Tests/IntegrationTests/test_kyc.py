"""KYC data over real HTTP: SMS through a fake Twilio, real uploads, restarts, levels."""
import hashlib

import requests

from conftest import STRONG, Server
from helpers import FakeTwilio, TINY_JPEG, TINY_PDF, SMTPSink, tiny_png, token_from


def session_for(server, email):
    s = requests.Session()
    r = s.post(server.url("/identity/users"), json={"email": email, "password": STRONG})
    assert r.status_code == 201, r.text
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return s


def test_levels_follow_email_then_phone_via_twilio(make_server):
    twilio = FakeTwilio().start()
    sink = SMTPSink().start()
    try:
        server = make_server(env={**sink.env(), "BARONG_PHONE_VERIFICATION": "twilio_sms",
                                  "BARONG_TWILIO_API_BASE_URL": twilio.url(), "BARONG_TWILIO_ACCOUNT_SID": "AC123",
                                  "BARONG_TWILIO_AUTH_TOKEN": "tw-secret", "BARONG_TWILIO_PHONE_NUMBER": "+15005550006"})
        session_for(server, "admin@example.com")
        user = session_for(server, "user@example.com")
        assert user.get(server.url("/resource/users/me")).json()["level"] == 0

        token = token_from(sink.wait_for(1)[0], "confirmation_token")
        assert requests.post(server.url("/identity/users/email/confirm_code"), json={"token": token}).json()["level"] == 1

        r = user.post(server.url("/resource/phones"), json={"phone_number": "+44 7911 123456"})
        assert r.status_code == 201, r.text
        [sms] = twilio.messages
        assert sms["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
        assert sms["to"] == "+447911123456" and sms["from"] == "+15005550006"
        assert twilio.auth[-1] == "Basic QUMxMjM6dHctc2VjcmV0"
        code = sms["body"][-5:]
        assert code.isdigit()
        assert "tw-secret" not in server.logs() and code not in server.logs()

        r = user.post(server.url("/resource/phones/verify"), json={"phone_number": "447911123456", "verification_code": code})
        assert r.status_code == 201, r.text
        assert r.json()["level"] == 2
        assert r.json()["phones"][0]["number"] == "44******3456"

        r = user.post(server.url("/resource/phones"), json={"phone_number": "+1 202 555 0000"})
        assert r.status_code == 422 and r.json() == {"errors": ["resource.phone.num_not_valid"]}
    finally:
        twilio.stop()
        sink.stop()


def test_uploads_are_sniffed_limited_and_survive_a_restart(tmp_path):
    uploads = str(tmp_path / "uploads")
    server = Server(env={"BARONG_UPLOAD_PATH": uploads, "BARONG_UPLOAD_MAX_BYTES": "2048"}).start()
    try:
        user = session_for(server, "user@example.com")
        fields = {"doc_type": "Passport", "doc_number": "AB123456", "doc_expire": "2099-12-31"}

        def upload(*files):
            return user.post(server.url("/resource/documents"), data=fields, files=[("upload[]", f) for f in files])

        r = upload(("passport.png", tiny_png()), ("selfie.jpg", TINY_JPEG))
        assert r.status_code == 201, r.text
        assert upload(("scan.pdf", TINY_PDF)).status_code == 201
        r = upload(("photo.png", TINY_JPEG))
        assert r.status_code == 422 and r.json() == {"errors": ["upload.extension_whitelist_error"]}, "a lying extension"
        r = upload(("big.pdf", TINY_PDF + b"0" * 4096))
        assert r.status_code == 422 and r.json() == {"errors": ["upload.max_size_error"]}
        raw = b'--B\r\nContent-Disposition: form-data; name="doc_type"\r\n\r\nPassport\r\n--B\r\nContent-Disp'
        r = user.post(server.url("/resource/documents"), data=raw, headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert r.status_code == 400 and r.json() == {"errors": ["server.request.malformed_body"]}
        r = user.post(server.url("/resource/documents"), data=b"x" * (11 * 1024 * 1024),
                      headers={"Content-Type": "multipart/form-data; boundary=B"})
        assert r.status_code == 413

        stored = server.uploads()
        assert sorted(stored.values()) == sorted(hashlib.md5(b).hexdigest() for b in (tiny_png(), TINY_JPEG, TINY_PDF))
        assert all(len(name.split(".")[0]) == 32 for name in stored), "random names, not the client's"
        before = user.get(server.url("/resource/documents")).json()
    finally:
        assert server.stop() == 0
    server.start()
    try:
        r = requests.post(server.url("/identity/sessions"), json={"email": "user@example.com", "password": STRONG})
        again = requests.Session()
        again.cookies = r.cookies
        after = again.get(server.url("/resource/documents")).json()
        assert after == before and len(after) == 3
        assert [d["doc_number"] for d in after] == ["AB****56"] * 3
        assert server.uploads() == stored
        assert requests.get(server.url("/resource/documents/" + sorted(stored)[0])).status_code in (401, 404)
    finally:
        assert server.stop() == 0


def test_kycaid_callback_verifies_and_raises_the_level(make_server):
    import base64
    import hashlib
    import hmac
    import json
    import time
    from helpers import FakeKYCAID
    kycaid = FakeKYCAID().start()
    try:
        server = make_server(env={"BARONG_KYC_PROVIDER": "kycaid", "BARONG_KYCAID_API_ENDPOINT": kycaid.url(),
                                  "BARONG_KYCAID_AUTHORIZATION_TOKEN": "kyc-token", "BARONG_KYCAID_CALLBACK_SECRET": "cb-secret",
                                  "BARONG_PHONE_MOCK_CODE": "24680"})
        assert "PHONE VERIFICATION IS MOCK" in server.logs()
        user = session_for(server, "kyc@example.com")
        user.post(server.url("/resource/phones"), json={"phone_number": "+380501234567"})
        r = user.post(server.url("/resource/phones/verify"), json={"phone_number": "380501234567", "verification_code": "24680"})
        assert r.status_code == 201 and r.json()["level"] == 2, r.text
        r = user.post(server.url("/resource/profiles"), json={"first_name": "Ann", "last_name": "Lee", "dob": "1991-02-03",
                                                              "country": "UA", "confirm": True})
        assert r.status_code == 201 and r.json()["state"] == "submitted"
        assert kycaid.applicants == [{"type": "PERSON", "email": "kyc@example.com", "first_name": "Ann", "last_name": "Lee",
                                      "dob": "1991-02-03", "residence_country": "UA"}]
        assert kycaid.tokens[-1] == "Token kyc-token"
        r = user.post(server.url("/resource/documents"), data={"doc_type": "Passport", "doc_number": "P1", "doc_expire": "2099-01-01"},
                      files=[("upload[]", ("p.pdf", TINY_PDF))])
        assert r.status_code == 201, r.text

        kycaid.verifications["ver-1"] = {"verification_id": "ver-1", "applicant_id": "app-1", "status": "completed",
                                         "verifications": {"profile": {"verified": True}, "document": {"verified": True},
                                                           "facial": {"verified": True}}}
        body = json.dumps({"verification_id": "ver-1", "applicant_id": "app-1", "verified": True}).encode()
        good = base64.b64encode(hmac.new(b"cb-secret", body, hashlib.sha256).digest()).decode()
        r = requests.post(server.url("/public/kyc"), data=body, headers={"Content-Type": "application/json", "X-Data-Integrity": "bad"})
        assert r.status_code == 401 and r.json() == {"errors": ["kyc.invalid_signature"]}
        r = requests.post(server.url("/public/kyc"), data=body, headers={"Content-Type": "application/json", "X-Data-Integrity": good})
        assert r.status_code == 200 and r.text == ""
        deadline = time.time() + 5
        while time.time() < deadline and user.get(server.url("/resource/users/me")).json()["level"] < 3:
            time.sleep(0.1)
        me = user.get(server.url("/resource/users/me")).json()
        assert me["level"] == 3
        labels = {(l["key"], l["value"]) for l in me["labels"]}
        assert ("document", "verified") in labels and ("profile", "verified") in labels
        assert me["profiles"][0]["state"] == "verified"
    finally:
        kycaid.stop()


def test_kyc_callback_with_the_local_provider_is_422(server):
    r = requests.post(server.url("/public/kyc"), json={"verification_id": "x", "applicant_id": "y"})
    assert r.status_code == 422 and r.text == ""


def test_twilio_verify_sends_and_checks_through_twilio(make_server):
    twilio = FakeTwilio().start()
    try:
        server = make_server(env={"BARONG_PHONE_VERIFICATION": "twilio_verify", "BARONG_TWILIO_VERIFY_BASE_URL": twilio.url(),
                                  "BARONG_TWILIO_ACCOUNT_SID": "AC9", "BARONG_TWILIO_AUTH_TOKEN": "t", "BARONG_TWILIO_SERVICE_SID": "VA1"})
        user = session_for(server, "v@example.com")
        r = user.post(server.url("/resource/phones"), json={"phone_number": "+12025550123", "channel": "call"})
        assert r.status_code == 201 and r.json() == {"message": "Code was sent successfully via call"}
        assert twilio.messages[-1] == {"path": "/v2/Services/VA1/Verifications", "to": "+12025550123", "channel": "call", "code": ""}
        r = user.post(server.url("/resource/phones/verify"), json={"phone_number": "12025550123", "verification_code": "000000"})
        assert r.status_code == 404 and r.json() == {"errors": ["resource.phone.verification_invalid"]}
        r = user.post(server.url("/resource/phones/verify"), json={"phone_number": "12025550123", "verification_code": "777777"})
        assert r.status_code == 201, r.text
        assert twilio.messages[-1]["path"] == "/v2/Services/VA1/VerificationCheck"
        assert r.json()["phones"][0]["validated_at"] is not None
    finally:
        twilio.stop()
