-- Uploaded document files kept in the database (DatabaseFileStore), so that
-- no instance keeps state on its own disk.
CREATE TABLE uploads (
    name        TEXT   PRIMARY KEY,
    bytes       BYTEA  NOT NULL,
    created_at  BIGINT NOT NULL
);
