package dev.verimail.events.verification;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A user's address changed: the new one was confirmed (its {@code EmailVerified} went out just before) and is now the
 * user's address; the previous one is free. Published by registration-service on {@code verification-events}, once per
 * change; redeliveries carry the same {@code eventId}.
 *
 * @param previousEmail the address the user had
 * @param email         the address the user has now, verified
 * @param changedAt     when registration-service applied the change, UTC
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmailChanged(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String previousEmail,
        String email,
        Instant changedAt) implements VerificationEvent {

    public static final String TYPE = "EmailChanged";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.EmailChanged.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
