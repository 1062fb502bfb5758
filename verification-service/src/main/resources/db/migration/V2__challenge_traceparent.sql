-- The W3C traceparent of the consumer span that stored the challenge (a span of the sign-up's trace): the click
-- starts a trace of its own, and its confirm span links to this one. NULL for rows from before, or tracing off.
ALTER TABLE challenge ADD COLUMN traceparent VARCHAR(55) NULL;
