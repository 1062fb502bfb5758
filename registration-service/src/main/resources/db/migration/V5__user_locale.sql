-- The language the person signed up in (a BCP 47 tag: en or zh-CN), which their emails and the confirm page speak.
-- NULL for users who signed up before this column (they get English).
ALTER TABLE users ADD COLUMN locale VARCHAR(35) NULL;
