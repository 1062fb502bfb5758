package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/** A delivery as {@code GET /api/deliveries?email=} shows it. Never the token or authcode. */
public record DeliveryView(
        UUID eventId,
        String eventType,
        long userId,
        String email,
        DeliveryStatus status,
        int attempts,
        String lastError,
        FailureReason failureReason,
        Integer sendCloudCode,
        String messageId,
        Instant occurredAt,
        Instant expiresAt,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt,
        Instant nextAttemptAt) {
}
