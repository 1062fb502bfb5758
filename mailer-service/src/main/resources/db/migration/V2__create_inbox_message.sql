-- The built-in inbox: emails stored instead of sent when no SendCloud credentials are configured.
CREATE TABLE inbox_message (
    id             BIGINT         NOT NULL AUTO_INCREMENT,
    event_id       CHAR(36)       NOT NULL,
    recipient      VARCHAR(254)   NOT NULL,
    recipient_key  VARCHAR(254)   NOT NULL,
    subject        VARCHAR(500)   NOT NULL,
    name           VARCHAR(400)   NOT NULL,
    link           VARCHAR(2000)  NOT NULL,
    html_body      LONGTEXT       NOT NULL,
    created_at     DATETIME(6)    NOT NULL,
    PRIMARY KEY (id),
    INDEX ix_inbox_recipient (recipient_key, id)
) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
