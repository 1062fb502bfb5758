-- Events waiting to be published to Kafka. A row is written in the same transaction as the business change it
-- describes and deleted once the broker acknowledged it, so secrets in payloads (authcodes) do not linger.
-- IF NOT EXISTS: on a database from before the outbox had its own Flyway history, the service's history applied
-- this same table as V1000; the outbox history then adopts it as it is.
CREATE TABLE IF NOT EXISTS outbox_event (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    event_id     CHAR(36)      NOT NULL,
    topic        VARCHAR(249)  NOT NULL,
    message_key  VARCHAR(255)  NOT NULL,
    event_type   VARCHAR(255)  NOT NULL,
    occurred_at  DATETIME(6)   NOT NULL,
    payload      LONGTEXT      NOT NULL,
    created_at   DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_outbox_event_event_id UNIQUE (event_id)
);
