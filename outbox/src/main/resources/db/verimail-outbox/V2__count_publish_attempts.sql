-- How many times the broker refused this row's record for a reason of its own (too large, invalid topic, ...).
-- Broker outages never count. At verimail.outbox.max-attempts the row moves to outbox_dead.
ALTER TABLE outbox_event ADD COLUMN attempts INT NOT NULL DEFAULT 0;
