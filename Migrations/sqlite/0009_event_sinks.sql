-- Each sink (mail, rabbitmq, webhook:<id>) keeps its own delivery state per
-- event, so a broker outage neither resends mail nor holds
-- it up. An event's jti is fixed when it is written: a resend carries the
-- same one. changes: the previous values on *.updated events.
ALTER TABLE outbox ADD COLUMN jti TEXT;
ALTER TABLE outbox ADD COLUMN changes TEXT;

CREATE TABLE outbox_deliveries (
    sink            TEXT    NOT NULL,
    event_id        INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT,
    PRIMARY KEY (sink, event_id)
);
-- What a sink still has to deliver, in event order.
CREATE INDEX outbox_deliveries_pending ON outbox_deliveries(sink, event_id) WHERE delivered_at IS NULL;

-- Mail that was waiting goes on waiting, now as the mail sink's.
INSERT INTO outbox_deliveries (sink, event_id, attempts, next_attempt_at, last_error)
SELECT 'mail', id, attempts, next_attempt_at, last_error FROM outbox
WHERE delivered_at IS NULL
  AND name IN ('system.user.email.confirmation.token', 'system.user.password.reset.token');
UPDATE outbox SET delivered_at = created_at WHERE delivered_at IS NULL AND id NOT IN (SELECT event_id FROM outbox_deliveries);
