-- What SendCloud reported after it accepted an email, from its webhooks (POST /webhooks/sendcloud), matched by its
-- email id (message_id). status gains DELIVERED, BOUNCED, INVALID and SPAM. provider_event: the last event that
-- changed the row (deliver, soft_bounce, invalid, report_spam, unsubscribe...), provider_code its sub-status
-- (SendCloud's subStat, e.g. 406 "address does not exist"), provider_event_at its time (UTC). soft_bounces counts
-- them; undeliverable_at is when EmailUndeliverable went out for this delivery (once).
ALTER TABLE delivery
    ADD COLUMN provider_event    VARCHAR(32) NULL,
    ADD COLUMN provider_code     INT         NULL,
    ADD COLUMN provider_event_at DATETIME(6) NULL,
    ADD COLUMN soft_bounces      INT         NOT NULL DEFAULT 0,
    ADD COLUMN undeliverable_at  DATETIME(6) NULL;
CREATE INDEX ix_delivery_message_id ON delivery (message_id);
-- The tokens of the webhooks applied, so that a replayed one changes nothing. Kept twice mailer.webhook.max-age;
-- an older webhook is refused by its timestamp anyway.
CREATE TABLE webhook_token (
    token        VARCHAR(64) NOT NULL,
    received_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (token),
    INDEX ix_webhook_token_received (received_at)
) CHARACTER SET ascii COLLATE ascii_bin;
