-- OpenID Connect relying parties registered by operators (oidc.md §O2).
-- secret_hash: SHA-256 hex of a confidential client's 32-byte random secret
-- (shown once); NULL for a public client. List columns hold JSON arrays.
CREATE TABLE oidc_clients (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id                 TEXT    NOT NULL UNIQUE,
    name                      TEXT    NOT NULL,
    confidential              INTEGER NOT NULL,
    secret_hash               TEXT,
    redirect_uris             TEXT    NOT NULL,
    post_logout_redirect_uris TEXT    NOT NULL,
    grant_types               TEXT    NOT NULL,
    scopes                    TEXT    NOT NULL,
    first_party               INTEGER NOT NULL,
    service_account_id        INTEGER REFERENCES service_accounts(id) ON DELETE SET NULL,
    access_token_lifetime     INTEGER NOT NULL,
    refresh_token_lifetime    INTEGER NOT NULL,
    id_token_lifetime         INTEGER NOT NULL,
    created_at                INTEGER NOT NULL,
    updated_at                INTEGER NOT NULL
);
