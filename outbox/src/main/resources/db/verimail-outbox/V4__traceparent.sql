-- The W3C traceparent of the work that wrote the row (a sign-up request, say), so the relay publishes the record in
-- that trace instead of starting a new one. NULL when tracing is off or the row predates this column.
ALTER TABLE outbox_event ADD COLUMN traceparent VARCHAR(55) NULL;
ALTER TABLE outbox_dead ADD COLUMN traceparent VARCHAR(55) NULL;
