package dev.verimail.mailer.inbox;

import java.time.Instant;
import java.util.UUID;

/** An email the inbox transport received. {@code html} is the rendered body, with name and link escaped. */
record InboxMessage(long id, UUID eventId, String to, String subject, String name, String link, String html,
        Instant receivedAt) {
}
