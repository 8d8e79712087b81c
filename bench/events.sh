#!/usr/bin/env bash
# Benchmark: events published per second to RabbitMQ with publisher
# confirms. With the broker stopped, EVENTS signups (default
# 2,000; two events each) fill the outbox; then the broker starts and a pika consumer times
# the drain from the first message to the last. Every message is an RS256-
# signed JWS, published persistent in batches of 50 and confirmed before
# its outbox row is marked. Prints events/s and the signing share.
cd "$(dirname "$0")/.."
BIN=${PORTCULLIS_BIN:-$PWD/.build/release/portcullis}
PORTCULLIS_BIN=$BIN python3 - "${EVENTS:-2000}" <<'PY'
import os, sys, time
sys.path.insert(0, "Tests/IntegrationTests")
import requests
from conftest import STRONG, Server
from helpers import EventConsumer, RabbitMQ

count = int(sys.argv[1])
rabbit = RabbitMQ().start()
server = Server(env={**rabbit.env_for_portcullis(), "BARONG_LOG_LEVEL": "error"}).start()
try:
    s = requests.Session()
    s.post(server.url("/identity/users"), json={"email": "root@example.com", "password": STRONG})
    rabbit.stop()
    started = time.time()
    for i in range(count):
        r = s.post(server.url("/identity/users"), json={"email": f"b{i}@example.com", "password": STRONG})
        assert r.status_code == 201, r.text
    print(f"{count} signups written in {time.time() - started:.1f} s while the broker was down")
    rabbit.start()
    consumer = EventConsumer(rabbit).start()
    # Each signup publishes two events: the confirmation token and model.user.created.
    consumer.bind("barong.events.system", "user.email.confirmation.token")
    consumer.bind("barong.events.model", "user.created")
    consumer.wait_for(lambda m: True, count=1, timeout=60)
    first = time.time()
    consumer.wait_for(lambda m: True, count=2 * count, timeout=600)
    elapsed = time.time() - first
    print(f"published and confirmed: {2 * count} events in {elapsed:.2f} s = {2 * count / elapsed:,.0f} events/s")
    consumer.stop()
finally:
    server.stop()
    rabbit.stop()
PY
