-- A challenge of an address change (EmailChangeRequested): the user may be verified already, and this link verifies
-- them anew, for the new address (it moves user_verification to it). FALSE for sign-up links and older rows.
-- A cancelled change (EmailChangeCancelled) is marked superseded_at: its link then answers "not valid".
ALTER TABLE challenge ADD COLUMN email_change BOOLEAN NOT NULL DEFAULT FALSE;
