package dev.verimail.mailer.delivery;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code delivery}, as the operator side and the clean-up see it. Rows are written by the hot paths in
 * plain JDBC ({@link Deliveries#record}, {@link Claims}); through JPA they are only read, and changed or deleted
 * in bulk ({@link DeliveryRepository}), so the entity has no setters. The id is the database's
 * ({@code AUTO_INCREMENT}): it never leaves the service (views and logs name the {@code eventId}), and sequential
 * keys keep the hot insert appending to the table.
 */
@Entity
@Table(name = "delivery")
class Delivery {

    @Id
    private Long id;

    @Column(name = "event_id", nullable = false, length = 36, columnDefinition = "char(36)")
    private String eventId;

    @Column(name = "event_type", nullable = false, length = 64)
    private String eventType;

    @Column(name = "user_id", nullable = false)
    private long userId;

    @Column(nullable = false, length = 254)
    private String email;

    @Column(name = "email_key", nullable = false, length = 254)
    private String emailKey;

    @Column(nullable = false, length = 400)
    private String name;

    private String token;

    private String authcode;

    /** The 6-digit code beside the link, sealed; cleared with the link. */
    @Column(name = "sealed_code")
    private String sealedCode;

    @Column(name = "occurred_at", nullable = false)
    private Instant occurredAt;

    @Column(name = "expires_at", nullable = false)
    private Instant expiresAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    private DeliveryStatus status;

    @Column(nullable = false)
    private int attempts;

    @Column(nullable = false)
    private int redrives;

    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "claim_token", length = 36, columnDefinition = "char(36)")
    private String claimToken;

    @Enumerated(EnumType.STRING)
    @Column(name = "failure_reason", length = 16)
    private FailureReason failureReason;

    @Column(name = "sendcloud_code")
    private Integer sendCloudCode;

    @Column(name = "last_error", length = 1000)
    private String lastError;

    @Column(name = "message_id")
    private String messageId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    @Column(name = "sent_at")
    private Instant sentAt;

    @Column(name = "finished_at")
    private Instant finishedAt;

    @Column(length = 55)
    private String traceparent;

    @Column(name = "provider_event", length = 32)
    private String providerEvent;

    @Column(name = "provider_code")
    private Integer providerCode;

    @Column(name = "provider_event_at")
    private Instant providerEventAt;

    @Column(name = "soft_bounces", nullable = false)
    private int softBounces;

    @Column(name = "undeliverable_at")
    private Instant undeliverableAt;

    protected Delivery() {
    }

    /** What {@code GET /api/deliveries} shows: never the token, authcode or claim token. */
    DeliveryView view() {
        return new DeliveryView(UUID.fromString(eventId), eventType, userId, email, status, attempts, lastError,
                failureReason, sendCloudCode, messageId, occurredAt, expiresAt, createdAt, updatedAt, sentAt,
                nextAttemptAt, dev.verimail.outbox.Traces.traceId(traceparent), providerEvent, providerCode,
                providerEventAt, undeliverableAt);
    }

    @Override
    public String toString() {
        return "Delivery[eventId=" + eventId + ", status=" + status + "]";
    }
}
