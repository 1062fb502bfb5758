-- Pending address changes (an operator's POST /api/registrations/{id}/email): at most one per user, until the new
-- address is confirmed (then it becomes users.email and the row goes), cancelled, replaced by a newer request, or
-- expired (the retention job deletes it once expires_at, the link's expiry, has passed). email_key, the new
-- address in lower case, is unique here as users.email_key is in users; a sign-up or a change checks both tables.
-- token and challenge_event_id name the change's challenge (its EmailChangeRequested), so a cancellation names it.
CREATE TABLE email_changes (
    user_id             BIGINT        NOT NULL,
    email               VARCHAR(254)  NOT NULL,
    email_key           VARCHAR(254)  NOT NULL,
    token               VARCHAR(256)  NOT NULL,
    challenge_event_id  CHAR(36)      NOT NULL,
    requested_at        DATETIME(6)   NOT NULL,
    expires_at          DATETIME(6)   NOT NULL,
    PRIMARY KEY (user_id),
    CONSTRAINT uk_email_changes_email_key UNIQUE (email_key),
    CONSTRAINT fk_email_changes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_email_changes_expires_at ON email_changes (expires_at);
