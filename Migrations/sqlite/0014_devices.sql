-- The browsers a user has signed in from. The
-- device cookie's value is stored only as its SHA-256; a device known to
-- the account is never made to wait by others' failed sign-ins.
CREATE TABLE devices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    id_hash         TEXT    NOT NULL,
    user_agent      TEXT    NOT NULL,
    user_ip         TEXT    NOT NULL,
    user_ip_country TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX devices_user_id_id_hash ON devices(user_id, id_hash);
