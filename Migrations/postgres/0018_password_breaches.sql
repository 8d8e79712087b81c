-- Users whose current password was found in the breach list at a sign-in
-- (takeover.md §P). digest_mark is SHA-256 of the password's bcrypt digest:
-- the flag lapses by itself when the password changes, on any path.
-- mailed_at: the last advisory mail, so at most one a day is sent.
CREATE TABLE password_breaches (
    user_id     BIGINT NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    digest_mark TEXT    NOT NULL,
    flagged_at  BIGINT NOT NULL,
    mailed_at   BIGINT NOT NULL
);
