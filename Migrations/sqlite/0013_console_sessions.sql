-- The admin console's own sessions, apart from the API's cookie
-- sessions so that neither cookie opens the other. The id is stored
-- hashed; last_seen_at drives the idle logout.
CREATE TABLE console_sessions (
    id_hash      TEXT    NOT NULL PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   TEXT    NOT NULL,
    user_ip      TEXT    NOT NULL,
    user_agent   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_user_id ON console_sessions(user_id);
CREATE INDEX console_sessions_last_seen_at ON console_sessions(last_seen_at);
