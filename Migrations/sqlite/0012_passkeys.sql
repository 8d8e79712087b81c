-- Passkeys (WebAuthn credentials) and their
-- single-use challenges. A user's handle is random (not the uid): it is
-- what the authenticator stores and hands back on sign-in.
CREATE TABLE passkey_handles (
    user_id INTEGER NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle  TEXT    NOT NULL UNIQUE
);

CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT    NOT NULL UNIQUE,
    public_key    TEXT    NOT NULL,
    algorithm     INTEGER NOT NULL,
    sign_count    INTEGER NOT NULL,
    transports    TEXT    NOT NULL DEFAULT '',
    backed_up     INTEGER NOT NULL DEFAULT 0,
    name          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX passkeys_user_id ON passkeys(user_id);

-- purpose: register (bound to the session that asked) or login.
CREATE TABLE webauthn_challenges (
    challenge_hash TEXT    NOT NULL PRIMARY KEY,
    purpose        TEXT    NOT NULL,
    session_hash   TEXT,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expires_at ON webauthn_challenges(expires_at);
