-- When a new verification link was last requested for an address. Kept for any address, registered or not, so the
-- resend endpoint throttles (and answers) the same way whether the address exists or not.
CREATE TABLE resend_throttle (
    email_key          VARCHAR(254)  NOT NULL,
    last_requested_at  DATETIME(6)   NOT NULL,
    PRIMARY KEY (email_key)
);
