-- The 6-digit code beside the link (issue 14), sealed as the event brought it (VERIMAIL_SECRET_KEYS, the code's
-- own context). Kept exactly as long as the link: every statement that clears token and authcode clears it too.
-- NULL for events without a code: the email then shows none.
ALTER TABLE delivery ADD COLUMN sealed_code VARCHAR(255) NULL;
