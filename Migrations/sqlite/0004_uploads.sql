-- Uploaded document files kept in the database (DatabaseFileStore): what
-- PostgreSQL deployments use so that no instance keeps state on its own disk.
-- The embedded backend writes files under upload_path instead.
CREATE TABLE uploads (
    name        TEXT    PRIMARY KEY,
    bytes       BLOB    NOT NULL,
    created_at  INTEGER NOT NULL
);
