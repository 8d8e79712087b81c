-- Users whose current password was found in the breach list at a sign-in
-- (takeover.md §P). digest_mark is SHA-256 of the password's bcrypt digest:
-- the flag lapses by itself when the password changes, on any path.
-- mailed_at: the last advisory mail, so at most one a day is sent.
CREATE TABLE password_breaches (
    user_id     INTEGER NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    digest_mark TEXT    NOT NULL,
    flagged_at  INTEGER NOT NULL,
    mailed_at   INTEGER NOT NULL
);
