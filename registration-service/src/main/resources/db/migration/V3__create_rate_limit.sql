-- Abuse limits shared by every instance (DESIGN.md, "Abuse limits"): one row per limited thing (a client address, an
-- email address, the whole service), by the SHA-256 of its name, so the table holds no address in clear. A row holds
-- the generic cell rate algorithm's "theoretical arrival time" in microseconds since the epoch: a request is let in
-- while it is at most the limit's burst ahead of now, and moves it one interval (period / count) further. allowed is
-- the last request's answer; hits counts requests (let in or not) since the row was made.
CREATE TABLE rate_limit (
    bucket   BINARY(32) NOT NULL,
    tat      BIGINT     NOT NULL,
    allowed  BOOLEAN    NOT NULL,
    hits     BIGINT     NOT NULL,
    PRIMARY KEY (bucket),
    KEY ix_rate_limit_tat (tat)
);
