package dev.verimail.registration.user;

import java.time.Instant;
import java.util.UUID;

/**
 * A pending address change as stored in {@code email_changes}: the user will move to {@code email} once its link
 * (the challenge of the {@code EmailChangeRequested} {@code challengeEventId}, token {@code token}) is confirmed.
 */
public record EmailChange(long userId, String email, String emailKey, String token, UUID challengeEventId,
        Instant requestedAt, Instant expiresAt) {

    /** Never the address: logs may print it. */
    @Override
    public String toString() {
        return "EmailChange[userId=" + userId + ", expiresAt=" + expiresAt + "]";
    }
}
