-- Portcullis schema, SQLite dialect. Applied once, in a transaction, by the migrator.
-- Times are unix seconds (INTEGER, UTC). Emails and usernames are stored lower-cased.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    uid             TEXT    NOT NULL UNIQUE,
    email           TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    username        TEXT    COLLATE NOCASE UNIQUE,
    password_digest TEXT    NOT NULL,
    role            TEXT    NOT NULL DEFAULT 'member',
    state           TEXT    NOT NULL DEFAULT 'pending',
    level           INTEGER NOT NULL DEFAULT 0,
    otp             INTEGER NOT NULL DEFAULT 0,
    referral_id     INTEGER REFERENCES users(id),
    data            TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX users_referral_id ON users(referral_id);

CREATE TABLE labels (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key         TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    scope       TEXT    NOT NULL DEFAULT 'public',
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, key, scope)
);

CREATE TABLE levels (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    description TEXT
);
INSERT INTO levels (id, key, value, description) VALUES
    (1, 'email', 'verified', 'User clicked on confirmation link'),
    (2, 'phone', 'verified', 'User entered a valid code from SMS'),
    (3, 'document', 'verified', 'User identity was verified');

-- The store keeps only the SHA-256 of the cookie's session id.
CREATE TABLE sessions (
    id_hash     TEXT    PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    user_ip     TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    expire_at   INTEGER NOT NULL,
    hard_expire_at INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user_id ON sessions(user_id);
CREATE INDEX sessions_hard_expire_at ON sessions(hard_expire_at);

CREATE TABLE profiles (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    first_name    TEXT,
    last_name     TEXT,
    dob           TEXT,
    address       TEXT,
    postcode      TEXT,
    city          TEXT,
    country       TEXT,
    state         TEXT    NOT NULL DEFAULT 'drafted',
    metadata      TEXT,
    applicant_id  TEXT,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX profiles_user_id ON profiles(user_id);
CREATE INDEX profiles_applicant_id ON profiles(applicant_id);

CREATE TABLE phones (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    country             TEXT    NOT NULL,
    number_encrypted    TEXT    NOT NULL,
    number_index        INTEGER NOT NULL,
    code                TEXT,
    validated_at        INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX phones_user_id ON phones(user_id);
CREATE INDEX phones_number_index ON phones(number_index);

CREATE TABLE documents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    upload              TEXT,
    doc_type            TEXT,
    doc_number_encrypted TEXT,
    doc_number_index    INTEGER,
    doc_expire          TEXT,
    doc_category        TEXT,
    identificator       TEXT,
    metadata            TEXT,
    kycaid_document_id  TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX documents_user_id ON documents(user_id);
CREATE INDEX documents_identificator ON documents(identificator);

CREATE TABLE service_accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    uid         TEXT    NOT NULL UNIQUE,
    owner_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
    role        TEXT    NOT NULL DEFAULT 'service_account',
    level       INTEGER NOT NULL DEFAULT 0,
    state       TEXT    NOT NULL DEFAULT 'pending',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX service_accounts_owner_id ON service_accounts(owner_id);

-- key_holder_type is 'user' or 'service_account'; the secret is AES-GCM encrypted.
CREATE TABLE api_keys (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    key_holder_type  TEXT    NOT NULL,
    key_holder_id    INTEGER NOT NULL,
    kid              TEXT    NOT NULL UNIQUE,
    algorithm        TEXT    NOT NULL,
    scope            TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL DEFAULT 'active',
    secret_encrypted TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX api_keys_holder ON api_keys(key_holder_type, key_holder_id);

-- One TOTP secret per user (encrypted); last_step guards against replay.
CREATE TABLE otp_secrets (
    user_id          INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret_encrypted TEXT    NOT NULL,
    last_used_step   INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL
);

CREATE TABLE activities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
    target_uid      TEXT,
    category        TEXT    NOT NULL DEFAULT 'user',
    user_ip         TEXT    NOT NULL,
    user_ip_country TEXT    NOT NULL DEFAULT '',
    user_agent      TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    result          TEXT    NOT NULL,
    data            TEXT,
    created_at      INTEGER NOT NULL
);
CREATE INDEX activities_user_topic ON activities(user_id, topic, id);
CREATE INDEX activities_user_id ON activities(user_id, id);

CREATE TABLE data_storages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title       TEXT    NOT NULL COLLATE NOCASE,
    data        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, title)
);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    author_uid  TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX comments_user_id ON comments(user_id);

CREATE TABLE permissions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    role        TEXT    NOT NULL,
    verb        TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    topic       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX permissions_role ON permissions(role);

CREATE TABLE restrictions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    category    TEXT    NOT NULL,
    scope       TEXT    NOT NULL,
    value       TEXT    NOT NULL,
    code        INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'enabled',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (category, scope, value)
);

-- One-time tokens: only the SHA-256 of the secret or jti is kept.
-- kind: 'jti' (used JWT ids), 'reset' (latest reset secret per user), 'whitelink'.
CREATE TABLE one_time_tokens (
    token_hash  TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    expire_at   INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX one_time_tokens_kind_user ON one_time_tokens(kind, user_id);
CREATE INDEX one_time_tokens_expire_at ON one_time_tokens(expire_at);

-- Events written in the same transaction as the change; a worker delivers them.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at  INTEGER,
    last_error    TEXT,
    created_at    INTEGER NOT NULL
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
