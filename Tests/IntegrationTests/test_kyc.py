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


def kycaid_env(kycaid):
    return {"BARONG_KYC_PROVIDER": "kycaid", "BARONG_KYCAID_API_ENDPOINT": kycaid.url(), "BARONG_KYCAID_AUTHORIZATION_TOKEN": "kyc-token",
            "BARONG_KYCAID_CALLBACK_SECRET": "cb-secret", "BARONG_OUTBOX_MAX_RETRY_DELAY": "2", "BARONG_PHONE_MOCK_CODE": "24680"}


def until(predicate, timeout=20, what="the condition"):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def labels_of(user, server):
    return {l["key"]: l["value"] for l in user.get(server.url("/resource/users/me")).json()["labels"] if l["scope"] == "private"}


def upload(user, server, doc_type, identificator, category, file, number="P123"):
    r = user.post(server.url("/resource/documents"), files=[("upload[]", file)],
                  data={"doc_type": doc_type, "doc_number": number, "doc_expire": "2099-01-01", "identificator": identificator,
                        "doc_category": category})
    assert r.status_code == 201, r.text


def submit_profile(user, server, last_name="Lee"):
    r = user.post(server.url("/resource/profiles"), json={"first_name": "Ann", "last_name": last_name, "dob": "1991-02-03",
                                                          "country": "UA", "confirm": True})
    assert r.status_code == 201 and r.json()["state"] == "submitted", r.text


def test_kycaid_gets_profiles_document_batches_addresses_and_callbacks_through_the_outbox(make_server):
    import base64
    import hmac
    import json
    import time
    from helpers import FakeKYCAID
    kycaid = FakeKYCAID().start()
    try:
        server = make_server(env=kycaid_env(kycaid))
        user = session_for(server, "kyc@example.com")
        user.post(server.url("/resource/phones"), json={"phone_number": "+380501234567"})
        r = user.post(server.url("/resource/phones/verify"), json={"phone_number": "380501234567", "verification_code": "24680"})
        assert r.status_code == 201 and r.json()["level"] == 2, r.text
        submit_profile(user, server)
        [applicant] = until(lambda: kycaid.of("POST", "/applicants"), what="the applicant")
        assert applicant["body"] == {"type": "PERSON", "email": "kyc@example.com", "first_name": "Ann", "last_name": "Lee",
                                     "dob": "1991-02-03", "residence_country": "UA", "phone": "380501234567"}
        applicant_id = "app-1"

        # KYCAID is down while a passport batch (front, then selfie) is completed: it waits in the outbox.
        kycaid.down = True
        upload(user, server, "Passport", "batch-1", "front_side", ("front.jpg", TINY_JPEG))
        assert "document" not in labels_of(user, server), "half a batch goes nowhere yet"
        upload(user, server, "Passport", "batch-1", "selfie", ("me.png", tiny_png()))
        assert labels_of(user, server)["document"] == "pending"
        time.sleep(1.5)
        assert kycaid.of("POST", "/files") == []
        kycaid.down = False
        until(lambda: kycaid.of("POST", "/verifications"), what="the document verification")
        files = kycaid.of("POST", "/files")
        assert [(f["file"]["field"], f["file"]["content_type"], f["file"]["bytes"]) for f in files] == [
            ("file", "image/jpeg", TINY_JPEG), ("file", "image/png", tiny_png())]
        documents = [c["body"] for c in kycaid.of("POST", "/documents")]
        front_file, selfie_file = [f"fil-{n}" for n in (2, 4)]
        assert documents == [
            {"applicant_id": applicant_id, "type": "PASSPORT", "document_number": "P123", "expiry_date": "2099-01-01",
             "front_side_id": front_file},
            {"applicant_id": applicant_id, "type": "SELFIE_IMAGE", "front_side_id": selfie_file},
        ], documents
        [verification] = kycaid.of("POST", "/verifications")
        assert verification["body"]["applicant_id"] == applicant_id and verification["body"]["types"] == ["DOCUMENT", "FACIAL"]
        assert verification["body"]["callback_url"].endswith("/api/v2/auth/public/kyc")

        # A later batch updates the KYCAID documents of the first instead of creating more.
        upload(user, server, "Passport", "batch-2", "front_side", ("front2.jpg", TINY_JPEG), number="P456")
        upload(user, server, "Passport", "batch-2", "selfie", ("me2.png", tiny_png()))
        until(lambda: len(kycaid.of("POST", "/verifications")) == 2, what="the second verification")
        assert len(kycaid.of("POST", "/documents")) == 2
        patches = [c for c in kycaid.calls if c["method"] == "PATCH"]
        assert [p["path"] for p in patches] == ["/documents/doc-3", "/documents/doc-5"], patches
        assert patches[0]["body"]["document_number"] == "P456" and patches[1]["body"]["type"] == "SELFIE_IMAGE"

        # An address proof: the file, an ADDRESS_DOCUMENT, the address, an ADDRESS verification.
        r = user.post(server.url("/resource/addresses"), data={"country": "UA", "address": "1 Main St", "city": "Kyiv", "postcode": "01001"},
                      files=[("upload[]", ("bill.pdf", TINY_PDF))])
        assert r.status_code == 201, r.text
        until(lambda: len(kycaid.of("POST", "/verifications")) == 3, what="the address verification")
        assert kycaid.of("POST", "/files")[-1]["file"]["bytes"] == TINY_PDF
        assert kycaid.of("POST", "/documents")[-1]["body"]["type"] == "ADDRESS_DOCUMENT"
        [address] = kycaid.of("POST", "/addresses")
        assert address["body"] == {"applicant_id": applicant_id, "type": "REGISTERED", "country": "UA", "city": "Kyiv",
                                   "postal_code": "01001", "full_address": "1 Main St"}
        assert kycaid.of("POST", "/verifications")[-1]["body"]["types"] == ["ADDRESS"]
        assert set(kycaid.tokens) == {"Token kyc-token"}

        # The callback is checked, queued, and waits out a KYCAID outage too.
        kycaid.verifications["ver-1"] = {"verification_id": "ver-1", "applicant_id": applicant_id, "status": "completed",
                                         "verifications": {"profile": {"verified": True}, "document": {"verified": True},
                                                           "facial": {"verified": True}, "address": {"verified": True}}}
        body = json.dumps({"verification_id": "ver-1", "applicant_id": applicant_id, "verified": True}).encode()
        good = base64.b64encode(hmac.new(b"cb-secret", body, hashlib.sha256).digest()).decode()
        r = requests.post(server.url("/public/kyc"), data=body, headers={"Content-Type": "application/json", "X-Data-Integrity": "bad"})
        assert r.status_code == 401 and r.json() == {"errors": ["kyc.invalid_signature"]}
        kycaid.down = True
        r = requests.post(server.url("/public/kyc"), data=body, headers={"Content-Type": "application/json", "X-Data-Integrity": good})
        assert r.status_code == 200 and r.text == ""
        time.sleep(1.5)
        assert labels_of(user, server)["document"] == "pending"
        kycaid.down = False
        until(lambda: labels_of(user, server).get("document") == "verified", what="the callback's decision")
        me = user.get(server.url("/resource/users/me")).json()
        assert me["level"] == 3
        assert labels_of(user, server) == {"email": "verified", "phone": "verified", "profile": "verified", "document": "verified",
                                           "address": "verified"}
        assert me["profiles"][0]["state"] == "verified"
    finally:
        kycaid.stop()


def test_kycaid_refusals_reject_the_label_and_the_profile(make_server):
    from helpers import FakeKYCAID
    from test_admin import query
    kycaid = FakeKYCAID().start()
    try:
        server = make_server(env=kycaid_env(kycaid))
        user = session_for(server, "refused@example.com")
        submit_profile(user, server)
        until(lambda: kycaid.of("POST", "/applicants"), what="the applicant")
        kycaid.refuse[("POST", "/documents")] = 422
        for category, name in (("front_side", "f.jpg"), ("back_side", "b.jpg"), ("selfie", "s.jpg")):
            upload(user, server, "Identity card", "card-1", category, (name, TINY_JPEG))
        until(lambda: labels_of(user, server).get("document") == "rejected", what="the rejection")
        assert len(kycaid.of("POST", "/files")) == 2, "front and back went before the document was refused"
        assert kycaid.of("POST", "/verifications") == []
        events = [row[0] for row in query(server, "SELECT name FROM outbox WHERE name LIKE 'system.document.%' ORDER BY id")]
        assert events == ["system.document.rejected"]

        # An applicant KYCAID refuses: the profile and its label are rejected (Barong's ApplicantWorker).
        kycaid.refuse[("POST", "/applicants")] = 422
        other = session_for(server, "nobody@example.com")
        submit_profile(other, server, last_name="Nobody")
        until(lambda: labels_of(other, server).get("profile") == "rejected", what="the profile rejection")
        assert other.get(server.url("/resource/users/me")).json()["profiles"][0]["state"] == "rejected"
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
