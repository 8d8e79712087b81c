"""The short form of the chaos soak (soak.py; `bench/soak.sh` runs
the 10-minute one): 90 s of mixed load with an instance killed (SIGKILL)
and restarted three times, PostgreSQL restarted and RabbitMQ away for 15 s
halfway; no acknowledged write is lost or applied twice, and every
acknowledged change's event reaches the consumer."""
from conftest import BACKEND
import soak


def test_nothing_acknowledged_is_lost_under_kills_and_outages():
    problems = soak.run(BACKEND, seconds=90, kill_every=22, outage_seconds=15, workers=3)
    assert problems == []
