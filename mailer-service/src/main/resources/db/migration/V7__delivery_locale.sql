-- The language the email is written in (a BCP 47 tag, en or zh-CN), from the event's locale: the sign-up's for a
-- verification email, the registered user's for a notice. NULL for rows from before and events without one: English.
ALTER TABLE delivery ADD COLUMN locale VARCHAR(35) NULL;
