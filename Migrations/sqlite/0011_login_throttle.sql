-- Failed sign-ins per account (key `account:` and
-- the SHA-256 of the normalized email, known or not) and per client
-- address (`ip:`). `attempts` restarts when the last one is older than the
-- window; `wait_until_ms` is when the next attempt may run.
CREATE TABLE login_throttle (
    key           TEXT   NOT NULL PRIMARY KEY,
    attempts      BIGINT NOT NULL,
    last_attempt  BIGINT NOT NULL,
    wait_until_ms BIGINT NOT NULL
);
CREATE INDEX login_throttle_last_attempt ON login_throttle(last_attempt);
