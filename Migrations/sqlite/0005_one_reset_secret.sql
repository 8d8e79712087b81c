-- At most one live password-reset secret per user, enforced by the schema:
-- two reset requests racing (on two instances) leave the last one, not both.
CREATE UNIQUE INDEX one_time_tokens_one_reset_per_user ON one_time_tokens(user_id) WHERE kind = 'reset';
