-- One row per verification challenge received on registration-events (UserRegistered or VerificationReissued).
-- event_id is unique, so a redelivered event cannot add a second row. The authcode is kept only as its SHA-256.
-- issued_at is the event's occurredAt: the newest challenge of a user wins, whatever order the events arrive in;
-- every older one gets superseded_at. verified_at is set once, by a conditional UPDATE.
CREATE TABLE challenge (
    id             BIGINT        NOT NULL AUTO_INCREMENT,
    event_id       VARCHAR(36)   NOT NULL,
    token          VARCHAR(256)  NOT NULL,
    authcode_hash  BINARY(32)    NOT NULL,
    user_id        BIGINT        NOT NULL,
    email          VARCHAR(254)  NOT NULL,
    name           VARCHAR(100)  NOT NULL,
    issued_at      DATETIME(6)   NOT NULL,
    expires_at     DATETIME(6)   NOT NULL,
    received_at    DATETIME(6)   NOT NULL,
    superseded_at  DATETIME(6)   NULL,
    verified_at    DATETIME(6)   NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_challenge_event_id UNIQUE (event_id),
    CONSTRAINT uk_challenge_token UNIQUE (token),
    KEY ix_challenge_user_issued (user_id, issued_at)
) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- One row per user who has a challenge. Every change to a user's challenges locks this row first, so consumers and
-- clicks of one user run one after the other; verified_at here makes a user verified at most once, whichever of
-- their links is clicked.
CREATE TABLE user_verification (
    user_id                BIGINT        NOT NULL,
    verified_at            DATETIME(6)   NULL,
    verified_email         VARCHAR(254)  NULL,
    verified_challenge_id  BIGINT        NULL,
    PRIMARY KEY (user_id)
) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
