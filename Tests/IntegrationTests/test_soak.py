"""The short form of the chaos soak (soak.py; `bench/soak.sh` runs
the 10-minute one): 60 s of mixed load with an instance killed (SIGKILL)
and restarted three times, PostgreSQL restarted and RabbitMQ away for 15 s
halfway (kept to 60 s so that a fresh-clone `make test` stays under 30
minutes; the kills and outages are the same as the 90 s it ran before); no acknowledged write is lost or applied twice, and every
acknowledged change's event reaches the consumer."""
from conftest import BACKEND
import soak


def test_nothing_acknowledged_is_lost_under_kills_and_outages():
    problems = soak.run(BACKEND, seconds=60, kill_every=14, outage_seconds=15, workers=3)
    assert problems == []
