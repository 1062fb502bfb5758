package dev.verimail.events.registration;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Someone tried to sign up with the address of an existing user (with {@code REGISTRATION_EXISTING_EMAIL=conceal},
 * where the sign-up answers as for a new address): the mailer tells the owner. {@code name} and {@code email} are the
 * registered user's, never what the sign-up typed, so a stranger cannot choose words that land in someone else's
 * inbox. Carries no secret and no link. {@code locale} (optional): the registered user's language, which the notice
 * speaks ({@code en} or {@code zh-CN}; absent means English).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SignupAttempted(
        UUID eventId,
        Instant occurredAt,
        long userId,
        String email,
        String name,
        String locale) implements RegistrationTopicEvent {

    public static final String TYPE = "SignupAttempted";
    public static final String CLOUD_EVENT_TYPE = "verimail.registration.SignupAttempted.v1";

    /** A notice without a locale (English), as earlier versions wrote it. */
    public SignupAttempted(UUID eventId, Instant occurredAt, long userId, String email, String name) {
        this(eventId, occurredAt, userId, email, name, null);
    }

    @Override
    public String cloudEventType() {
        return CLOUD_EVENT_TYPE;
    }
}
