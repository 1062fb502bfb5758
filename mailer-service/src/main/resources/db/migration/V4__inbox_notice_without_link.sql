-- The "someone tried to sign up with your address" notice (SignupAttempted) has no link: the inbox keeps it with none.
ALTER TABLE inbox_message MODIFY link VARCHAR(2000) NULL;
