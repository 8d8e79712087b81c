-- A user's anti-phishing code: a phrase every mail of ours shows, so a mail
-- without it is not ours. Sealed at rest as other secrets are (AES-GCM under
-- encryption_key); never in logs, activities or model events.
CREATE TABLE anti_phishing_codes (
    user_id    BIGINT NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sealed     TEXT    NOT NULL,
    updated_at BIGINT NOT NULL
);
