-- Retention. finished_at: when the delivery became final (SENT or FAILED); NULL while it is open. Final rows that
-- hold no link are deleted mailer.retention.deliveries after it.
ALTER TABLE delivery ADD COLUMN finished_at DATETIME(6) NULL;
UPDATE delivery SET finished_at = COALESCE(sent_at, updated_at) WHERE status IN ('SENT', 'FAILED');
CREATE INDEX ix_delivery_finished ON delivery (finished_at);
-- The writes that make a delivery SENT, EXPIRED or SUPERSEDED clear its link in the same statement; rows from before
-- that rule lose it here. PERMANENT failures keep it until it expires (an operator may re-drive them): the clean-up
-- finds those by this index.
UPDATE delivery SET token = NULL, authcode = NULL
WHERE token IS NOT NULL AND (status = 'SENT' OR failure_reason IN ('EXPIRED', 'SUPERSEDED'));
CREATE INDEX ix_delivery_failure ON delivery (failure_reason, expires_at);
-- Inbox ids are random from now on (they are shown at /api/inbox): newest first is by created_at, and rows older
-- than mailer.retention.inbox are deleted by created_at.
CREATE INDEX ix_inbox_recipient_created ON inbox_message (recipient_key, created_at);
DROP INDEX ix_inbox_recipient ON inbox_message;
CREATE INDEX ix_inbox_created ON inbox_message (created_at);
