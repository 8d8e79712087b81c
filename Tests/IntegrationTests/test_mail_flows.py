"""Email confirmation and password reset through a real SMTP server."""
import time

import pytest
import requests

from conftest import STRONG, Server
from helpers import SMTPSink, FakeRecaptcha, changed_signature, html_part, respelled_signature, text_part, token_from

NEW = "Zy8?nQ4!vbW3"


@pytest.fixture
def sink():
    s = SMTPSink().start()
    yield s
    s.stop()


def signup(server, email):
    r = requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG})
    assert r.status_code == 201, r.text
    return r


def test_confirmation_mail_activates_the_account(make_server, sink):
    server = make_server(env={**sink.env(), "BARONG_DOMAIN": "exchange.example", "BARONG_APP_NAME": "Portcullis Ünï",
                              "BARONG_SENDER_EMAIL": "noreply@exchange.example", "BARONG_SENDER_NAME": "Exchange Désk"})
    signup(server, "admin@example.com")
    signup(server, "new@example.com")
    [mail] = sink.wait_for(1)
    assert mail["to"] == ["new@example.com"]
    assert mail["from"] == "noreply@exchange.example"
    msg = mail["message"]
    assert msg["Subject"] == "Portcullis Ünï: confirm your email"
    assert "Exchange Désk" in str(msg["From"])
    assert msg.get_content_type() == "multipart/alternative"
    text = text_part(mail)
    assert "https://exchange.example/accounts/confirmation?confirmation_token=" in text
    assert "&lang=en" in text
    token = token_from(mail, "confirmation_token")
    assert token.encode() in mail["raw"], "the token appears in the raw text part exactly as the API accepts it"
    assert token in html_part(mail)

    r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": token})
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "active" and r.json()["level"] == 1
    r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": token})
    assert r.status_code == 422 and r.json() == {"errors": ["identity.user.active_or_doesnt_exist"]}
    for tampered in (changed_signature(token), respelled_signature(token)):
        r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": tampered})
        assert r.status_code == 422 and r.json() == {"errors": ["jwt.decode_and_verify.raised"]}, tampered

    # an active user asking again gets the same answer and no mail
    r = requests.post(server.url("/identity/users/email/generate_code"), json={"email": "new@example.com"})
    assert r.status_code == 201 and r.text == ""
    time.sleep(1.5)
    assert len(sink.messages) == 1


def test_password_reset_by_mail(make_server, sink):
    server = make_server(env=sink.env())
    browser = requests.Session()
    browser.post(server.url("/identity/users"), json={"email": "user@example.com", "password": STRONG})

    for email in ("user@example.com", "ghost@example.com"):
        r = requests.post(server.url("/identity/users/password/generate_code"), json={"email": email})
        assert r.status_code == 201 and r.text == "", "known and unknown addresses get the same answer"
    sink.wait_for(1)  # the work runs in the background: let the first token be issued before the second
    r = requests.post(server.url("/identity/users/password/generate_code"), json={"email": "user@example.com"})
    mails = sink.wait_for(2)
    time.sleep(0.5)
    assert [m["to"] for m in sink.messages] == [["user@example.com"], ["user@example.com"]], "nothing for the unknown address"
    older, newer = (token_from(m, "reset_token") for m in mails)
    assert "/accounts/password_reset?reset_token=" in text_part(mails[0])

    def confirm(token, password=NEW, confirm_password=NEW):
        return requests.post(server.url("/identity/users/password/confirm_code"), json={
            "reset_password_token": token, "password": password, "confirm_password": confirm_password})

    assert confirm(older).json() == {"errors": ["identity.user.utilized_token"]}
    assert confirm(newer, confirm_password=NEW + "x").json() == {"errors": ["identity.user.passwords_doesnt_match"]}
    weak = confirm(newer, "Password1!", "Password1!")
    assert weak.status_code == 422 and weak.json() == {"errors": ["password.weak"]}
    r = confirm(newer)
    assert r.status_code == 201 and r.text == ""
    assert confirm(newer).json() == {"errors": ["identity.user.utilized_token"]}
    assert browser.get(server.url("/resource/users/me")).status_code == 401, "reset ends every session"
    assert requests.post(server.url("/identity/sessions"), json={"email": "user@example.com", "password": NEW}).status_code == 200


def test_reset_token_expires(make_server, sink):
    server = make_server(env={**sink.env(), "BARONG_JWT_EXPIRE_TIME": "1"})
    signup(server, "user@example.com")
    requests.post(server.url("/identity/users/password/generate_code"), json={"email": "user@example.com"})
    [mail] = sink.wait_for(1)
    time.sleep(2.1)
    r = requests.post(server.url("/identity/users/password/confirm_code"), json={
        "reset_password_token": token_from(mail, "reset_token"), "password": NEW, "confirm_password": NEW})
    assert r.status_code == 422 and r.json() == {"errors": ["jwt.decode_and_verify.expired"]}


def test_smtp_auth(make_server):
    sink = SMTPSink(credentials=("mailer", "s3cret")).start()
    try:
        server = make_server(env={**sink.env(), "BARONG_SMTP_USER": "mailer", "BARONG_SMTP_PASSWORD": "s3cret"})
        signup(server, "admin@example.com")
        requests.post(server.url("/identity/users/password/generate_code"), json={"email": "admin@example.com"})
        sink.wait_for(1)
        assert sink.auth_logins == [("PLAIN", "mailer")]
        assert "s3cret" not in server.logs()
    finally:
        sink.stop()


def test_mail_survives_a_restart_and_arrives_once(sink):
    """SMTP down: the reset is queued; server stops; sink and server start again: one mail."""
    sink.stop()
    server = Server(env=sink.env()).start()
    signup(server, "user@example.com")
    r = requests.post(server.url("/identity/users/password/generate_code"), json={"email": "user@example.com"})
    assert r.status_code == 201
    time.sleep(1.5)  # the worker tries and fails at least once
    assert server.stop() == 0
    assert "event delivery failed" in server.logs()

    sink.start()
    server.start()
    try:
        sink.wait_for(1)
        time.sleep(3)  # more worker passes: nothing is sent twice
        assert len(sink.messages) == 1
        assert sink.messages[0]["to"] == ["user@example.com"]
        assert "/accounts/password_reset?reset_token=" in text_part(sink.messages[0])
    finally:
        assert server.stop() == 0


def test_recaptcha(make_server):
    fake = FakeRecaptcha().start()
    try:
        server = make_server(env={"BARONG_CAPTCHA": "recaptcha", "BARONG_RECAPTCHA_VERIFY_URL": fake.url(),
                                  "BARONG_RECAPTCHA_SECRET_KEY": "server-secret", "BARONG_RECAPTCHA_SITE_KEY": "site"})
        assert requests.get(server.url("/identity/configs")).json()["captcha_id"] == "site"

        def attempt(response):
            body = {"email": "c@example.com", "password": STRONG}
            if response is not None:
                body["captcha_response"] = response
            return requests.post(server.url("/identity/users"), json=body)

        r = attempt(None)
        assert r.status_code == 400 and r.json() == {"errors": ["identity.captcha.required"]}
        r = attempt("bad")
        assert r.status_code == 422 and r.json() == {"errors": ["identity.captcha.verification_failed"]}
        r = attempt("garbage")
        assert r.status_code == 422 and r.json() == {"errors": ["identity.captcha.verification_failed"]}
        start = time.time()
        r = attempt("slow")
        assert r.status_code == 422 and r.json() == {"errors": ["identity.captcha.verification_failed"]}
        assert time.time() - start < 7, "the provider call is bounded by a 5 s timeout"
        r = attempt("good")
        assert r.status_code == 201, r.text
        assert fake.requests[-1]["secret"] == ["server-secret"]
        assert "remoteip" not in fake.requests[-1]
    finally:
        fake.stop()


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_smtp_over_tls(make_server, tmp_path, mode):
    from helpers import make_tls_files
    ca, crt, key = make_tls_files(str(tmp_path))
    sink = SMTPSink(credentials=("mailer", "s3cret"), tls=mode, cert=(crt, key)).start()
    try:
        server = make_server(env={"BARONG_SMTP_HOST": "localhost", "BARONG_SMTP_PORT": str(sink.port),
                                  "BARONG_SMTP_TLS": mode, "BARONG_SMTP_CA_FILE": ca,
                                  "BARONG_SMTP_USER": "mailer", "BARONG_SMTP_PASSWORD": "s3cret"})
        signup(server, "admin@example.com")
        requests.post(server.url("/identity/users/password/generate_code"), json={"email": "admin@example.com"})
        [mail] = sink.wait_for(1)
        assert "/accounts/password_reset?reset_token=" in text_part(mail)
        assert sink.auth_logins == [("PLAIN", "mailer")]
    finally:
        sink.stop()


def test_smtp_tls_refuses_an_untrusted_certificate(make_server, tmp_path):
    from helpers import make_tls_files
    _, crt, key = make_tls_files(str(tmp_path))
    sink = SMTPSink(tls="starttls", cert=(crt, key)).start()
    try:
        server = make_server(env={"BARONG_SMTP_HOST": "localhost", "BARONG_SMTP_PORT": str(sink.port),
                                  "BARONG_SMTP_TLS": "starttls"})
        signup(server, "admin@example.com")
        requests.post(server.url("/identity/users/password/generate_code"), json={"email": "admin@example.com"})
        time.sleep(2)
        assert sink.messages == []
        assert "event delivery failed" in server.logs()
    finally:
        sink.stop()
