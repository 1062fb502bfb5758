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
    FAILED,
    /**
     * SendCloud reports it reached the recipient's mail server ({@code deliver} webhook; an {@code open} or
     * {@code click} counts too). The states from here on come only from SendCloud's webhooks, on a SENT delivery.
     */
    DELIVERED,
    /** The recipient's server refused it for now ({@code soft_bounce}); repeated, the address counts as undeliverable. */
    BOUNCED,
    /** SendCloud gave up on the address ({@code invalid}): {@code EmailUndeliverable} went out. */
    INVALID,
    /** The recipient reported it as spam ({@code report_spam}). */
    SPAM;

    /** Whether the email went out (SendCloud accepted it); the webhook states all are. */
    public boolean sent() {
        return this == SENT || this == DELIVERED || this == BOUNCED || this == INVALID || this == SPAM;
    }
}
