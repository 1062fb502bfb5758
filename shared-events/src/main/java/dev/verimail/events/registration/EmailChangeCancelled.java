package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An operator cancelled a pending address change ({@link EmailChangeRequested}) before it was confirmed:
 * verification-service forgets that challenge (its link then answers "not valid") and the mailer does not send it.
 * The user keeps their address. Carries no secret.
 *
 * @param email the new address that will not become the user's
 * @param token the public half of the cancelled change's link
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EmailChangeCancelled(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email,
        String token) implements RegistrationTopicEvent {

    public static final String TYPE = "EmailChangeCancelled";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.EmailChangeCancelled.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }

    /** Keeps the address out of logs. */
    @Override
    public String toString() {
        return "EmailChangeCancelled[eventId=" + eventId + ", occurredAt=" + occurredAt + ", userId=" + userId
                + ", token=" + token + "]";
    }
}
