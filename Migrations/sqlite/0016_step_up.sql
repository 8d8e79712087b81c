-- Step-up challenges: a passkey assertion approves one action of one user.
-- The user and the action name are kept beside the challenge's hash; for
-- otp_sign the challenge's own bytes end with SHA-256 of the payload it approves.
ALTER TABLE webauthn_challenges ADD COLUMN user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE webauthn_challenges ADD COLUMN action TEXT;
CREATE INDEX webauthn_challenges_user_id ON webauthn_challenges(user_id);
