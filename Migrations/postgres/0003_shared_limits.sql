-- State that must hold across instances lives in the database, not in memory.

-- Accepted API-key nonces, kept for the nonce lifetime so a signed request
-- cannot be replayed on any instance.
CREATE TABLE api_key_nonces (
    kid        TEXT   NOT NULL,
    nonce      BIGINT NOT NULL,
    expire_at  BIGINT NOT NULL,
    PRIMARY KEY (kid, nonce)
);
CREATE INDEX api_key_nonces_expire_at ON api_key_nonces(expire_at);

-- Fixed-window counters: wrong TOTP codes per user, SMS resends per phone.
CREATE TABLE rate_limits (
    key          TEXT   PRIMARY KEY,
    hits         BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);
