-- Recovery codes: ten single-use codes a 2FA user can sign in with when the
-- authenticator is lost. Only a keyed hash (HMAC-SHA-256) of each code is
-- stored; a used code keeps its row (used_at) until the set is replaced.
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE UNIQUE INDEX recovery_codes_user_id_code_hash ON recovery_codes(user_id, code_hash);
