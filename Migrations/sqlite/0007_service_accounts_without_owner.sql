-- Service accounts the management API creates may have no owner
-- (management service_accounts/create). SQLite cannot drop NOT NULL in
-- place: the table is rebuilt with the same rows (nothing references it).
CREATE TABLE service_accounts_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT    NOT NULL UNIQUE,
    owner_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    role        TEXT    NOT NULL DEFAULT 'service_account',
    level       INTEGER NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL DEFAULT 'pending',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
INSERT INTO service_accounts_new (id, uid, owner_id, email, role, level, state, created_at, updated_at)
SELECT id, uid, owner_id, email, role, level, state, created_at, updated_at FROM service_accounts;
DROP TABLE service_accounts;
ALTER TABLE service_accounts_new RENAME TO service_accounts;
CREATE INDEX service_accounts_owner_id ON service_accounts(owner_id);
