/**
 * mailer-service: sends one verification email per {@code UserRegistered} or {@code VerificationReissued} event,
 * through SendCloud's template API or, without SendCloud credentials, into a built-in inbox. The database is the
 * source of truth: every event becomes a delivery row first, and sends, retries and re-drives all go through that
 * row. Features live in subpackages: {@code delivery} (the rows, concurrent sending, retries, re-drive, the
 * deliveries API), {@code sendcloud} (the SendCloud client), {@code inbox} (the built-in inbox and its pages),
 * {@code messaging} (Kafka wiring and the listener), {@code web} (problem details), {@code config}.
 */
package dev.verimail.mailer;
