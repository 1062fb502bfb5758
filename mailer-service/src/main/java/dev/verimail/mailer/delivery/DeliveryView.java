package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

/**
 * A delivery as {@code GET /api/deliveries?email=} shows it. Never the token or authcode. {@code traceId}: the trace
 * of the sign-up that asked for it (null with tracing off), to find its spans and log lines. {@code providerEvent},
 * {@code providerCode} and {@code providerEventAt}: the last SendCloud webhook that changed it (e.g. {@code invalid},
 * 406); {@code undeliverableAt}: when {@code EmailUndeliverable} was announced for it.
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
        String traceId,
        String providerEvent,
        Integer providerCode,
        Instant providerEventAt,
        Instant undeliverableAt) {
}
