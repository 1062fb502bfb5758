package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A PENDING user whose last link expired some days ago was deleted: the address can sign up again, and every
 * service forgets what it kept about the user (challenges, deliveries). Carries no secret.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegistrationExpired(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email) implements RegistrationTopicEvent {

    public static final String TYPE = "RegistrationExpired";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.RegistrationExpired.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
