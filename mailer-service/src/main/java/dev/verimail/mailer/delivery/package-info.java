/**
 * Deliveries: one row per event (unique by {@code eventId}) that is the source of truth for what was sent.
 * <p>
 * An event is recorded as an unclaimed PENDING row ({@link dev.verimail.mailer.delivery.Deliveries}); its consumer
 * then waits for a send slot ({@link dev.verimail.mailer.delivery.SendPool}) and claims the row only once it has one.
 * A claim is a token plus a lease; every call to the transport is preceded by one conditional statement that
 * checks the claim is still valid and extends the lease ({@link dev.verimail.mailer.delivery.Claims}), and every
 * outcome is conditional on the token, so a sender that waited too long and lost its claim sends nothing. What the
 * quick retries ({@link dev.verimail.mailer.delivery.Sender}) cannot send becomes RETRYING;
 * {@link dev.verimail.mailer.delivery.Redrive} takes free slots, claims as many due rows with
 * {@code FOR UPDATE SKIP LOCKED} and sends them again until the link expires.
 */
package dev.verimail.mailer.delivery;
