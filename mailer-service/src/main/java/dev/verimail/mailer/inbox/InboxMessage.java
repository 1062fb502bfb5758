package dev.verimail.mailer.inbox;

import java.time.Instant;
import java.util.UUID;

/**
 * An email the inbox transport received. {@code html} is the rendered body, with name and link escaped; {@code link}
 * is null for a notice ("someone tried to sign up with your address"), which has none.
 */
record InboxMessage(long id, UUID eventId, String to, String subject, String name, String link, String html,
        Instant receivedAt) {
}
