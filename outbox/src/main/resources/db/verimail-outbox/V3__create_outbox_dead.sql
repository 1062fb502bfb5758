-- Rows the broker refused verimail.outbox.max-attempts times, moved aside so the rows behind them are published.
-- Same columns as outbox_event (id is the row's id there), plus why and when. The payload stays for a requeue
-- (OutboxDeadRows.requeueDead); it may hold a one-time secret, so rows here are to be requeued or deleted.
CREATE TABLE outbox_dead (
    id           BIGINT        NOT NULL,
    event_id     CHAR(36)      NOT NULL,
    topic        VARCHAR(249)  NOT NULL,
    message_key  VARCHAR(255)  NOT NULL,
    event_type   VARCHAR(255)  NOT NULL,
    occurred_at  DATETIME(6)   NOT NULL,
    payload      LONGTEXT      NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    attempts     INT           NOT NULL,
    last_error   VARCHAR(255)  NOT NULL,
    moved_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (id)
);
