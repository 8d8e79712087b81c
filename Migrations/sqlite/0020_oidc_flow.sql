-- The OpenID Connect authorization-code flow (oidc.md §O3, §O4). Codes and
-- refresh tokens are stored by their SHA-256 only. A family is every token
-- one grant produced; revoking it ends them all (a code used twice, a
-- rotated refresh token used again, a revocation, the user's sessions ended).
CREATE TABLE oidc_codes (
    code_hash      TEXT    NOT NULL PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_hash   TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    code_challenge TEXT    NOT NULL,
    nonce          TEXT,
    scope          TEXT    NOT NULL,
    auth_time      INTEGER NOT NULL,
    acr            TEXT    NOT NULL,
    amr            TEXT    NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    family         TEXT,
    created_at     INTEGER NOT NULL
);
CREATE INDEX oidc_codes_expires ON oidc_codes (expires_at);

CREATE TABLE oidc_families (
    id                 TEXT    NOT NULL PRIMARY KEY,
    client_id          TEXT    NOT NULL,
    user_id            INTEGER REFERENCES users(id) ON DELETE CASCADE,
    service_account_id INTEGER,
    revoked_at         INTEGER,
    created_at         INTEGER NOT NULL
);
CREATE INDEX oidc_families_user ON oidc_families (user_id, client_id);

CREATE TABLE oidc_refresh_tokens (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    family     TEXT    NOT NULL REFERENCES oidc_families(id) ON DELETE CASCADE,
    client_id  TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope      TEXT    NOT NULL,
    auth_time  INTEGER NOT NULL,
    acr        TEXT    NOT NULL,
    amr        TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    rotated_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX oidc_refresh_tokens_family ON oidc_refresh_tokens (family);

CREATE TABLE oidc_grants (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id  TEXT    NOT NULL REFERENCES oidc_clients(client_id) ON DELETE CASCADE,
    scopes     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, client_id)
);
