-- The 6-digit code beside the link (issue 14). code_hash is the keyed hash registration-service put on the event
-- (SignedTokens.codeHash: worthless without the link key); NULL for challenges of events without a code.
-- email_key is the SHA-256 of the trimmed, lower-cased address, so a code is found by address whatever its case.
-- code_failures counts wrong codes (at most 5, by a conditional UPDATE); the 5th sets code_locked_at.
ALTER TABLE challenge
    ADD COLUMN code_hash       VARCHAR(43)  NULL,
    ADD COLUMN email_key       BINARY(32)   NULL,
    ADD COLUMN code_failures   INT          NOT NULL DEFAULT 0,
    ADD COLUMN code_locked_at  DATETIME(6)  NULL;
CREATE INDEX ix_challenge_email_key ON challenge (email_key, issued_at);

-- Wrong codes counted outside a challenge, each bucket a SHA-256: per client address (the per-client limit), and
-- per address that has no challenge with a code (so an unknown address locks exactly as a known one does). A
-- bucket counts from its first failure until window_ends, then starts again; retention deletes ended windows.
CREATE TABLE code_failure (
    bucket       BINARY(32)   NOT NULL,
    failures     INT          NOT NULL,
    window_ends  DATETIME(6)  NOT NULL,
    PRIMARY KEY (bucket),
    KEY ix_code_failure_window_ends (window_ends)
) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
