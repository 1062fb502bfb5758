package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery this instance holds the right to send, until its lease ends. Holds the secret half of the link:
 * {@link #toString()} leaves it out.
 */
record Claim(UUID eventId, String claimToken, DeliveryStatus status, long userId, String email, String name, String token,
        String authcode, Instant occurredAt, Instant expiresAt, int attempts, int redrives) {

    @Override
    public String toString() {
        return "Claim[eventId=" + eventId + ", status=" + status + ", attempts=" + attempts + "]";
    }
}
