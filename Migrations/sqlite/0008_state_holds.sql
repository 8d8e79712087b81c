-- A state an operator set (admin PUT users state=banned|locked|deleted) is
-- held here, apart from users.state, so that no automatic recomputation
-- from labels (email confirmation, KYC, any private-label write) can lift
-- it. Only an operator's next state change removes it.
CREATE TABLE user_state_holds (
    user_id    INTEGER NOT NULL PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    state      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

-- Users already in such a state that no private trigger label explains
-- were put there by an operator: hold them.
INSERT INTO user_state_holds (user_id, state, created_at)
SELECT id, state, updated_at FROM users
WHERE state IN ('banned', 'locked', 'deleted')
  AND NOT EXISTS (
      SELECT 1 FROM labels
      WHERE labels.user_id = users.id AND labels.scope = 'private'
        AND labels.key IN ('ban', 'fraud', 'delete', 'suspicious', 'lock'));
