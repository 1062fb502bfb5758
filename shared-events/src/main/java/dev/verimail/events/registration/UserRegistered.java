package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A person signed up: send them the verification link and remember the challenge.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UserRegistered(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String name,
        String email,
        String token,
        String authcode,
        Instant expiresAt) implements RegistrationEvent {

    public static final String TYPE = "UserRegistered";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.UserRegistered.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }

    /** Keeps the authcode out of logs and exception messages. */
    @Override
    public String toString() {
        return "UserRegistered[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + ", expiresAt=" + expiresAt + "]";
    }
}
