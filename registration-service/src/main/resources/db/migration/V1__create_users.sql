-- People who signed up. email keeps the address as typed (trimmed); email_key is its lower-case form and is what
-- makes addresses unique regardless of letter case.
CREATE TABLE users (
    id                 BIGINT        NOT NULL AUTO_INCREMENT,
    name               VARCHAR(100)  NOT NULL,
    email              VARCHAR(254)  NOT NULL,
    email_key          VARCHAR(254)  NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    registered_at      DATETIME(6)   NOT NULL,
    verified_at        DATETIME(6)   NULL,
    last_challenge_at  DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uk_users_email_key UNIQUE (email_key)
);
