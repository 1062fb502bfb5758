package dev.verimail.events.verification;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The user proved they own the address. Published once per challenge; redeliveries carry the same
 * {@code eventId}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmailVerified(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email,
        Instant verifiedAt) implements VerificationEvent {

    public static final String TYPE = "EmailVerified";
    public static final String CLOUD_EVENT_TYPE = "verimail.verification.EmailVerified.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
