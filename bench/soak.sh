#!/usr/bin/env bash
# The chaos soak, 10 minutes per backend (SOAK_SECONDS to change):
# mixed load, an instance killed with SIGKILL every 30 s and restarted,
# PostgreSQL restarted and RabbitMQ stopped for a minute halfway; prints the
# requests, acknowledged writes, kills, what was lost or doubled (must be 0)
# and, on PostgreSQL, the resident memory of the instance never killed.
# Needs the release build and what `make test-deps` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PORTCULLIS_BIN=${PORTCULLIS_BIN:-$PWD/.build/release/portcullis}
seconds=${SOAK_SECONDS:-600}
status=0
for backend in ${SOAK_BACKENDS:-sqlite postgres}; do
  PORTCULLIS_TEST_BACKEND=$backend python3 -u Tests/IntegrationTests/soak.py --backend "$backend" --seconds "$seconds" \
    --kill-every 30 --outage 60 || status=1
done
exit $status
