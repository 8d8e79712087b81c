"""The event bus against a real rabbitmq-server this run
starts on free loopback ports, consumed with pika: Barong's exchanges and
routing keys, the signed envelope checked with jwcrypto against
public/jwks, delivery after a broker outage with nothing lost or doubled,
mail independent of the broker, and signed webhooks."""
import base64
import http.server
import hashlib
import hmac
import json
import signal
import time

import pytest
import requests
from jwcrypto import jwk, jws

from conftest import STRONG
from helpers import EventConsumer, LoopbackServer, RabbitMQ, SMTPSink


@pytest.fixture(scope="module")
def rabbit():
    broker = RabbitMQ().start()
    yield broker
    broker.stop()


@pytest.fixture
def consumer(rabbit):
    c = EventConsumer(rabbit).start()
    yield c
    c.stop()


def verify(message, server):
    """Checks a message as a consumer must and returns its claims."""
    document = json.loads(message["body"])
    assert len(document["signatures"]) == 1 and document["signatures"][0]["header"] == {"kid": "barong"}
    protected = json.loads(base64.urlsafe_b64decode(document["signatures"][0]["protected"] + "=="))
    assert protected == {"alg": "RS256"}
    key = jwk.JWK(**requests.get(server.url("/public/jwks")).json()["keys"][0])
    token = jws.JWS()
    token.deserialize(message["body"].decode())
    token.verify(key, alg="RS256")
    claims = json.loads(token.payload)
    now = time.time()
    assert claims["iss"] == "barong" and len(claims["jti"]) == 36
    assert claims["iat"] <= now + 1 and now < claims["exp"] == claims["iat"] + 3600
    category = message["exchange"].rsplit(".", 1)[1]
    assert claims["event"]["name"] == category + "." + message["routing_key"]
    assert list(claims["event"])[-1] == "name", "Barong puts name last"
    props = message["properties"]
    assert props.delivery_mode == 2 and props.content_type == "application/json" and props.message_id == claims["jti"]
    return claims


def record_of(message):
    """The event record of a message, unverified (for picking messages; verify() checks them)."""
    payload = json.loads(message["body"])["payload"]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["event"]["record"]


def signup(server, email):
    r = requests.post(server.url("/identity/users"), json={"email": email, "password": STRONG})
    assert r.status_code == 201, r.text
    return r


def test_signup_publishes_the_confirmation_token_event(make_server, rabbit, consumer):
    consumer.bind("barong.events.system", "user.email.confirmation.token")
    server = make_server(env=rabbit.env_for_portcullis())
    signup(server, "root@example.com")
    uid = signup(server, "new@example.com").json()["uid"]
    [message] = consumer.wait_for(lambda m: m["routing_key"] == "user.email.confirmation.token")
    assert message["exchange"] == "barong.events.system"
    claims = verify(message, server)
    record = claims["event"]["record"]
    assert record["user"]["uid"] == uid and record["user"]["email"] == "new@example.com"
    assert record["user"]["state"] == "pending" and record["user"]["referral_uid"] is None
    assert set(record["user"]) == {"uid", "username", "email", "role", "level", "otp", "state", "referral_uid",
                                   "created_at", "updated_at"}
    assert record["domain"] == "openware.com" and record["token"].count(".") == 2
    r = requests.post(server.url("/identity/users/email/confirm_code"), json={"token": record["token"]})
    assert r.status_code == 201, "the published token is the one the server accepts"


def test_events_wait_out_a_broker_outage_and_arrive_once_in_order(make_server, rabbit):
    sink = SMTPSink().start()
    server = make_server(env={**rabbit.env_for_portcullis(), **sink.env()})
    signup(server, "root@example.com")
    consumer = EventConsumer(rabbit).start()
    consumer.bind("barong.events.system", "user.email.confirmation.token")
    rabbit.stop()
    try:
        emails = [f"user{i}@example.com" for i in range(50)]
        for email in emails:
            signup(server, email)  # acknowledged while the broker is down
        # Mail does not wait for the broker.
        assert len(sink.wait_for(50, timeout=30)) == 50
    finally:
        consumer.stop()
        # Held while the broker comes back and the new consumer binds: the exchanges
        # are not durable, so whatever is published before a queue is bound is dropped.
        server.proc.send_signal(signal.SIGSTOP)
        rabbit.start()
    consumer = EventConsumer(rabbit).start()
    try:
        consumer.bind("barong.events.system", "user.email.confirmation.token")
        server.proc.send_signal(signal.SIGCONT)
        found = consumer.wait_for(lambda m: m["routing_key"] == "user.email.confirmation.token", count=50, timeout=90)
        time.sleep(2)
        claims = [verify(m, server) for m in consumer.messages if m["routing_key"] == "user.email.confirmation.token"]
        assert [c["event"]["record"]["user"]["email"] for c in claims] == emails, "every event, once, in commit order"
        assert len({c["jti"] for c in claims}) == 50
        assert len(found) == 50
    finally:
        consumer.stop()
        sink.stop()


class WebhookReceiver(LoopbackServer):
    """Records each POST; answers `statuses` in turn (then 200)."""

    def __init__(self, statuses=()):
        self.requests = []
        self.statuses = list(statuses)
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        LoopbackServer.__init__(self, Handler)


def test_signed_webhooks_with_retries(make_server):
    good = WebhookReceiver().start()
    flaky = WebhookReceiver(statuses=[500]).start()
    hooks = [{"url": good.url() + "/hook", "events": ["system.user."], "secret": "s3cret"},
             {"url": flaky.url() + "/hook", "events": ["system.session.create"], "secret": "other"}]
    server = make_server(env={"BARONG_EVENT_WEBHOOKS": json.dumps(hooks)})
    try:
        signup(server, "root@example.com")
        signup(server, "new@example.com")
        r = requests.post(server.url("/identity/sessions"), json={"email": "new@example.com", "password": STRONG})
        assert r.status_code == 200
        deadline = time.time() + 20
        while time.time() < deadline and (not good.requests or len(flaky.requests) < 2):
            time.sleep(0.1)
        [request] = good.requests
        headers, body = request["headers"], request["body"]
        assert headers["Content-Type"] == "application/json" and headers["Portcullis-Event"] == "system.user.email.confirmation.token"
        t, v1 = (part.split("=", 1)[1] for part in headers["Portcullis-Signature"].split(","))
        assert abs(int(t) - time.time()) < 30
        assert hmac.compare_digest(v1, hmac.new(b"s3cret", t.encode() + b"." + body, hashlib.sha256).hexdigest())
        claims = json.loads(base64.urlsafe_b64decode(json.loads(body)["payload"] + "=="))
        assert claims["jti"] == headers["Portcullis-Event-Id"] and claims["event"]["name"] == headers["Portcullis-Event"]
        # The flaky receiver answered 500 once and got the same event again (same id).
        assert len(flaky.requests) == 2, flaky.requests
        ids = [r["headers"]["Portcullis-Event-Id"] for r in flaky.requests]
        assert ids[0] == ids[1] and flaky.requests[0]["headers"]["Portcullis-Event"] == "system.session.create"
    finally:
        good.stop()
        flaky.stop()


def received(consumer, server, key="user.email.confirmation.token"):
    """{email: [jti, …]} of the consumer's messages with that routing key."""
    by_email = {}
    for m in list(consumer.messages):
        if m["routing_key"] == key:
            claims = verify(m, server)
            by_email.setdefault(claims["event"]["record"]["user"]["email"], []).append(claims["jti"])
    return by_email


def test_a_server_killed_while_publishing_delivers_every_acknowledged_event_after_restart(make_server, rabbit):
    from conftest import Server
    # A short lease: the killed instance's claims pass to the next one in seconds, not the default two minutes.
    lease = {"BARONG_OUTBOX_LEASE": "8", "BARONG_OUTBOX_MAX_RETRY_DELAY": "4"}
    first = make_server(env={**rabbit.env_for_portcullis(), **lease})
    signup(first, "root@example.com")
    consumer = EventConsumer(rabbit).start()
    consumer.bind("barong.events.system", "user.email.confirmation.token")
    try:
        rabbit.stop()
        emails = [f"k{i}@example.com" for i in range(40)]
        for email in emails:
            signup(first, email)
        consumer.stop()
        first.proc.send_signal(signal.SIGSTOP)  # held until the new consumer is bound (see above)
        rabbit.start()
        consumer = EventConsumer(rabbit).start()
        consumer.bind("barong.events.system", "user.email.confirmation.token")
        first.proc.send_signal(signal.SIGCONT)
        # The retry is due within a few seconds: kill -9 as soon as the first events arrive.
        deadline = time.time() + 30
        while time.time() < deadline and not consumer.messages:
            time.sleep(0.02)
        first.proc.kill()
        first.proc.wait()
        second = Server(database_url=first.env["BARONG_DATABASE_URL"],
                        env={**rabbit.env_for_portcullis(), **lease, "BARONG_DATA_DIR": first.env["BARONG_DATA_DIR"]}).start()
        try:
            consumer.wait_for(lambda m: m["routing_key"] == "user.email.confirmation.token", count=40, timeout=150)
            time.sleep(1)
            got = received(consumer, second)
            assert set(emails) <= set(got), sorted(set(emails) - set(got))
            # At-least-once: a resend after the crash carries the event's own jti.
            assert all(len(set(jtis)) == 1 for jtis in got.values()), got
        finally:
            second.stop()
    finally:
        consumer.stop()


@pytest.mark.skipif(__import__("conftest").BACKEND != "postgres", reason="instances share a database only on PostgreSQL")
def test_two_instances_publish_each_event_once_between_them(make_server, rabbit, consumer):
    consumer.bind("barong.events.system", "user.email.confirmation.token")
    a = make_server(env=rabbit.env_for_portcullis())
    b = make_server(env={**rabbit.env_for_portcullis(), "BARONG_DATA_DIR": a.env["BARONG_DATA_DIR"]},
                    database_url=a.env["BARONG_DATABASE_URL"])
    signup(a, "root@example.com")
    emails = [f"pair{i}@example.com" for i in range(30)]
    for i, email in enumerate(emails):
        signup(a if i % 2 else b, email)
    consumer.wait_for(lambda m: m["routing_key"] == "user.email.confirmation.token", count=30, timeout=60)
    time.sleep(3)  # anything doubled would have arrived by now
    got = received(consumer, a)
    assert sorted(got) == sorted(emails) and all(len(jtis) == 1 for jtis in got.values()), got


def test_sink_metrics(make_server, rabbit):
    from conftest import free_port
    from prometheus_client.parser import text_string_to_metric_families
    port = free_port()
    server = make_server(env={**rabbit.env_for_portcullis(), "BARONG_METRICS_LISTEN": f"127.0.0.1:{port}",
                              "BARONG_SMTP_PORT": str(free_port())})
    signup(server, "root@example.com")
    signup(server, "new@example.com")
    time.sleep(2)
    samples = {}
    for family in text_string_to_metric_families(requests.get(f"http://127.0.0.1:{port}/metrics").text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    assert samples[("portcullis_events_delivered_total", (("sink", "rabbitmq"),))] >= 1
    assert samples[("portcullis_outbox_sink_pending", (("sink", "rabbitmq"),))] == 0
    # SMTP points at a closed port: mail waits and says so, RabbitMQ does not.
    assert samples[("portcullis_outbox_sink_pending", (("sink", "mail"),))] == 1
    assert samples[("portcullis_events_failed_total", (("sink", "mail"),))] >= 1


def test_admin_label_changes_publish_model_label_events_and_document_decisions(make_server, rabbit, consumer):
    for key in ("label.created", "label.updated"):
        consumer.bind("barong.events.model", key)
    consumer.bind("barong.events.system", "document.verified")
    server = make_server(env=rabbit.env_for_portcullis())
    root = requests.Session()
    r = root.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    root.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    uid = signup(server, "kyc@example.com").json()["uid"]

    def label(method, key, value, description=None):
        body = {"uid": uid, "key": key, "value": value, "scope": "private"}
        if description:
            body["description"] = description
        r = root.request(method, server.url("/admin/users/labels"), json=body)
        assert r.status_code == 200, r.text

    label("POST", "document", "pending")
    label("PUT", "document", "verified", "passport checked")
    # Private labels the server writes itself (the first user's `email`) are published too: pick the operator's.
    created = verify(consumer.wait_for(lambda m: m["routing_key"] == "label.created" and record_of(m)["key"] == "document")[0],
                     server)["event"]
    record = created["record"]
    assert set(record) == {"id", "key", "value", "user"}, "model records drop their nulls (no description yet)"
    assert (record["key"], record["value"], record["user"]["uid"]) == ("document", "pending", uid)
    updated = verify(consumer.wait_for(lambda m: m["routing_key"] == "label.updated")[0], server)["event"]
    assert updated["record"]["value"] == "verified" and updated["record"]["description"] == "passport checked"
    assert updated["record"]["id"] == record["id"]
    assert updated["changes"] == {"value": "pending", "description": None}
    decided = verify(consumer.wait_for(lambda m: m["routing_key"] == "document.verified")[0], server)["event"]
    assert decided["name"] == "system.document.verified"
    assert decided["record"]["key"] == "document" and decided["record"]["value"] == "verified"
    assert decided["record"]["user"]["uid"] == uid and "changes" not in decided


def test_user_model_events_carry_the_record_and_what_changed(make_server, rabbit, consumer):
    for key in ("user.created", "user.updated"):
        consumer.bind("barong.events.model", key)
    server = make_server(env=rabbit.env_for_portcullis())
    root = requests.Session()
    r = root.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    root.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    user = requests.Session()
    r = user.post(server.url("/identity/users"), json={"email": "ada@example.com", "password": STRONG})
    uid, csrf = r.json()["uid"], r.json()["csrf_token"]
    created = [verify(m, server)["event"] for m in consumer.wait_for(lambda m: m["routing_key"] == "user.created", count=2)]
    record = next(e["record"] for e in created if e["record"]["uid"] == uid)
    assert record["email"] == "ada@example.com" and record["state"] == "pending" and record["role"] == "member"
    assert "username" not in record and "referral_uid" not in record, "model records drop their nulls"
    assert "changes" not in created[0]

    r = user.put(server.url("/resource/users/me"), json={"data": '{"lang":"en"}'}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
    r = root.post(server.url("/admin/users/role"), json={"uid": uid, "role": "trader"})
    assert r.status_code in (200, 201), r.text

    def updates():
        return [verify(m, server)["event"] for m in consumer.messages if m["routing_key"] == "user.updated"]
    consumer.wait_for(lambda m: m["routing_key"] == "user.updated", count=3)
    mine = [e for e in updates() if e["record"]["uid"] == uid]
    assert [e["changes"] for e in mine] == [{"role": "member"}], mine
    root_changes = [e["changes"] for e in updates() if e["record"]["uid"] != uid]
    # The first user became superadmin, then active with level 1 (email verified).
    assert {"role": "member"} in root_changes and {"state": "pending", "level": 0} in root_changes, root_changes


def test_kyc_model_events_carry_their_records(make_server, rabbit, consumer):
    from helpers import TINY_JPEG
    from test_admin import query
    for key in ("profile.created", "profile.updated", "document.created", "data_storage.created", "label.created"):
        consumer.bind("barong.events.model", key)
    server = make_server(env={**rabbit.env_for_portcullis(), "BARONG_USER_STORAGE_TITLES": "passport_scan"})
    root = requests.Session()
    r = root.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    root.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    user = requests.Session()
    r = user.post(server.url("/identity/users"), json={"email": "kyc@example.com", "password": STRONG})
    uid = r.json()["uid"]
    user.headers["X-CSRF-Token"] = r.json()["csrf_token"]

    r = user.post(server.url("/resource/profiles"), json={"first_name": "Ann", "last_name": "Lee", "dob": "1991-02-03",
                                                          "country": "UA", "metadata": '{"note":"x"}'})
    assert r.status_code == 201, r.text
    r = user.put(server.url("/resource/profiles"), json={"last_name": "Leigh", "city": "Kyiv", "confirm": True})
    assert r.status_code == 200, r.text
    r = root.put(server.url("/admin/profiles"), json={"uid": uid, "state": "verified"})
    assert r.status_code == 200, r.text
    r = user.post(server.url("/resource/documents"), data={"doc_type": "Passport", "doc_number": "AB 123", "doc_expire": "2099-01-01"},
                  files=[("upload[]", ("p.jpg", TINY_JPEG))])
    assert r.status_code == 201, r.text
    upload = user.get(server.url("/resource/documents")).json()[0]["upload"]
    r = user.post(server.url("/resource/data_storage"), json={"title": "passport_scan", "data": '{"pages":2}'})
    assert r.status_code == 201, r.text

    def events(key, count=1):
        found = consumer.wait_for(lambda m: m["routing_key"] == key and record_of(m)["user"]["uid"] == uid, count=count)
        return [verify(m, server)["event"] for m in found]

    [created] = events("profile.created")
    record = created["record"]
    assert (record["first_name"], record["last_name"], record["dob"], record["country"]) == ("Ann", "Lee", "1991-02-03", "UA")
    assert record["metadata"] == '{"note":"x"}' and record["user"]["uid"] == uid
    assert "city" not in record and "address" not in record, "model records drop their nulls"
    assert set(record) == {"user", "first_name", "last_name", "dob", "country", "metadata", "created_at", "updated_at"}
    confirmed, verified = events("profile.updated", count=2)
    assert confirmed["record"]["last_name"] == "Leigh" and confirmed["record"]["city"] == "Kyiv"
    assert confirmed["changes"] == {"last_name": "Lee", "city": None}
    assert verified["changes"] == {}, "a state decision changes no field of the record (Barong sends it all the same)"
    [document] = events("document.created")
    assert document["record"]["upload"] == upload and document["record"]["doc_type"] == "Passport"
    assert document["record"]["doc_number"] == "AB 123" and document["record"]["doc_expire"] == "2099-01-01"
    assert "metadata" not in document["record"]
    [storage] = events("data_storage.created")
    assert (storage["record"]["title"], storage["record"]["data"]) == ("passport_scan", '{"pages":2}')
    labels = {(e["record"]["key"], e["record"]["value"]) for e in events("label.created", count=3)}
    assert {("profile", "drafted"), ("document", "pending"), ("passport_scan", "recorded")} <= labels, labels

    # Once every sink has them, the outbox keeps them for audit without the personal fields.
    deadline = time.time() + 10
    while time.time() < deadline:
        rows = query(server, "SELECT payload, changes FROM outbox WHERE name = 'model.profile.updated' AND delivered_at IS NOT NULL")
        if len(rows) == 2:
            break
        time.sleep(0.2)
    assert len(rows) == 2, rows
    for payload, changes in rows:
        kept = json.loads(payload)
        assert kept["first_name"] == "<delivered>" and kept["dob"] == "<delivered>" and kept["user"]["uid"] == uid
        assert "Leigh" not in payload and "Lee" not in changes


def test_the_cli_and_the_barong_import_publish_user_created(make_server, rabbit, consumer, tmp_path):
    from conftest import run_cli
    consumer.bind("barong.events.model", "user.created")
    consumer.bind("barong.events.model", "user.updated")
    server = make_server(env=rabbit.env_for_portcullis())
    r = run_cli("users", "create", "--email", "ops@example.com", "--password", STRONG, "--role", "admin",
                env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    rows = [{"uid": f"ID00000000{i}", "email": f"old{i}@example.com", "role": "member", "state": "active",
             "password_digest": "$2a$04$" + "x" * 53, "referral_uid": "ID000000001" if i == 2 else None} for i in (1, 2)]
    path = tmp_path / "users.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    r = run_cli("users", "import", "--file", str(path), env=server.env, cwd=server.dir)
    assert r.returncode == 0, r.stderr
    # The running server's outbox loop publishes what the CLI wrote.
    found = consumer.wait_for(lambda m: m["routing_key"] == "user.created", count=3)
    records = {record["email"]: record for record in (verify(m, server)["event"]["record"] for m in found)}
    # Created as Barong does (pending), then activated by its verified email in the same transaction.
    assert records["ops@example.com"]["role"] == "admin" and records["ops@example.com"]["state"] == "pending"
    [activated] = consumer.wait_for(lambda m: m["routing_key"] == "user.updated" and record_of(m)["email"] == "ops@example.com")
    event = verify(activated, server)["event"]
    assert event["record"]["state"] == "active" and event["changes"]["state"] == "pending"
    assert records["old1@example.com"]["uid"] == "ID000000001" and "referral_uid" not in records["old1@example.com"]
    assert records["old2@example.com"]["referral_uid"] == "ID000000001"
