package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Someone tried to sign up with the address of an existing user (with {@code REGISTRATION_EXISTING_EMAIL=conceal},
 * where the sign-up answers as for a new address): the mailer tells the owner. {@code name} and {@code email} are the
 * registered user's, never what the sign-up typed, so a stranger cannot choose words that land in someone else's
 * inbox. Carries no secret and no link.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignupAttempted(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email,
        String name) implements RegistrationTopicEvent {

    public static final String TYPE = "SignupAttempted";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.SignupAttempted.v1";

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
