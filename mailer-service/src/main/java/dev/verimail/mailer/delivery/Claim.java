package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery this instance holds the right to send, until its lease ends; or, with no claim token yet, one its
 * consumer has just recorded and will claim once a send slot is free ({@link Claims#claimNew}). Holds the secret
 * half of the link: {@link #toString()} leaves it out.
 */
record Claim(UUID eventId, String claimToken, DeliveryStatus status, long userId, String email, String name, String token,
        String authcode, Instant occurredAt, Instant expiresAt, int attempts, int redrives) {

    /** The same delivery, held with {@code token}. */
    Claim withClaimToken(String token) {
        return new Claim(eventId, token, status, userId, email, name, this.token, authcode, occurredAt, expiresAt,
                attempts, redrives);
    }

    @Override
    public String toString() {
        return "Claim[eventId=" + eventId + ", status=" + status + ", attempts=" + attempts + "]";
    }
}
