package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery this instance holds the right to send, until its lease ends; or, with no claim token yet, one its
 * consumer has just recorded and will claim once a send slot is free ({@link Claims#claimNew}). Holds the secret
 * half of the link: {@link #toString()} leaves it out. {@code eventType} says which email it is: a verification
 * email (with token and authcode) or a {@value #NOTICE} notice (neither). {@code traceparent}: the trace of the
 * sign-up that asked for it, which its send continues. {@code sealedCode}: the 6-digit code beside the link, sealed,
 * or {@code null} (an event without one, or a notice); {@code locale}: the language of the email ({@code en},
 * {@code zh-CN}; null: English).
 */
record Claim(UUID eventId, String claimToken, DeliveryStatus status, String eventType, long userId, String email,
        String name, String token, String authcode, Instant occurredAt, Instant expiresAt, int attempts, int redrives,
        String traceparent, String sealedCode, String locale) {

    /** {@code event_type} of a "someone tried to sign up with your address" notice: no link, never superseded. */
    static final String NOTICE = dev.verimail.events.registration.SignupAttempted.TYPE;

    /** The same delivery, held with {@code token}. */
    Claim withClaimToken(String token) {
        return new Claim(eventId, token, status, eventType, userId, email, name, this.token, authcode, occurredAt,
                expiresAt, attempts, redrives, traceparent, sealedCode, locale);
    }

    boolean notice() {
        return NOTICE.equals(eventType);
    }

    @Override
    public String toString() {
        return "Claim[eventId=" + eventId + ", type=" + eventType + ", status=" + status + ", attempts=" + attempts + "]";
    }
}
