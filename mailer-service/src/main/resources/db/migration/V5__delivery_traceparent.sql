-- The W3C traceparent of the consumer span that recorded the delivery (a child of the sign-up's trace): its sends
-- continue that trace, and GET /api/deliveries shows the trace id. NULL for rows from before, or tracing off.
ALTER TABLE delivery ADD COLUMN traceparent VARCHAR(55) NULL;
