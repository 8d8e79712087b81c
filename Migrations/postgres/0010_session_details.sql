-- What a user's session list shows: an opaque id
-- of its own (random, not derived from the cookie), how it was opened,
-- the country of its address, when it was last renewed, and its opening
-- to the millisecond (the list is newest first). Sessions open
-- before this migration get a random id and their opening as last seen.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
ALTER TABLE sessions ADD COLUMN user_ip_country TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
ALTER TABLE sessions ADD COLUMN opened_at_ms BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET public_id = replace(gen_random_uuid()::text, '-', ''), last_seen_at = created_at, opened_at_ms = created_at * 1000;
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);
CREATE INDEX sessions_user_opened ON sessions(user_id, opened_at_ms);
