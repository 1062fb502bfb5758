package dev.verimail.mailer.delivery;

import java.util.UUID;

/**
 * One verification email. {@code link} holds the authcode: it is never logged, and {@link #toString()} leaves it out.
 */
public record Mail(UUID eventId, String to, String name, String link) {

    @Override
    public String toString() {
        return "Mail[eventId=" + eventId + ", to=" + to + "]";
    }
}
