package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A pending user asked for a new link. This challenge replaces every earlier one of the user: older links stop
 * working and unsent emails for them are moot.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationReissued(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String name,
        String email,
        String token,
        String authcode,
        Instant expiresAt) implements RegistrationEvent {

    public static final String TYPE = "VerificationReissued";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.VerificationReissued.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }

    /** Keeps the authcode out of logs and exception messages. */
    @Override
    public String toString() {
        return "VerificationReissued[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + ", expiresAt=" + expiresAt + "]";
    }
}
