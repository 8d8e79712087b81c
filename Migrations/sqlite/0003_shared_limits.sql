-- State that must hold across processes lives in the database, not in memory.

-- Accepted API-key nonces, kept for the nonce lifetime so a signed request
-- cannot be replayed (used by the PostgreSQL backend, where several
-- instances share one database; the embedded backend keeps them in memory).
CREATE TABLE api_key_nonces (
    kid        TEXT    NOT NULL,
    nonce      INTEGER NOT NULL,
    expire_at  INTEGER NOT NULL,
    PRIMARY KEY (kid, nonce)
);
CREATE INDEX api_key_nonces_expire_at ON api_key_nonces(expire_at);

-- Fixed-window counters: wrong TOTP codes per user, SMS resends per phone.
CREATE TABLE rate_limits (
    key          TEXT    PRIMARY KEY,
    hits         INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);
