package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery as {@code GET /api/deliveries?email=} shows it. Never the token or authcode. {@code traceId}: the trace
 * of the sign-up that asked for it (null with tracing off), to find its spans and log lines.
 */
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
        Instant nextAttemptAt,
        String traceId) {
}
