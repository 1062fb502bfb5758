-- One row per registration event (unique by event_id): the source of truth for what was sent.
-- token and authcode are kept only while the email may still be sent, and cleared once the row is final.
-- next_attempt_at is NULL exactly when the row is final (SENT or FAILED). For an open row it is when the row is due:
-- the next re-drive of a RETRYING row, or the end of the lease of a claimed one (claim_token says who holds it).
-- Instants are UTC.
CREATE TABLE delivery (
    id               BIGINT         NOT NULL AUTO_INCREMENT,
    event_id         CHAR(36)       NOT NULL,
    event_type       VARCHAR(64)    NOT NULL,
    user_id          BIGINT         NOT NULL,
    email            VARCHAR(254)   NOT NULL,
    email_key        VARCHAR(254)   NOT NULL,
    name             VARCHAR(400)   NOT NULL,
    token            VARCHAR(255)   NULL,
    authcode         VARCHAR(255)   NULL,
    occurred_at      DATETIME(6)    NOT NULL,
    expires_at       DATETIME(6)    NOT NULL,
    status           VARCHAR(16)    NOT NULL,
    attempts         INT            NOT NULL DEFAULT 0,
    redrives         INT            NOT NULL DEFAULT 0,
    next_attempt_at  DATETIME(6)    NULL,
    claim_token      CHAR(36)       NULL,
    failure_reason   VARCHAR(16)    NULL,
    sendcloud_code   INT            NULL,
    last_error       VARCHAR(1000)  NULL,
    message_id       VARCHAR(255)   NULL,
    created_at       DATETIME(6)    NOT NULL,
    updated_at       DATETIME(6)    NOT NULL,
    sent_at          DATETIME(6)    NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_delivery_event_id UNIQUE (event_id),
    INDEX ix_delivery_due (next_attempt_at),
    INDEX ix_delivery_email (email_key, created_at),
    INDEX ix_delivery_user (user_id, occurred_at)
) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
