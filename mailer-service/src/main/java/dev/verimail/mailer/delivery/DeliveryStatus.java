package dev.verimail.mailer.delivery;

/** The states of a delivery, as {@code GET /api/deliveries} shows them. */
public enum DeliveryStatus {
    /** Recorded, being sent (or about to be). */
    PENDING,
    /** SendCloud accepted it. Never sent again. */
    SENT,
    /** The quick retries failed; the re-drive tries again at {@code nextAttemptAt}. */
    RETRYING,
    /** Given up: see {@code failureReason}. */
    FAILED
}
