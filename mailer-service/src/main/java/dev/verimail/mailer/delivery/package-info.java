/**
 * Deliveries: one row per event (unique by {@code eventId}) that is the source of truth for what was sent.
 * <p>
 * An event is recorded as a PENDING row already claimed by the instance that consumed it (a claim token plus a
 * lease in {@code next_attempt_at}), then sent on a bounded pool with quick spring-retry retries. What the quick
 * retries cannot send becomes RETRYING with a next-attempt time; {@link dev.verimail.mailer.delivery.Redrive}
 * claims due rows with {@code FOR UPDATE SKIP LOCKED} and sends them again until the link expires. Every state
 * change after a send is conditional on the claim token, so two instances, or the quick-retry path and the
 * re-drive, never send one row at the same time.
 */
package dev.verimail.mailer.delivery;
