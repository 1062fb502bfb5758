-- The language of the sign-up (a BCP 47 tag, en or zh-CN) the challenge was issued for: the confirm and result
-- pages speak it unless the link asks for another (lang). NULL for rows from before, or events without a locale.
ALTER TABLE challenge ADD COLUMN locale VARCHAR(35) NULL;
