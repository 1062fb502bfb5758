-- The mail provider could not reach a PENDING user's address (EmailUndeliverable from mailer-service): the user is
-- UNDELIVERABLE, with when the provider reported it, why (INVALID or BOUNCED) and the provider's sub-code if it gave
-- one. The three are cleared when the user leaves that status (a new link, or verified after all).
-- challenge_event_id is the eventId of the user's latest UserRegistered or VerificationReissued: an EmailUndeliverable
-- names the event whose email bounced (deliveryEventId), so one about an earlier link changes nothing. NULL for a user
-- whose latest link predates this column (then the report's time is compared with last_challenge_at instead).
ALTER TABLE users
    ADD COLUMN challenge_event_id    CHAR(36)     NULL,
    ADD COLUMN undeliverable_at      DATETIME(6)  NULL,
    ADD COLUMN undeliverable_reason  VARCHAR(16)  NULL,
    ADD COLUMN undeliverable_code    INT          NULL;
